package iolab.clients;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;

/**
 * What to load: {@code HOST:PORT}, {@code [IPv6]:PORT}, {@code unix:/path}, or an
 * {@code http://} or {@code https://} URL (which also gives the HTTP path and the {@code Host} header).
 *
 * @param path the URL's path and query, or null when the target was not a URL
 * @param tls  an {@code https://} URL
 */
public record Target(SocketAddress address, String host, String path, boolean tls) {

    public Target(SocketAddress address, String host, String path) {
        this(address, host, path, false);
    }

    public static Target parse(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("unix: target without a path: '" + text + "'");
            }
            return new Target(UnixDomainSocketAddress.of(path), "localhost", null);
        }
        if (text.startsWith("http://") || text.startsWith("https://")) {
            boolean tls = text.startsWith("https://");
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a URL: '" + text + "'");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("URL without a host: '" + text + "'");
            }
            int port = uri.getPort() < 0 ? (tls ? 443 : 80) : uri.getPort();
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String host = uri.getHost().startsWith("[")
                    ? uri.getHost().substring(1, uri.getHost().length() - 1)
                    : uri.getHost();
            return new Target(new InetSocketAddress(host, port), uri.getRawAuthority(), path, tls);
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(
                    "expected HOST:PORT, [IPv6]:PORT, unix:/path or http://..., not '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: '" + text.substring(colon + 1) + "' in '" + text + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new Target(new InetSocketAddress(host, port), text.substring(0, colon), null);
    }

    /** The host name as TLS names it (SNI, the certificate's check): the URL's host without port or brackets. */
    public String hostName() {
        return address instanceof InetSocketAddress inet ? inet.getHostString() : "localhost";
    }

    public boolean isUnix() {
        return address instanceof UnixDomainSocketAddress;
    }

    /** The family to open a channel of, to connect here. */
    public ProtocolFamily family() {
        if (isUnix()) {
            return StandardProtocolFamily.UNIX;
        }
        return ((InetSocketAddress) address).getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public String toString() {
        return isUnix()
                ? "unix:" + ((UnixDomainSocketAddress) address).getPath()
                : (tls ? "https://" : "") + host + (path == null ? "" : path);
    }
}
