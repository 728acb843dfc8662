package iolab.clients.udp;

import iolab.clients.LoadResult;

import org.HdrHistogram.Histogram;

/**
 * What a UDP run measured, for the datagrams whose intended send time fell after the warm-up. Loss is a result here,
 * not an error: UDP promises nothing else.
 *
 * @param sent datagrams written to a socket
 * @param echoed distinct datagrams whose reply came back (late ones included)
 * @param late of those, replies that came later than the timeout after their intended send time
 * @param reordered of those, replies that came after the reply of a datagram sent later on the same socket
 * @param duplicated replies of a datagram already answered (UDP may duplicate; on loopback none should be)
 * @param refused ICMP "port unreachable" reports (no server listening): the kernel's word that datagrams went nowhere
 * @param bad replies that are not a datagram this run sent (wrong length or sequence number)
 * @param clientDrops replies the kernel dropped because a client socket's receive buffer was full (-1: unknown): loss
 *     that is the client's, not the server's
 * @param receiveBufferBytes the client sockets' receive buffer as the kernel granted it ({@code net.core.rmem_max} caps
 *     it)
 * @param latencyNanos every reply's time from its datagram's intended send time
 * @param sendLagNanos the client's own lateness: actual send time less intended
 */
public record DatagramResult(
        DatagramSettings settings,
        double durationSeconds,
        long sent,
        long echoed,
        long late,
        long reordered,
        long duplicated,
        long refused,
        long bad,
        long clientDrops,
        int receiveBufferBytes,
        Histogram latencyNanos,
        Histogram sendLagNanos) {

    /** Datagrams sent and never answered by the end of the run. */
    public long lost() {
        return sent - echoed;
    }

    /** {@link #lost()} as a share of {@link #sent()}, 0 to 1. */
    public double lossRatio() {
        return sent == 0 ? 0 : (double) lost() / sent;
    }

    public double sentPerSecond() {
        return sent / durationSeconds;
    }

    public double echoedPerSecond() {
        return echoed / durationSeconds;
    }

    /** In milliseconds; 0 when no reply came. */
    public double latencyMillis(double percentile) {
        return latencyNanos.getTotalCount() == 0 ? 0 : latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * True when the client's own lateness is comparable to the latency it reports (at least {@link #CLIENT_LATE_SHARE}
     * of it) and at least {@link #CLIENT_LATE_MILLIS}: below that it is this machine's scheduling noise, which every
     * rate has.
     */
    public boolean clientLate() {
        return sendLagNanos.getTotalCount() > 0
                && sendLagMillis(99) >= Math.max(CLIENT_LATE_MILLIS, CLIENT_LATE_SHARE * latencyMillis(99));
    }

    public static final double CLIENT_LATE_MILLIS = 1;
    /**
     * UDP's rule is looser than TCP's tenth ({@link LoadResult#CLIENT_LIMITED_SHARE}): its sweep asks where the
     * client's rate ends, not whether a latency is the server's.
     */
    public static final double CLIENT_LATE_SHARE = 0.5;

    public double sendLagMillis(double percentile) {
        return sendLagNanos.getTotalCount() == 0 ? 0 : sendLagNanos.getValueAtPercentile(percentile) / 1e6;
    }
}
