package iolab.clients.udp;

import iolab.clients.Target;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * One run of the UDP load: open loop only, since a datagram has no reply to wait for before the next. Every datagram
 * carries its sequence number and its intended send time, so the reply says by itself how late it is and whether it
 * overtook another.
 *
 * @param sockets client sockets, each connected to the server (its own source port); datagrams are dealt among them in
 *     turn
 * @param size bytes per datagram, at least {@link #HEADER} (sequence number and intended time) and at most UDP's
 *     payload limit for the target's family: 65,507 over IPv4, 65,527 over IPv6
 * @param timeout a reply later than this is counted late; the run waits this long after the last send for the last
 *     replies
 */
public record DatagramSettings(
        Target target,
        int sockets,
        int size,
        double ratePerSecond,
        boolean poisson,
        Duration warmup,
        Duration duration,
        Duration timeout) {

    /** The sequence number and the intended send time, both longs. */
    public static final int HEADER = 16;
    public static final int MAX_SIZE_IPV4 = 65_507;
    /** IPv6's payload length leaves out its own header, so 20 bytes more than IPv4 fit. */
    public static final int MAX_SIZE_IPV6 = 65_527;
    /** What a reply is received into: more than any UDP payload, so that a longer reply than was sent is seen whole. */
    public static final int RECEIVE_BUFFER = 65_536;

    public DatagramSettings {
        Objects.requireNonNull(target, "target");
        require(target.address() instanceof InetSocketAddress && target.path() == null,
                "UDP needs HOST:PORT or [IPv6]:PORT, not '" + target + "'");
        require(sockets >= 1, "sockets must be at least 1: " + sockets);
        int max = maxSize((InetSocketAddress) target.address());
        require(
                size >= HEADER && size <= max,
                "--size: a datagram to " + target + " carries " + HEADER + " to " + max + " bytes, not " + size);
        require(ratePerSecond > 0, "UDP's load is an open loop: give --rate (datagrams per second)");
        require(!warmup.isNegative(), "warmup must not be negative: " + warmup);
        require(duration.isPositive(), "duration must be positive: " + duration);
        require(timeout.isPositive(), "timeout must be positive: " + timeout);
    }

    /** UDP's largest payload to {@code address}: its family's. */
    public static int maxSize(InetSocketAddress address) {
        return address.getAddress() instanceof java.net.Inet6Address ? MAX_SIZE_IPV6 : MAX_SIZE_IPV4;
    }

    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "udp echo %d B to %s: %d socket(s), open loop at %.0f datagrams/s%s",
                size,
                target,
                sockets,
                ratePerSecond,
                poisson ? " (Poisson arrivals)" : "");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
