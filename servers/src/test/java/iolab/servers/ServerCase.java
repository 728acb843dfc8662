package iolab.servers;

import iolab.servers.reference.NettyEcho;
import iolab.servers.protocol.EchoProtocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Every server the lab runs that speaks echo ({@link ServerVariant}), as test parameters. */
public record ServerCase(ServerVariant variant) {

    /** Small enough that the pool's queue is exercised by the tests' hundreds of connections. */
    public static final int TEST_POOL_THREADS = 16;

    public static List<ServerCase> all() {
        return Arrays.stream(ServerVariant.values()).filter(ServerVariant::servesEcho).map(ServerCase::new).toList();
    }

    public String name() {
        return variant.label();
    }

    public Model model() {
        return variant.model();
    }

    /** The variant's settings, two loops, and the tests' small pool. */
    static ServerSettings settings(ServerVariant variant, SocketAddress endpoint) {
        variant.unavailable()
                .ifPresent(org.junit.jupiter.api.Assumptions::abort); // skipped with the reason, not failed
        ServerSettings settings = variant.configure(ServerSettings.defaults(variant.model(), endpoint));
        return switch (settings.own()) {
            case ServerSettings.PoolSettings pool -> settings.withThreads(TEST_POOL_THREADS);
            case ServerSettings.NioSettings nio -> settings.withLoops(2);
            case ServerSettings.NettySettings netty -> settings.withLoops(2);
            case ServerSettings.NoSettings none -> settings;
        };
    }

    /** The address families; each case serves all three. */
    public enum Family { IPV4, IPV6, UNIX }

    /** Every case on every family. */
    public static Stream<org.junit.jupiter.params.provider.Arguments> everyCaseAndFamily() {
        List<org.junit.jupiter.params.provider.Arguments> arguments = new ArrayList<>();
        for (ServerCase c : all()) {
            for (Family family : Family.values()) {
                arguments.add(org.junit.jupiter.params.provider.Arguments.of(c, family));
            }
        }
        return arguments.stream();
    }

    public ServerSettings settings(Family family) throws IOException {
        return settings(variant, endpoint(family));
    }

    /** Starts an echo server of this case; the caller closes it. */
    public Server startEcho(ServerSettings settings) throws IOException {
        Server server = Servers.create(settings, new EchoProtocol(), NettyEcho::configure);
        server.start();
        return server;
    }

    public static SocketAddress endpoint(Family family) throws IOException {
        return switch (family) {
            case IPV4 -> new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
            case IPV6 -> new InetSocketAddress(InetAddress.getByName("::1"), 0);
            case UNIX -> {
                Path dir = Files.createTempDirectory("iolab-test");
                dir.toFile().deleteOnExit();
                yield UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
            }
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
