package iolab.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every server's throughput as a ratio to a yardstick measured in the same rounds, per workload
 * and connection count (closed loops: an open loop delivers the rate it is asked for), with the
 * ratio's interval and a verdict. The sentence a student cites.
 */
final class Ratios {

    /** The yardstick of a block: the first of these that the block measured. */
    static final List<String> BASELINES = List.of("netty-epoll", "netty-nio", "nio", "virtual", "pool", "thread-per-connection", "jdk");

    record Ratio(String workload, int connections, String server, String baseline, RoundStatistics.Interval ratio) {

        RoundStatistics.Verdict verdict() {
            return RoundStatistics.Verdict.of(ratio, ResultsFolder.LEVEL);
        }

        String verdictWords() {
            return switch (verdict()) {
                case FASTER -> "faster";
                case SLOWER -> "slower";
                case CANNOT_TELL -> ratio.coverage() < ResultsFolder.LEVEL - 1e-9 ? "too few rounds to tell" : "no difference this run can tell";
            };
        }

        /** "virtual reaches 0.87× the throughput of netty-epoll (95% CI 0.80–0.93, 5 rounds): slower". */
        String sentence() {
            return String.format(Locale.ROOT, "%s reaches %.2f× the throughput of %s (%.0f%% CI %.2f–%.2f, %d rounds): %s",
                    server, ratio.median(), baseline, 100 * ratio.coverage(), ratio.low(), ratio.high(), ratio.rounds(), verdictWords());
        }
    }

    private Ratios() {
    }

    static List<Ratio> of(ResultsFolder results) {
        Map<String, List<Row>> blocks = new LinkedHashMap<>();
        for (Row r : results.rows()) {
            if (r.closedLoop() && r.scored()) {
                blocks.computeIfAbsent(r.workload() + "_c" + r.connections(), k -> new ArrayList<>()).add(r);
            }
        }
        List<Ratio> ratios = new ArrayList<>();
        for (List<Row> block : blocks.values()) {
            Row baseline = BASELINES.stream().flatMap(b -> block.stream().filter(r -> r.server().equals(b))).findFirst().orElse(null);
            if (baseline == null) {
                continue;
            }
            Map<Integer, Double> yardstick = scoresByRound(results.trials(baseline.id()));
            for (Row r : block) {
                if (r == baseline) {
                    continue;
                }
                Map<Integer, Double> mine = scoresByRound(results.trials(r.id()));
                List<Integer> paired = mine.keySet().stream().filter(yardstick::containsKey).sorted().toList();
                if (paired.isEmpty()) {
                    continue;
                }
                double[] a = paired.stream().mapToDouble(mine::get).toArray();
                double[] b = paired.stream().mapToDouble(yardstick::get).toArray();
                ratios.add(new Ratio(r.workload(), r.connections(), r.server(), baseline.server(),
                        RoundStatistics.pairedRatio(a, b, ResultsFolder.LEVEL)));
            }
        }
        return ratios;
    }

    private static Map<Integer, Double> scoresByRound(List<Trial> trials) {
        Map<Integer, Double> scores = new LinkedHashMap<>();
        trials.stream().filter(t -> t.counted() && t.scored()).forEach(t -> scores.put(t.round(), t.score()));
        return scores;
    }

    static void write(List<Ratio> ratios, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("workload,connections,loop,server,baseline,rounds,ratio_median,ci95_low,ci95_high,coverage_pct,verdict\n");
        for (Ratio r : ratios) {
            csv.append(String.format(Locale.ROOT, "%s,%d,closed,%s,%s,%d,%.4f,%.4f,%.4f,%.1f,%s%n", r.workload(), r.connections(), r.server(),
                    r.baseline(), r.ratio().rounds(), r.ratio().median(), r.ratio().low(), r.ratio().high(), 100 * r.ratio().coverage(),
                    r.verdict().name().toLowerCase(Locale.ROOT)));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }
}
