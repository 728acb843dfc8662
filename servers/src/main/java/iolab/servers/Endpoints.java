package iolab.servers;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;

/** Listening on, and naming, the three address families every model serves. */
public final class Endpoints {

    private Endpoints() {
    }

    /**
     * Opens a listening channel on {@code endpoint}. The kernel caps {@code backlog} at
     * {@code net.core.somaxconn}.
     */
    public static ServerSocketChannel listen(SelectorProvider provider, SocketAddress endpoint, int backlog)
            throws IOException {
        boolean unix = endpoint instanceof UnixDomainSocketAddress;
        ServerSocketChannel channel = unix
                ? provider.openServerSocketChannel(StandardProtocolFamily.UNIX)
                : provider.openServerSocketChannel();
        try {
            if (!unix) {
                // A restarted server must not wait for the last run's TIME_WAIT sockets.
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            channel.bind(endpoint, backlog);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Per-connection options: Nagle's delay off, as every server in the lab does. */
    public static void configureAccepted(SocketChannel channel) throws IOException {
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    /** Removes the socket file a Unix domain listener leaves behind when it closes. */
    public static void removeSocketFile(SocketAddress endpoint) {
        if (endpoint instanceof UnixDomainSocketAddress unix) {
            try {
                Files.deleteIfExists(unix.getPath());
            } catch (IOException ignored) {
                // Best effort: the path is reported by the caller's own messages.
            }
        }
    }

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080} or {@code unix:/path}: the load generator's target syntax. */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        if (address instanceof InetSocketAddress inet) {
            String host = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            if (inet.getAddress() instanceof Inet6Address) {
                int scope = host.indexOf('%');
                host = (scope < 0 ? host : host.substring(0, scope)).replaceFirst("(^|:)(0(:|$)){2,}", "::");
                host = "[" + host + "]";
            }
            return host + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
