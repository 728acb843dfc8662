package iolab.clients;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * What a run measured, after the warm-up.
 *
 * @param latencyNanos  every recorded response's latency, in nanoseconds
 * @param statuses      HTTP status counts (empty for echo)
 * @param sendLagNanos  open loop: the client's own lateness per request ({@link LoadRun#sendLag}); empty in the closed loop
 * @param serviceTimeNanos open loop: each response's time from the request's actual send, uncorrected (wrk2's {@code -U});
 *                      beside the corrected latency it shows how much of the latency was waiting to be sent; empty in the closed loop
 * @param bytesRead     bytes of responses read while recording (wrk's "MB read")
 * @param badResponse   why the first bad response was bad (for example the server answered HTTP to echo); null when none was
 * @param handshakes    HTTPS: the TLS handshakes made while recording; null for plain TCP
 */
public record LoadResult(LoadSettings settings, long requests, double durationSeconds, Histogram latencyNanos,
                         Map<ErrorKind, Long> errors, Map<Integer, Long> statuses, Histogram sendLagNanos,
                         Histogram serviceTimeNanos, long bytesRead, String badResponse, Handshakes handshakes) {

    public LoadResult(LoadSettings settings, long requests, double durationSeconds, Histogram latencyNanos, Map<ErrorKind, Long> errors,
                      Map<Integer, Long> statuses, Histogram sendLagNanos, Histogram serviceTimeNanos, long bytesRead, String badResponse) {
        this(settings, requests, durationSeconds, latencyNanos, errors, statuses, sendLagNanos, serviceTimeNanos, bytesRead, badResponse, null);
    }

    /**
     * @param completed every handshake that finished
     * @param resumed   of those, the ones that resumed an earlier session (no certificate, no key exchange of its own)
     * @param nanos     each handshake's time, from the TCP connection established to the handshake done
     */
    public record Handshakes(long completed, long resumed, Histogram nanos) {
    }

    /** A client whose own p99 lateness is at least this share of the p99 latency it reports is measuring itself too. */
    public static final double CLIENT_LATE_SHARE = 0.5;

    public double requestsPerSecond() {
        return requests / durationSeconds;
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

    /** True when the client's own lateness is comparable to the latency it reports (see {@link #CLIENT_LATE_SHARE}). */
    public boolean clientLate() {
        return sendLagNanos.getTotalCount() > 0 && sendLagMillis(99) >= CLIENT_LATE_SHARE * latencyMillis(99);
    }

    /** The latency at {@code percentile} (0 to 100), in milliseconds. */
    public double latencyMillis(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
}
