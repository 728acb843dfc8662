package iolab.clients;

import org.HdrHistogram.Histogram;

import java.util.Map;

/**
 * What a run measured, after the warm-up.
 *
 * @param latencyNanos  every recorded response's latency, in nanoseconds
 * @param statuses      HTTP status counts (empty for echo)
 */
public record LoadResult(LoadSettings settings, long requests, double durationSeconds, Histogram latencyNanos,
                         Map<ErrorKind, Long> errors, Map<Integer, Long> statuses) {

    public double requestsPerSecond() {
        return requests / durationSeconds;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The latency at {@code percentile} (0 to 100), in milliseconds. */
    public double latencyMillis(double percentile) {
        return latencyNanos.getValueAtPercentile(percentile) / 1e6;
    }
}
