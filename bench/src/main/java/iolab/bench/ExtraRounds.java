package iolab.bench;

import iolab.runfiles.RoundStatistics;
import iolab.runfiles.Trial;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rounds where the uncertainty is: after the matrix's fixed rounds, the blocks whose throughput
 * intervals are wide get more rounds, until each configuration's 95% interval is within
 * {@link #TARGET_HALF_WIDTH} of its median or the run's time budget is spent; the blocks whose
 * next step removes the most width per second of the budget go first.
 *
 * <p>A whole block gets the rounds (its servers side by side, shuffled, as in every round), so
 * its paired ratios gain them too. And it gets them in steps that can narrow the interval: the
 * order-statistic interval of n rounds drops one more round from each end only at some n (9, 12,
 * 15, 17, ... for 95%), and one round short of that only widens it (a new extreme). A step is
 * worth what it is expected to narrow: the first, from 6 rounds to 9, trades the extremes for the
 * second-lowest and second-highest and narrows most; later ones less and less. A block is
 * given a step only if the time its trials have taken so far says the step fits in what is left
 * of the budget.
 */
final class ExtraRounds {

    /** Half the interval's width, as a share of its median, that is precise enough. */
    static final double TARGET_HALF_WIDTH = 0.05;
    static final double LEVEL = 0.95;

    /**
     * A block that wants more rounds: its widest configuration's half-width, and how many rounds its next step takes.
     */
    record Want(Matrix.Block block, String widest, double halfWidth, int rounds) {}

    private ExtraRounds() {}

    /** The rounds after {@code n} at which the interval at {@link #LEVEL} next trims one more round from each end. */
    static int nextStep(int n) {
        int trimmed = RoundStatistics.trimmedPerSide(n, LEVEL);
        int m = n + 1;
        while (RoundStatistics.trimmedPerSide(m, LEVEL) <= trimmed) {
            m++;
        }
        return m - n;
    }

    /** Each configuration's interval over its counted, scored rounds; absent when it has fewer than two. */
    static Map<String, RoundStatistics.Interval> intervals(List<Trial> trials) {
        Map<String, RoundStatistics.Interval> intervals = new LinkedHashMap<>();
        scores(trials).forEach((id, s) -> intervals.put(id, RoundStatistics.median(s, LEVEL)));
        return intervals;
    }

    /** Each configuration's counted, scored rounds, sorted; absent when it has fewer than two. */
    private static Map<String, double[]> scores(List<Trial> trials) {
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        for (Trial t : trials) {
            if (t.counted() && t.scored() && t.round() > 0) {
                scores.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(t.score());
            }
        }
        Map<String, double[]> sorted = new LinkedHashMap<>();
        scores.forEach((id, s) -> {
            if (s.size() >= 2) {
                sorted.put(id, s.stream().mapToDouble(Double::doubleValue).sorted().toArray());
            }
        });
        return sorted;
    }

    /**
     * The half-width, as a share of the median, that {@code rounds} rounds drawn like {@code sorted} would give: the
     * interval's order statistics read off these rounds' own quantiles at the ranks' expected places, k/(n+1). No
     * shape of the noise is assumed; an outlier among six rounds, which the interval of nine leaves out, shows as the
     * narrowing it is. With {@code rounds} equal to the rounds there are, it is their interval.
     */
    static double expectedHalfWidth(double[] sorted, int rounds) {
        int k = RoundStatistics.trimmedPerSide(rounds, LEVEL) + 1;
        double low = quantile(sorted, k / (rounds + 1.0));
        double high = quantile(sorted, (rounds + 1.0 - k) / (rounds + 1.0));
        return (high - low) / 2 / Math.abs(RoundStatistics.median(sorted));
    }

    /** The p-quantile of {@code sorted}, the i-th value standing at i/(n+1), linear between, the extremes beyond. */
    private static double quantile(double[] sorted, double p) {
        double h = p * (sorted.length + 1) - 1;
        if (h <= 0) {
            return sorted[0];
        }
        if (h >= sorted.length - 1) {
            return sorted[sorted.length - 1];
        }
        int i = (int) h;
        return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
    }

    /**
     * The blocks with a configuration wider than the target, those whose next step buys the most precision for its time
     * first: the width beyond the target that the step is expected to remove from its configurations
     * ({@link #expectedHalfWidth}), summed, over what the step costs. A block of five wide configurations whose trials
     * take two seconds goes before one whose trials take twelve, and a block at six rounds, whose step leaves out its
     * extremes, before one at fifteen, whose step gains little.
     */
    static List<Want> wanted(List<Matrix.Block> blocks, List<Trial> trials, Map<String, List<Duration>> trialTimes) {
        List<Want> wants = wanted(blocks, trials);
        Map<Want, Double> value = new LinkedHashMap<>();
        Map<String, double[]> scores = scores(trials);
        for (Want want : wants) {
            double removed = 0;
            for (Configuration c : want.block().configurations()) {
                double[] sorted = scores.get(c.id());
                if (sorted != null) {
                    double now = expectedHalfWidth(sorted, sorted.length);
                    double after = expectedHalfWidth(sorted, sorted.length + want.rounds());
                    removed += Math.max(0, now - TARGET_HALF_WIDTH) - Math.max(0, after - TARGET_HALF_WIDTH);
                }
            }
            double seconds = Math.max(1e-3, stepCost(want, trialTimes).toNanos() / 1e9);
            value.put(want, removed / seconds);
        }
        List<Want> sorted = new ArrayList<>(wants);
        sorted.sort(Comparator.comparingDouble((Want w) -> value.get(w)).reversed());
        return sorted;
    }

    /** What {@code want}'s next step costs, from what its block's trials have taken so far. */
    static Duration stepCost(Want want, Map<String, List<Duration>> trialTimes) {
        return costPerRound(want.block(), trialTimes).multipliedBy(want.rounds());
    }

    /** The blocks with a configuration wider than the target, widest first. */
    static List<Want> wanted(List<Matrix.Block> blocks, List<Trial> trials) {
        Map<String, RoundStatistics.Interval> intervals = intervals(trials);
        List<Want> wants = new ArrayList<>();
        for (Matrix.Block block : blocks) {
            String widest = null;
            double halfWidth = 0;
            int rounds = Integer.MAX_VALUE;
            for (Configuration c : block.configurations()) {
                RoundStatistics.Interval interval = intervals.get(c.id());
                if (interval == null) {
                    continue; // failed in every round: more rounds will not make it precise
                }
                rounds = Math.min(rounds, interval.rounds());
                if (interval.relativeHalfWidth() > halfWidth) {
                    halfWidth = interval.relativeHalfWidth();
                    widest = c.id();
                }
            }
            if (widest != null && halfWidth > TARGET_HALF_WIDTH) {
                wants.add(new Want(block, widest, halfWidth, nextStep(rounds)));
            }
        }
        wants.sort(Comparator.comparingDouble(Want::halfWidth).reversed());
        return wants;
    }

    /** What one round of {@code block} has cost so far: the mean wall time of its trials, times its servers. */
    static Duration costPerRound(Matrix.Block block, Map<String, List<Duration>> trialTimes) {
        return block.configurations().stream()
                .map(c -> meanTrialTime(c, trialTimes))
                .reduce(Duration.ZERO, Duration::plus);
    }

    /** The mean wall time of {@code c}'s trials so far; zero before its first. */
    static Duration meanTrialTime(Configuration c, Map<String, List<Duration>> trialTimes) {
        List<Duration> times = trialTimes.getOrDefault(c.id(), List.of());
        return times.isEmpty()
                ? Duration.ZERO
                : Duration.ofNanos(times.stream().mapToLong(Duration::toNanos).sum() / times.size());
    }
}
