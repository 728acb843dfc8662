package iolab.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.clients.LoadResult;
import iolab.runfiles.CapacityProbe;
import iolab.runfiles.CapacityRound;
import iolab.runfiles.RoundStatistics;
import iolab.runfiles.Sustainability;
import iolab.runfiles.Trial;
import iolab.servers.ServerVariant;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongBiFunction;

/**
 * Capacity at a latency goal, measured in rounds like everything else: in each fixed round, each server of a search
 * gets one {@link CapacitySearch} (its servers back to back, shuffled), each probe a trial of its own at one open-loop
 * rate, its files in {@code capacity/}. Round 1's search starts from a guess (three quarters of the server's
 * closed-loop throughput so far, or the floor where its closed loop lost requests) with a step of {@link #FIRST_STEP};
 * later rounds start from the median of the server's capacities so far with a step of {@link #LATER_STEP}, so that a
 * round costs a few probes, and a server that failed even the lowest rate tries only that again. A probe passes when it
 * had no error, the server sustained the rate and the p99 was within the goal ({@link #limitedBy}). A disturbed probe
 * is kept and marked, not repeated: the median across rounds is what absorbs it.
 */
final class CapacityRounds {

    /** The lowest rate a search tries, and the highest. */
    static final long FLOOR = 100;

    static final long CEILING = 5_000_000;
    /**
     * How long a probe waits for the responses still due after its measurement: one that late has failed any goal here.
     */
    static final java.time.Duration DRAIN = java.time.Duration.ofMillis(250);
    /**
     * The first step away from a guess (three quarters of the closed loop's throughput), and from the median of earlier
     * rounds. From half the closed loop with a step of 2, round 1 took 8 to 10 probes per server: capacities here are
     * 0.75-0.9 of the closed loop's throughput at the same connections.
     */
    static final double FIRST_STEP = 1.25;
    static final double LATER_STEP = 1.1;
    /**
     * A later round's search stops after this many probes, with the highest rate that passed: from the median with a
     * step of 10%, a steady server is bracketed and bisected to 5% in three, and the probes past four went to rounds
     * whose capacity had moved by a fifth or more (nio 50 to 93k/s in one run), where the median across rounds, not a
     * fifth probe, is what absorbs the move. Uncapped they took a quarter of the quick matrix's budget (143 of 629 s).
     */
    static final int LATER_MAX_PROBES = 4;

    /** Runs one calibrated trial of {@code c} whose files are {@code dir/<files>.*}. */
    interface Trials {
        Trial run(Configuration c, Path dir, String files, int round, int attempt);
    }

    private final List<Matrix.Search> searches;
    private final Path dir;
    private final Trials trials;
    private final PrintStream out;
    /**
     * The capacities of the rounds so far, by search and server: their median is where the next round's search starts.
     */
    private final Map<String, List<Long>> found = new HashMap<>();

    private final List<CapacityProbe> probes = new ArrayList<>();
    private final List<CapacityRound> rounds = new ArrayList<>();
    /** The wall time of the counted rounds' probes so far, for {@link #laterRoundAtMost}. */
    private long probeNanos;

    CapacityRounds(List<Matrix.Search> searches, Path runDir, Trials trials, PrintStream out) throws IOException {
        this.searches = searches;
        this.dir = runDir.resolve("capacity");
        this.trials = trials;
        this.out = out;
        if (!searches.isEmpty()) {
            Files.createDirectories(dir);
        }
    }

    /**
     * What a later round's searches take at most: each server's {@link #LATER_MAX_PROBES} probes at the mean time a
     * probe has taken. Round 1's searches, which start from a guess, took 21-29 probes here where later rounds took
     * 11-12; a plan of the rounds to come at round 1's time set aside 15-25 s too much for each.
     */
    java.time.Duration laterRoundAtMost() {
        long timed = probes.stream().filter(p -> p.round() > 0).count();
        if (timed == 0) {
            return java.time.Duration.ZERO;
        }
        long servers = searches.stream().mapToLong(s -> s.servers().size()).sum();
        return java.time.Duration.ofNanos(probeNanos / timed * servers * LATER_MAX_PROBES);
    }

    boolean isEmpty() {
        return searches.isEmpty();
    }

    /**
     * Round 0: one probe of each search at its highest guess, uncounted, so that round 1 meets the client's open loop
     * compiled (the servers' code is the closed loop's, warm from round 0's trials).
     */
    void warmUp(ToLongBiFunction<Matrix.Search, ServerVariant> guess) throws InterruptedException {
        for (Matrix.Search search : searches) {
            // At the load of a server that carries one: the floor (a starving server's guess) would warm nothing.
            ServerVariant server = search.servers().stream()
                    .max(java.util.Comparator.comparingLong(s -> guess.applyAsLong(search, s)))
                    .orElseThrow();
            probe(search, server, 0, 1, clamp(guess.applyAsLong(search, server), floor(search)));
        }
    }

    /**
     * The lowest rate worth probing: one request per connection in the second measured. Below it, most connections send
     * nothing while the probe measures, and a server that never serves most of them (the pool's 800 of 1,000) passes.
     */
    static long floor(Matrix.Search search) {
        return Math.max(FLOOR, search.connections());
    }

    /** One search per server of each search, the servers in a new order. */
    void round(int round, Random random, ToLongBiFunction<Matrix.Search, ServerVariant> guess)
            throws InterruptedException {
        for (Matrix.Search search : searches) {
            List<ServerVariant> order = new ArrayList<>(search.servers());
            Collections.shuffle(order, random);
            for (ServerVariant server : order) {
                String key = search.workload().label() + "_c" + search.connections() + "_" + server.label();
                List<Long> earlier = found.computeIfAbsent(key, k -> new ArrayList<>());
                long floor = floor(search);
                long start;
                double step;
                int maxProbes;
                if (earlier.isEmpty()) {
                    start = clamp(guess.applyAsLong(search, server), floor);
                    step = FIRST_STEP;
                    maxProbes = CapacitySearch.MAX_PROBES;
                } else {
                    // The median of the rounds so far: a round's capacity moves by a fifth or more on this machine, and
                    // starting from the last one followed each move; a step of 10% brackets most rounds in two or three
                    // probes.
                    long median = Math.round(RoundStatistics.median(
                            earlier.stream().mapToDouble(Long::doubleValue).toArray()));
                    start = median == 0 ? floor : clamp(median, floor);
                    step = LATER_STEP;
                    maxProbes = LATER_MAX_PROBES;
                }
                int[] count = {0};
                CapacitySearch.Result result = CapacitySearch.search(
                        rate -> probe(search, server, round, ++count[0], rate), start, step, floor, CEILING, maxProbes);
                earlier.add(result.capacity());
                rounds.add(new CapacityRound(
                        search.workload().label(),
                        search.connections(),
                        search.sloMillis(),
                        server.label(),
                        round,
                        result.capacity(),
                        result.limitedBy(),
                        result.probes().size()));
                out.printf(
                        Locale.ROOT,
                        "        capacity %s %s, round %d: %,d req/s%s (%d probes)%n",
                        search.describe(),
                        server.label(),
                        round,
                        result.capacity(),
                        result.limitedBy().isEmpty() ? "" : ", limited by " + result.limitedBy(),
                        result.probes().size());
            }
        }
    }

    private CapacitySearch.Probe probe(Matrix.Search search, ServerVariant server, int round, int number, long rate) {
        Configuration c = new Configuration(server, search.workload(), search.connections(), rate);
        String files = c.id() + ".r" + round + ".p" + number;
        long start = System.nanoTime();
        Trial trial = trials.run(c, dir, files, round, number);
        if (round > 0) {
            probeNanos += System.nanoTime() - start;
        }
        double p99 = Double.NaN;
        double sendLag = Double.NaN;
        double achieved = 0;
        long errors = trial.errors();
        try {
            JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve(files + ".json")))
                    .getAsJsonObject();
            p99 = summary.getAsJsonObject("latencyMillis").get("p99").getAsDouble();
            sendLag = summary.getAsJsonObject("sendLagMillis").get("p99").getAsDouble();
            achieved = summary.get("requestsPerSecond").getAsDouble();
        } catch (IOException | RuntimeException e) {
            errors = Math.max(
                    1, errors); // no summary: the trial failed, and that is the server's error until shown otherwise
        }
        boolean sustained = trial.scored() && Sustainability.sustained(dir.resolve(files + ".hlog"), rate);
        String limitedBy = trial.scored() ? limitedBy(errors, sendLag, sustained, p99, search.sloMillis()) : "errors";
        probes.add(new CapacityProbe(
                search.workload().label(),
                search.connections(),
                search.sloMillis(),
                server.label(),
                round,
                number,
                rate,
                achieved,
                p99,
                sendLag,
                errors,
                sustained,
                trial.disturbed(),
                limitedBy));
        out.printf(
                Locale.ROOT,
                "          %,9d req/s offered: p99 %.2f ms, send lag p99 %.2f ms%s%s -> %s%n",
                rate,
                p99,
                sendLag,
                errors > 0 ? ", " + errors + " errors" : "",
                sustained ? "" : ", not sustained",
                limitedBy.isEmpty()
                        ? "pass"
                        : "fail (" + limitedBy + ")" + (trial.disturbed().isEmpty() ? "" : " (disturbed)"));
        return new CapacitySearch.Probe(rate, limitedBy.isEmpty(), limitedBy, p99, achieved);
    }

    /**
     * Why a probe fails the goal, or empty when it passes. Errors first: a rate that costs requests is not carried. A
     * p99 within the goal at a sustained rate passes, whatever the client's own lateness, since the latency counted
     * from each request's scheduled time includes it: the server's share is smaller still. Past the goal (or a rate not
     * sustained: its queue grows, and so would its p99 with a longer probe), the client is blamed when its send-lag p99
     * is more than a tenth of the p99 (the rule of the client-limited flag, {@link LoadResult#CLIENT_LIMITED_SHARE}),
     * the server's latency otherwise.
     */
    static String limitedBy(
            long errors, double sendLagP99Millis, boolean sustained, double p99Millis, double sloMillis) {
        if (errors > 0) {
            return "errors";
        }
        if (sustained && p99Millis <= sloMillis) {
            return "";
        }
        return sendLagP99Millis > LoadResult.CLIENT_LIMITED_SHARE * p99Millis ? "client" : "latency";
    }

    /** Writes {@code capacity-probes.csv} and {@code capacity-rounds.csv}; nothing when there were no searches. */
    void write(Path runDir) throws IOException {
        if (!searches.isEmpty()) {
            CapacityProbe.write(probes, runDir.resolve(CapacityProbe.FILE));
            CapacityRound.write(rounds, runDir.resolve(CapacityRound.FILE));
        }
    }

    private static long clamp(long rate, long floor) {
        return Math.max(floor, Math.min(CEILING, rate));
    }
}
