package iolab.plot;

import iolab.runfiles.Trial;
import iolab.runfiles.RoundStatistics;
import iolab.runfiles.CapacityRound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every server against a yardstick measured in the same rounds (the first of the run's
 * yardsticks, {@link Catalog#yardsticks()}, that the block measured), with the ratio's interval and a
 * verdict: the sentence a student cites. Two figures: throughput in the closed loop, and server
 * CPU time per response at an open-loop rate that every server of the block sustained (the cost
 * of the same work, whatever each server's ceiling).
 */
final class Ratios {

    enum Figure {
        THROUGHPUT("throughput", "the throughput", "faster", "slower", Trial::score),
        CPU_PER_RESPONSE(
                "cpu_per_response",
                "the server CPU time per response",
                "costlier",
                "cheaper",
                t -> t.cost().cpuMicrosPerRequest()),
        /** From the capacity searches' rounds ({@link Capacity}), not from a trial. */
        CAPACITY("capacity", "the capacity at the latency goal", "carries more", "carries less", t -> null);

        final String label;
        final String words;
        final String above;
        final String below;
        final Function<Trial, Double> value;

        Figure(String label, String words, String above, String below, Function<Trial, Double> value) {
            this.label = label;
            this.words = words;
            this.above = above;
            this.below = below;
            this.value = value;
        }
    }

    /**
     * @param rate      the open loop's rate; 0 for the closed loop and for a capacity
     * @param sloMillis a capacity's p99 goal; 0 for the other figures
     */
    record Ratio(
            String workload,
            int connections,
            long rate,
            Figure figure,
            String server,
            String baseline,
            RoundStatistics.Interval ratio,
            double sloMillis) {

        Ratio(
                String workload,
                int connections,
                long rate,
                Figure figure,
                String server,
                String baseline,
                RoundStatistics.Interval ratio) {
            this(workload, connections, rate, figure, server, baseline, ratio, 0);
        }

        RoundStatistics.Verdict verdict() {
            return RoundStatistics.Verdict.of(ratio, ResultsFolder.LEVEL);
        }

        String verdictWords() {
            return switch (verdict()) {
                case FASTER -> figure.above;
                case SLOWER -> figure.below;
                case CANNOT_TELL ->
                    ratio.reaches(ResultsFolder.LEVEL) ? "no difference this run can tell" : "too few rounds to tell";
            };
        }

        /** "virtual reaches 0.87× the throughput of netty-epoll (97% CI 0.80–0.93, 6 rounds): slower". */
        String sentence() {
            return String.format(
                    Locale.ROOT,
                    "%s has %.2f× %s of %s (%.0f%% CI %.2f–%.2f, %d rounds): %s",
                    server,
                    ratio.median(),
                    figure.words,
                    baseline,
                    100 * ratio.coverage(),
                    ratio.low(),
                    ratio.high(),
                    ratio.rounds(),
                    verdictWords());
        }

        /**
         * "plaintext, 1,000 connections, throughput, against Netty epoll": the block of verdicts this ratio belongs to,
         * a workload, connection count and figure measured against one yardstick in the same rounds.
         */
        String block() {
            return String.format(
                    Locale.ROOT,
                    "%s, %,d connections, %s%s, against %s",
                    workload,
                    connections,
                    figure.label.replace('_', ' '),
                    figure == Figure.CAPACITY
                            ? " (p99 ≤ " + CapacityRound.number(sloMillis) + " ms)"
                            : rate == 0 ? "" : " at " + rate + " req/s",
                    Findings.name(baseline));
        }

        String where() {
            if (figure == Figure.CAPACITY) {
                return String.format(
                        Locale.ROOT,
                        "%s c=%d capacity, p99 <= %s ms",
                        workload,
                        connections,
                        CapacityRound.number(sloMillis));
            }
            return String.format(
                    Locale.ROOT,
                    "%s c=%d %s",
                    workload,
                    connections,
                    rate == 0 ? "closed loop" : "open loop at " + rate + " req/s");
        }
    }

    private Ratios() {
    }

    /** {@code ratios} by {@link Ratio#block()}, blocks and ratios in the order given. */
    static Map<String, List<Ratio>> byBlock(List<Ratio> ratios) {
        Map<String, List<Ratio>> blocks = new LinkedHashMap<>();
        ratios.forEach(r -> blocks.computeIfAbsent(r.block(), k -> new ArrayList<>()).add(r));
        return blocks;
    }

    /** Every ratio of a run: the trials' figures, then the capacities'. */
    static List<Ratio> all(ResultsFolder results) {
        List<Ratio> all = new ArrayList<>(of(results));
        all.addAll(Capacity.ratios(results.capacityRounds(), results.catalog().yardsticks()));
        return all;
    }

    static List<Ratio> of(ResultsFolder results) {
        Map<String, List<Row>> blocks = new LinkedHashMap<>();
        for (Row r : results.rows()) {
            if (r.scored()) {
                blocks.computeIfAbsent(r.workload() + "_c" + r.connections() + "_" + r.rate(), k -> new ArrayList<>())
                        .add(r);
            }
        }
        List<Ratio> ratios = new ArrayList<>();
        for (List<Row> block : blocks.values()) {
            Row baseline = results.catalog().yardsticks().stream()
                    .flatMap(b -> block.stream().filter(r -> r.server().equals(b)))
                    .findFirst()
                    .orElse(null);
            if (baseline == null || block.size() < 2) {
                continue;
            }
            Figure figure = baseline.closedLoop() ? Figure.THROUGHPUT : Figure.CPU_PER_RESPONSE;
            if (figure == Figure.CPU_PER_RESPONSE
                    && !block.stream().allMatch(r -> Boolean.TRUE.equals(r.sustainable()))) {
                continue; // the same work only where every server did all of it
            }
            Map<Integer, Double> yardstick = byRound(results.trials(baseline.id()), figure);
            for (Row r : block) {
                if (r == baseline) {
                    continue;
                }
                Map<Integer, Double> mine = byRound(results.trials(r.id()), figure);
                List<Integer> paired = mine.keySet().stream().filter(yardstick::containsKey).sorted().toList();
                if (paired.isEmpty()) {
                    continue;
                }
                double[] a = paired.stream().mapToDouble(mine::get).toArray();
                double[] b = paired.stream().mapToDouble(yardstick::get).toArray();
                ratios.add(new Ratio(r.workload(), r.connections(), r.rate(), figure, r.server(), baseline.server(),
                        RoundStatistics.pairedRatio(a, b, ResultsFolder.LEVEL)));
            }
        }
        return ratios;
    }

    /** Each counted, scored round's {@code figure}, by round. */
    static Map<Integer, Double> byRound(List<Trial> trials, Figure figure) {
        Map<Integer, Double> values = new LinkedHashMap<>();
        trials.stream().filter(t -> t.counted() && t.scored() && figure.value.apply(t) != null)
                .forEach(t -> values.put(t.round(), figure.value.apply(t)));
        return values;
    }

    /** @param caveat what a setting explains about a ratio ("" for nothing), in a quoted last column */
    static void write(List<Ratio> ratios, Function<Ratio, String> caveat, Path file) throws IOException {
        StringBuilder csv = new StringBuilder(
                "workload,connections,loop,offered_req_per_s,figure,server,baseline,rounds,ratio_median,"
                        + "ci95_low,ci95_high,coverage_pct,verdict,caveat\n");
        for (Ratio r : ratios) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%s,%s,%s,%s,%s,%d,%.4f,%.4f,%.4f,%.1f,%s,%s%n",
                    r.workload(),
                    r.connections(),
                    r.figure() == Figure.CAPACITY ? "open" : r.rate() == 0 ? "closed" : "open",
                    r.rate() == 0 ? "" : String.valueOf(r.rate()),
                    r.figure().label,
                    r.server(),
                    r.baseline(),
                    r.ratio().rounds(),
                    r.ratio().median(),
                    r.ratio().low(),
                    r.ratio().high(),
                    100 * r.ratio().coverage(),
                    r.verdictWords().replace(' ', '_'),
                    caveat.apply(r).isEmpty() ? "" : "\"" + caveat.apply(r).replace("\"", "\"\"") + "\""));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }
}
