package iolab.servers;

import iolab.servers.ServerSettings.NettyTransport;
import iolab.servers.model.NettyEcho;
import iolab.servers.protocol.EchoProtocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Every server the lab runs, as test parameters: the four models, nio on both selectors, Netty on both transports. */
public record ServerCase(String name, Model model, UnaryOperator<ServerSettings> tune) {

    /** Small enough that the pool's queue is exercised by the tests' hundreds of connections. */
    public static final int TEST_POOL_THREADS = 16;

    public static List<ServerCase> all() {
        return List.of(
                new ServerCase("thread-per-connection", Model.THREAD_PER_CONNECTION, s -> s),
                new ServerCase("pool", Model.POOL, s -> s.withThreads(TEST_POOL_THREADS)),
                new ServerCase("virtual", Model.VIRTUAL, s -> s),
                new ServerCase("nio-epoll", Model.NIO, s -> s.withSelector("epoll")),
                new ServerCase("nio-poll", Model.NIO, s -> s.withSelector("poll")),
                new ServerCase("netty-nio", Model.NETTY, s -> s.withTransport(NettyTransport.NIO)),
                new ServerCase("netty-epoll", Model.NETTY, s -> s.withTransport(NettyTransport.EPOLL)));
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
        return tune.apply(ServerSettings.defaults(model, endpoint(family)).withLoops(2));
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
        return name;
    }
}
