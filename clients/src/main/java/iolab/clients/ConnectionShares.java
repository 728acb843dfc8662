package iolab.clients;

import java.util.Arrays;

/**
 * How the responses of a measurement were shared among its connections. A pool of 200 threads
 * behind 1,000 connections serves 200 of them and starves the rest; its latency histogram holds
 * only the served ones, so without this count the starvation is invisible in the percentiles.
 *
 * @param connections every connection of the load (a connection re-made after a failure is the same one)
 * @param served connections with at least one response in the measured window
 * @param min the fewest responses one connection had; {@code median} and {@code max} likewise
 * @param fairness Jain's index (Σx)² / (n·Σx²) of the responses per connection: 1 when all had the same, {@code served
 *     / connections} when the served had the same and the others none; NaN with no response at all
 */
public record ConnectionShares(int connections, int served, long min, double median, long max, double fairness) {

    /** The shares of {@code responses}, one count per connection. */
    public static ConnectionShares of(long[] responses) {
        long[] sorted = responses.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return new ConnectionShares(0, 0, 0, 0, 0, Double.NaN);
        }
        double sum = 0;
        double squares = 0;
        int served = 0;
        for (long x : sorted) {
            sum += x;
            squares += (double) x * x;
            if (x > 0) {
                served++;
            }
        }
        return new ConnectionShares(
                n,
                served,
                sorted[0],
                median(Arrays.stream(sorted).asDoubleStream().toArray()),
                sorted[n - 1],
                squares == 0 ? Double.NaN : sum * sum / (n * squares));
    }

    /**
     * Several measurements' shares as one: the median of each figure over them (each measurement had a connection set
     * of its own, so their counts are not pooled); null when there is none.
     */
    public static ConnectionShares median(java.util.List<ConnectionShares> shares) {
        java.util.List<ConnectionShares> known = shares.stream().filter(java.util.Objects::nonNull).toList();
        if (known.isEmpty()) {
            return null;
        }
        return new ConnectionShares(
                (int) Math.round(median(known, ConnectionShares::connections)),
                (int) Math.round(median(known, ConnectionShares::served)),
                Math.round(median(known, ConnectionShares::min)),
                median(known, ConnectionShares::median),
                Math.round(median(known, ConnectionShares::max)),
                median(known.stream().filter(s -> !Double.isNaN(s.fairness())).toList(), ConnectionShares::fairness));
    }

    /**
     * The shares of connection sets loaded at once (by several load hosts), {@code responses[i]} the responses of set
     * i: counts add, the least and most are the least and most of all, Jain's fairness is exact (each set's sum of
     * squares follows from its fairness and its sum), and the median is the median of the sets' medians, which is
     * near the whole set's when the sets are alike, as equal shares of one load are.
     */
    public static ConnectionShares together(java.util.List<ConnectionShares> shares, long[] responses) {
        int connections = 0;
        int served = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < shares.size(); i++) {
            ConnectionShares s = shares.get(i);
            connections += s.connections();
            served += s.served();
            min = Math.min(min, s.min());
            max = Math.max(max, s.max());
            sum += responses[i];
            if (responses[i] > 0 && s.fairness() > 0) {
                squares += (double) responses[i] * responses[i] / (s.connections() * s.fairness());
            }
        }
        return shares.isEmpty()
                ? null
                : new ConnectionShares(
                        connections,
                        served,
                        min,
                        median(shares, ConnectionShares::median),
                        max,
                        squares == 0 ? Double.NaN : sum * sum / (connections * squares));
    }

    private static double median(
            java.util.List<ConnectionShares> shares, java.util.function.ToDoubleFunction<ConnectionShares> figure) {
        return median(shares.stream().mapToDouble(figure).sorted().toArray());
    }

    /** The median of values already sorted; NaN when there are none. */
    private static double median(double[] sorted) {
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public int starved() {
        return connections - served;
    }
}
