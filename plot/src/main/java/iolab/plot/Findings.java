package iolab.plot;

import iolab.runfiles.CapacityRound;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a run found, in at most {@link #MOST} sentences the run itself writes: one per block of verdicts (a workload, a
 * connection count, a figure), each ratio with its interval, coverage, verdict and the caveat a setting explains. The
 * blocks chosen: the workload measured at the most connection counts at its most and its fewest connections (the C10k
 * question), the capacity at the latency goal, then every other workload at its most connections.
 */
final class Findings {

    static final int MOST = 6;

    /** Where the README keeps the reference run's findings, between these two lines. */
    static final String README_START =
            "<!-- findings: written by the plotter from results/reference (findings.md); a test keeps them in step -->";

    static final String README_END = "<!-- /findings -->";

    private final ResultsFolder results;
    private final List<String> sentences;

    Findings(ResultsFolder results, List<Ratios.Ratio> ratios) {
        this.results = results;
        this.sentences = choose(ratios);
    }

    /** The sentences, plain text, best first within each. */
    List<String> sentences() {
        return sentences;
    }

    private List<String> choose(List<Ratios.Ratio> ratios) {
        Map<String, List<Ratios.Ratio>> blocks = Ratios.byBlock(ratios);
        List<List<Ratios.Ratio>> throughput = blocks.values().stream()
                .filter(b -> b.get(0).figure() == Ratios.Figure.THROUGHPUT)
                .toList();
        // The main workload is the one measured at the most connection counts: the C10k sweep.
        Map<String, List<List<Ratios.Ratio>>> byWorkload = new LinkedHashMap<>();
        throughput.forEach(b -> byWorkload.computeIfAbsent(b.get(0).workload(), k -> new ArrayList<>()).add(b));
        byWorkload.values().forEach(bs -> bs.sort(Comparator.comparingInt(b -> b.get(0).connections())));
        String main = byWorkload.entrySet().stream()
                .max(Comparator.comparingInt(e -> e.getValue().size()))
                .map(Map.Entry::getKey)
                .orElse(null);
        List<List<Ratios.Ratio>> chosen = new ArrayList<>();
        if (main != null) {
            List<List<Ratios.Ratio>> sweep = byWorkload.get(main);
            chosen.add(sweep.get(sweep.size() - 1));
            if (sweep.size() > 1) {
                chosen.add(sweep.get(0));
            }
        }
        blocks.values().stream()
                .filter(b -> b.get(0).figure() == Ratios.Figure.CAPACITY)
                .findFirst()
                .ifPresent(chosen::add);
        byWorkload.forEach((workload, bs) -> {
            if (!workload.equals(main)) {
                chosen.add(bs.get(bs.size() - 1));
            }
        });
        return chosen.stream().limit(MOST).map(this::sentence).toList();
    }

    /**
     * "At 10,000 connections (plaintext, closed loop), against Netty epoll's throughput: nio 1.02× (0.95–1.10): no
     * difference this run can tell; the pool 0.31× (0.29–0.33): slower, a pool of 200 threads, 200 of 10,000
     * connections served (96.9% coverage, 6 rounds)."
     */
    private String sentence(List<Ratios.Ratio> block) {
        Ratios.Ratio first = block.get(0);
        boolean oneCoverage = block.stream().map(r -> coverage(r)).distinct().count() == 1;
        String against = switch (first.figure()) {
            case THROUGHPUT -> name(first.baseline()) + "'s throughput";
            case CPU_PER_RESPONSE ->
                name(first.baseline()) + "'s server CPU time per response at " + count(first.rate()) + " req/s";
            case CAPACITY -> "the load " + name(first.baseline()) + " carried with p99 ≤ "
                    + CapacityRound.number(first.sloMillis()) + " ms";
        };
        against += limit(first.baseline(), first.workload(), first.connections())
                .map(c -> " (" + c + ")")
                .orElse("");
        String loop = first.figure() == Ratios.Figure.THROUGHPUT ? "closed loop" : "open loop";
        String each = block.stream()
                .sorted(Comparator.comparingDouble((Ratios.Ratio r) -> r.ratio().median()).reversed())
                .map(r -> String.format(
                                Locale.ROOT,
                                "%s %.2f× (%.2f–%.2f%s): %s",
                                name(r.server()),
                                r.ratio().median(),
                                r.ratio().low(),
                                r.ratio().high(),
                                oneCoverage ? "" : ", " + coverage(r),
                                r.verdictWords())
                        + serverCaveat(r).map(c -> ", " + c).orElse(""))
                .collect(Collectors.joining("; "));
        return String.format(
                Locale.ROOT,
                "At %s connections (%s, %s), against %s: %s%s.",
                count(first.connections()),
                first.workload(),
                loop,
                against,
                each,
                oneCoverage ? " (" + coverage(first) + ")" : "");
    }

    private static String coverage(Ratios.Ratio r) {
        return String.format(Locale.ROOT, "%.1f%% coverage, %d rounds", 100 * r.ratio().coverage(), r.ratio().rounds());
    }

    /**
     * What a setting, not the model, explains about this ratio: a pool's size and the connections it left unserved, a
     * limit on waiting requests that caps a blocking workload by Little's law (the server's or the yardstick's), a
     * client that was the bottleneck.
     */
    Optional<String> caveat(Ratios.Ratio r) {
        List<String> parts = new ArrayList<>();
        serverCaveat(r).ifPresent(parts::add);
        limit(r.baseline(), r.workload(), r.connections()).ifPresent(parts::add);
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    private Optional<String> serverCaveat(Ratios.Ratio r) {
        List<String> parts = new ArrayList<>();
        limit(r.server(), r.workload(), r.connections()).ifPresent(parts::add);
        Optional<Row> measured = r.figure() == Ratios.Figure.CAPACITY
                ? Optional.empty() // a capacity comes from its searches, not from a configuration's row
                : row(r.workload(), r.server(), r.connections(), r.rate());
        measured.ifPresent(row -> {
            if (row.account().starved()) {
                parts.add(String.format(
                        Locale.ROOT,
                        "%s of %s connections served",
                        count(row.account().served()),
                        count(row.account().connections())));
            }
            if (row.clientBound()) {
                parts.add("client-bound: the load generator's core was the limit");
            }
            if (Boolean.TRUE.equals(row.account().clientLimited())) {
                parts.add("client-limited: the load generator fell behind its schedule");
            }
            if (row.hadErrors() && !row.errorKinds().matches("\\d+ unanswered")) {
                parts.add(count(row.errors()) + " errors (" + row.errorKinds() + ")");
            }
        });
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", parts));
    }

    /** A server's limit on requests in service, where it bounds this workload: a pool's size, nio's workers. */
    private Optional<String> limit(String server, String workload, int connections) {
        int limit = results.catalog().inServiceLimits().getOrDefault(server, 0);
        int delay = results.catalog().delayMillis(workload);
        if (limit > 0 && delay > 0) {
            return Optional.of(String.format(
                    Locale.ROOT,
                    "%s runs each %d ms wait on one of its %d %s: at most %d / %d ms = %s/s",
                    name(server),
                    delay,
                    limit,
                    server.startsWith("nio") ? "--workers" : "threads",
                    limit,
                    delay,
                    count(limit * 1000L / delay)));
        }
        if (limit > 0 && limit < connections && server.equals("pool")) {
            return Optional.of(String.format(Locale.ROOT, "a pool of %d threads", limit));
        }
        return Optional.empty();
    }

    private Optional<Row> row(String workload, String server, int connections, long rate) {
        return results.rows().stream()
                .filter(x -> x.scored()
                        && x.workload().equals(workload)
                        && x.server().equals(server)
                        && x.connections() == connections
                        && x.rate() == rate)
                .findFirst();
    }

    /** The findings as Markdown, for findings.md and the README's block. */
    String markdown() {
        return sentences().stream().map(s -> "- " + s + "\n").collect(Collectors.joining());
    }

    /** A server as a sentence names it. */
    static String name(String server) {
        return switch (server) {
            case "virtual" -> "virtual threads";
            case "pool" -> "the pool";
            case "netty-epoll" -> "Netty epoll";
            case "netty-nio" -> "Netty NIO";
            case "netty-iouring" -> "Netty io_uring";
            case "netty-epoll-boringssl" -> "Netty epoll on BoringSSL";
            case "nio-poll" -> "nio on poll";
            case "jdk" -> "the JDK's HttpServer";
            default -> server;
        };
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
