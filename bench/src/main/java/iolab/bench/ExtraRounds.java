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
 * 15, 17, ... for 95%), and one round short of that only widens it (a new extreme). A block is
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
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        for (Trial t : trials) {
            if (t.counted() && t.scored() && t.round() > 0) {
                scores.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(t.score());
            }
        }
        Map<String, RoundStatistics.Interval> intervals = new LinkedHashMap<>();
        scores.forEach((id, s) -> {
            if (s.size() >= 2) {
                intervals.put(id, RoundStatistics.median(s.stream().mapToDouble(Double::doubleValue).toArray(), LEVEL));
            }
        });
        return intervals;
    }

    /**
     * The blocks with a configuration wider than the target, those whose next step buys the most precision for its time
     * first: the width its configurations have beyond the target, summed, over what the step costs. A block of five
     * wide configurations whose trials take two seconds goes before one whose trials take twelve.
     */
    static List<Want> wanted(List<Matrix.Block> blocks, List<Trial> trials, Map<String, List<Duration>> trialTimes) {
        List<Want> wants = wanted(blocks, trials);
        Map<Want, Double> value = new LinkedHashMap<>();
        Map<String, RoundStatistics.Interval> intervals = intervals(trials);
        for (Want want : wants) {
            double excess = want.block().configurations().stream()
                    .map(c -> intervals.get(c.id()))
                    .filter(java.util.Objects::nonNull)
                    .mapToDouble(i -> Math.max(0, i.relativeHalfWidth() - TARGET_HALF_WIDTH))
                    .sum();
            double seconds = Math.max(1e-3, stepCost(want, trialTimes).toNanos() / 1e9);
            value.put(want, excess / seconds);
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
