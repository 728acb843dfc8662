package iolab.runfiles;

import java.util.Arrays;

/**
 * A figure measured in independent rounds (a round: one JMH trial of a configuration), and what
 * can be said of it: the median with a distribution-free confidence interval from order
 * statistics, the paired ratio of two configurations measured in the same rounds, and the
 * unpaired ratio of one configuration measured in two runs.
 *
 * <p>Why order statistics: rounds on a shared machine are few (5 to 10) and far from normal
 * (a slow minute gives an outlier, not a wider bell), so an interval that assumes nothing about
 * the distribution is the honest one. For the median M of n values, the interval between the
 * k-th smallest and the k-th largest covers M with probability 1 - 2 P(Binomial(n, 1/2) < k);
 * we take the largest k that keeps the coverage at the asked level. Fewer than six rounds can
 * never reach 95%: the interval is then the whole range, and {@link Interval#coverage} says what
 * it does reach.
 *
 * <p>Why paired ratios: the servers of a block take their turns within each round, so a round
 * that was slow for one was slow for all. The ratio within each round cancels that, and the
 * interval of the median of those ratios is the one to cite; it is the sign test's interval.
 */
public final class RoundStatistics {

    private RoundStatistics() {
    }

    /**
     * @param coverage the probability that [low, high] covers the true median (at least the level
     *                 asked, unless there were too few rounds to reach it)
     */
    public record Interval(double median, double low, double high, int rounds, double coverage) {

        /** Whether the interval covers the median with at least {@code level}: five rounds never reach 95%. */
        public boolean reaches(double level) {
            return coverage >= level - 1e-9;
        }

        /** Half the interval's width as a fraction of the median: how precisely the figure is known. */
        public double relativeHalfWidth() {
            return (high - low) / 2 / Math.abs(median);
        }
    }

    /** What a paired ratio lets one say of A against B. */
    public enum Verdict {
        FASTER, SLOWER, CANNOT_TELL;

        /**
         * A ratio A/B (throughput: higher is faster) whose interval lies above 1 is faster; below 1,
         * slower; but only when the interval reaches {@code level}: five rounds all on one side of 1
         * still leave a 6% chance that the median ratio is on the other.
         */
        public static Verdict of(Interval ratio, double level) {
            if (!ratio.reaches(level)) {
                return CANNOT_TELL;
            }
            return ratio.low() > 1 ? FASTER : ratio.high() < 1 ? SLOWER : CANNOT_TELL;
        }
    }

    /** The median of {@code values}, without an interval. */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no rounds");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return medianOfSorted(sorted);
    }

    private static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The median of {@code values} with its order-statistic interval at {@code level} (for example 0.95). */
    public static Interval median(double[] values, double level) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no rounds");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must lie between 0 and 1: " + level);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = medianOfSorted(sorted);
        int k = trimmedPerSide(n, level) + 1;
        return new Interval(median, sorted[k - 1], sorted[n - k], n, coverage(n, k));
    }

    /**
     * How many of {@code n} rounds the interval at {@code level} leaves out at each end: 0 up to 8
     * rounds at 95%, 1 from 9, 2 from 12. Only when this grows does another round narrow the interval.
     */
    public static int trimmedPerSide(int n, double level) {
        int k = 1;
        while (k + 1 <= (n + 1) / 2 && coverage(n, k + 1) >= level) {
            k++;
        }
        return k - 1;
    }

    /** The per-round ratios {@code a[i] / b[i]}: both measured in round i. */
    public static Interval pairedRatio(double[] a, double[] b, double level) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired rounds differ in number: " + a.length + " and " + b.length);
        }
        double[] ratios = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            ratios[i] = a[i] / b[i];
        }
        return median(ratios, level);
    }

    /**
     * The ratio {@code b / a} of two figures measured in different runs, whose rounds are not
     * paired: the Hodges–Lehmann estimate on the logarithms (the median of every {@code log b[j] -
     * log a[i]}) with the distribution-free interval of the Mann–Whitney test (Moses' interval).
     * It assumes only that the runs differ by a factor, not any distribution. With six rounds each
     * the interval runs from the 6th to the 31st of the 36 ratios and covers the true factor with
     * probability 886/924 = 95.9%; with three rounds each no interval reaches 95%.
     */
    public static Interval unpairedRatio(double[] b, double[] a, double level) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("no rounds");
        }
        int n = a.length;
        int m = b.length;
        double[] logRatios = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                logRatios[i * m + j] = Math.log(b[j]) - Math.log(a[i]);
            }
        }
        Arrays.sort(logRatios);
        double[] cumulative = mannWhitneyCumulative(n, m);
        int k = 1;
        while (k + 1 <= (n * m + 1) / 2 && 1 - 2 * cumulative[k] >= level) {
            k++;
        }
        return new Interval(
                Math.exp(medianOfSorted(logRatios)),
                Math.exp(logRatios[k - 1]),
                Math.exp(logRatios[n * m - k]),
                Math.min(n, m),
                1 - 2 * cumulative[k - 1]);
    }

    /**
     * P(U <= u) for u = 0..nm, where U is the Mann–Whitney statistic of samples of n and m when
     * neither tends to be larger: the number of ways to interleave them with u inversions, over C(n+m, n).
     */
    static double[] mannWhitneyCumulative(int n, int m) {
        // ways[j][u], for i of the first sample so far: orders of i and j values with U = u. The largest value is the
        // first sample's (then it exceeds all j of the second: U grows by j) or the second's.
        double[][] ways = new double[m + 1][n * m + 1];
        for (int j = 0; j <= m; j++) {
            ways[j][0] = 1; // i = 0
        }
        for (int i = 1; i <= n; i++) {
            double[][] next = new double[m + 1][n * m + 1];
            next[0][0] = 1;
            for (int j = 1; j <= m; j++) {
                for (int u = 0; u <= i * j; u++) {
                    next[j][u] = (u >= j ? ways[j][u - j] : 0) + next[j - 1][u];
                }
            }
            ways = next;
        }
        double total = 0;
        for (double w : ways[m]) {
            total += w;
        }
        double[] cumulative = new double[n * m + 1];
        double running = 0;
        for (int u = 0; u <= n * m; u++) {
            running += ways[m][u];
            cumulative[u] = running / total;
        }
        return cumulative;
    }

    /** P(x(k) <= M <= x(n+1-k)) = 1 - 2 P(Binomial(n, 1/2) <= k - 1). */
    static double coverage(int n, int k) {
        double tail = 0;
        double choose = 1; // C(n, 0)
        for (int i = 0; i < k; i++) {
            tail += choose;
            choose = choose * (n - i) / (i + 1);
        }
        return 1 - 2 * tail / Math.pow(2, n);
    }
}
