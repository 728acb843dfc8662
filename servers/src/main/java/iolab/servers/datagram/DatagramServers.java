package iolab.servers.datagram;

import iolab.servers.Model;
import iolab.servers.ServerSettings;

import java.net.InetSocketAddress;
import java.util.Optional;

/** Puts UDP echo on an I/O model, where the model means something without connections. */
public final class DatagramServers {

    /**
     * What a server receives a datagram into: more than any UDP payload (65,507 bytes over IPv4, 65,527 over IPv6,
     * whose length field leaves out the IP header), so that none is ever cut. Sized at IPv4's limit, IPv6's largest
     * came back silently 20 bytes short.
     */
    public static final int RECEIVE_BUFFER = 65_536;

    private DatagramServers() {
    }

    /** Why {@code model} does not serve UDP, or empty. */
    public static Optional<String> unsupported(Model model) {
        return switch (model) {
            case THREAD_PER_CONNECTION ->
                Optional.of("UDP has no connections, so thread-per-connection has nothing to give a thread;"
                        + " --model pool --pool-size 1 is the course's one blocking recvfrom/sendto loop");
            case JDK -> Optional.of("--model jdk serves HTTP only");
            case POOL, VIRTUAL, NIO, NETTY -> Optional.empty();
        };
    }

    public static DatagramServer create(ServerSettings settings) {
        unsupported(settings.model()).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        if (!(settings.endpoint() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("UDP listens on an IPv4 or IPv6 address, not on a Unix domain socket");
        }
        return switch (settings.model()) {
            case POOL, VIRTUAL -> new BlockingDatagramServer(settings);
            case NIO -> new SelectorDatagramServer(settings);
            case NETTY -> new NettyDatagramServer(settings);
            case THREAD_PER_CONNECTION, JDK -> throw new AssertionError(settings.model());
        };
    }
}
