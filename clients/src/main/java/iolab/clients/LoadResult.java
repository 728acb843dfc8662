package iolab.clients;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * What a run measured, after the warm-up.
 *
 * @param latencyNanos every recorded response's latency, in nanoseconds, and the censored values below
 * @param censoredNanos the requests never answered (timed out, or still awaited at the end), at the time they had
 *     waited: a lower bound of their latency; in the closed loop also the requests their connection would have sent
 *     meanwhile ({@link LoadRun}); part of {@code latencyNanos} too
 * @param connections how the responses were shared among the connections
 * @param statuses HTTP status counts (empty for echo)
 * @param sendLagNanos open loop: the client's own lateness per request ({@link LoadRun#sendLag}); empty in the closed
 *     loop
 * @param serviceTimeNanos open loop: each response's time from the request's actual send, uncorrected (wrk2's
 *     {@code -U}); beside the corrected latency it shows how much of the latency was waiting to be sent; empty in the
 *     closed loop
 * @param bytesRead bytes of responses read while recording (wrk's "MB read")
 * @param badResponse why the first bad response was bad (for example the server answered HTTP to echo); null when none
 *     was
 * @param handshakes HTTPS: the TLS handshakes made while recording; null for plain TCP
 */
public record LoadResult(
        LoadSettings settings,
        long requests,
        double durationSeconds,
        Histogram latencyNanos,
        Histogram censoredNanos,
        ConnectionShares connections,
        Map<ErrorKind, Long> errors,
        Map<Integer, Long> statuses,
        Histogram sendLagNanos,
        Histogram serviceTimeNanos,
        long bytesRead,
        String badResponse,
        Handshakes handshakes) {

    /**
     * @param completed every handshake that finished
     * @param resumed   of those, the ones that resumed an earlier session (no certificate, no key exchange of its own)
     * @param nanos     each handshake's time, from the TCP connection established to the handshake done
     */
    public record Handshakes(long completed, long resumed, Histogram nanos) {
    }

    /** A client whose own p99 lateness exceeds this share of the p99 latency it reports is measuring itself too. */
    public static final double CLIENT_LIMITED_SHARE = 0.1;

    public double requestsPerSecond() {
        return requests / durationSeconds;
    }

    /** The responses that succeeded: those answered, less those whose status was 400 or more. */
    public long succeeded() {
        return requests
                - statuses.entrySet().stream()
                        .filter(e -> e.getKey() >= 400)
                        .mapToLong(Map.Entry::getValue)
                        .sum();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The client's send lag at {@code percentile} (0 to 100), in milliseconds; 0 in the closed loop. */
    public double sendLagMillis(double percentile) {
        return millis(sendLagNanos, percentile);
    }

    /** The uncorrected service time at {@code percentile} (0 to 100), in milliseconds; 0 in the closed loop. */
    public double serviceTimeMillis(double percentile) {
        return millis(serviceTimeNanos, percentile);
    }

    private static double millis(Histogram nanos, double percentile) {
        return nanos.getTotalCount() == 0 ? 0 : nanos.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * True when the client's own send lag (p99) exceeds a tenth of the latency it reports (p99): the client limits what
     * it measures.
     */
    public boolean clientLimited() {
        return clientLimited(sendLagNanos, latencyNanos);
    }

    public static boolean clientLimited(Histogram sendLagNanos, Histogram latencyNanos) {
        return sendLagNanos.getTotalCount() > 0 && latencyNanos.getTotalCount() > 0
                && sendLagNanos.getValueAtPercentile(99) > CLIENT_LIMITED_SHARE * latencyNanos.getValueAtPercentile(99);
    }

    /**
     * The latency at {@code percentile} (0 to 100), in milliseconds; a lower bound where {@link #latencyIsLowerBound}
     * says so.
     */
    public double latencyMillis(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }

    /** Whether the latency at {@code percentile} is only a lower bound (see {@link #lowerBound}). */
    public boolean latencyIsLowerBound(double percentile) {
        return lowerBound(latencyNanos, censoredNanos, percentile);
    }

    /** The share of the latency record that is censored, in percent. */
    public double censoredPercent() {
        return latencyNanos.getTotalCount() == 0
                ? 0
                : 100.0 * censoredNanos.getTotalCount() / latencyNanos.getTotalCount();
    }

    /**
     * Whether the value of {@code all} at {@code percentile} is only a lower bound because {@code censored} (a part of
     * {@code all}) holds values whose truth is larger: it is exact only when the uncensored values at or below it are
     * enough to reach the percentile by themselves, for then no censored value moving up can move it.
     */
    public static boolean lowerBound(Histogram all, Histogram censored, double percentile) {
        if (censored == null || censored.getTotalCount() == 0 || all.getTotalCount() == 0) {
            return false;
        }
        long value = all.getValueAtPercentile(percentile);
        long needed =
                Math.max(1, (long) Math.ceil(percentile / 100 * all.getTotalCount())); // as getValueAtPercentile counts
        long uncensored = all.getCountBetweenValues(0, value) - censored.getCountBetweenValues(0, value);
        return uncensored < needed;
    }
}
