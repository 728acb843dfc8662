package iolab.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.clients.ErrorKind;
import iolab.clients.Target;
import iolab.servers.ServerVariant;
import iolab.runfiles.ErrorCounts;
import iolab.plot.Plot;
import iolab.runfiles.RoundStatistics;
import iolab.runfiles.Trial;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code mvn -pl bench verify}: runs the matrix in rounds and writes {@code results/<run id>/}.
 *
 * <p>Each round measures every configuration once, as one JMH trial (its JSON kept), in a new
 * shuffled order: the blocks (a workload, a connection count and a load) in
 * random order, and within a block its servers back to back in random order, so that a slow
 * stretch of the machine falls on the servers of a block alike, and their ratio within a round
 * cancels it. The servers are started once and kept warm across the rounds ({@link WarmServers});
 * the trials run in this JVM (JMH's forks 0), so that the client, too, is compiled once and stays
 * warm: a trial then costs its warm-up second and its measurement, not a JVM's start and JIT.
 * Before each trial a fixed CPU loop is timed on both cores; a trial during which either core
 * was slowed or other processes took a share of the machine is disturbed, and is repeated once at
 * the end of its round while the budget leaves room for the repeat and the fixed rounds still to
 * come (past that it counts, marked). Each fixed round also runs every capacity search once
 * ({@link CapacityRounds}), at a random place among the round's blocks. The plot module turns the
 * rounds into medians, intervals and verdicts.
 */
public final class Experiment {

    /** A trial is disturbed when the calibration loop on either core took this much longer than the run's reference... */
    static final double SLOW_CORE = 1.25;
    /** ...or other processes used this many cores while it measured... */
    static final double OTHER_CORES = 0.10;
    /** ...or the hypervisor stole this many. */
    static final double STEAL_CORES = 0.05;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
    /** {@code true}: after the rounds, the listen-backlog sweep ({@link BacklogSweep}); the full matrix sets it. */
    static final String BACKLOG_PROPERTY = "iolab.backlog";
    static final Duration BACKLOG_DURATION = Duration.ofSeconds(4);
    /** {@code true}: after the rounds, the UDP sweep ({@link UdpSweep}); the full matrix sets it. */
    static final String UDP_PROPERTY = "iolab.udp";
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final Matrix matrix;
    private final Path runDir;
    private final Path roundsDir;
    private final String runId;
    private final PrintStream out;
    private final long seed = System.nanoTime();
    private final List<Trial> trials = new ArrayList<>();
    private final Map<String, JsonObject> jmhResults = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    /** Configurations of servers this machine cannot run, with the reason. */
    private final Map<String, String> skipped = new LinkedHashMap<>();
    /** The address each configuration's server listened on, for its merged summary. */
    private final Map<String, String> addresses = new LinkedHashMap<>();
    /** Each configuration's trials' wall times, from its server's calibration to its settling: what another round costs. */
    private final Map<String, List<Duration>> trialTimes = new LinkedHashMap<>();
    /** What the extra rounds did, and which configurations reached the target, for environment.json. */
    private final Map<String, Object> precision = new LinkedHashMap<>();
    /** Each trial's connect phase (seconds), by its files' name: kept apart from the throughput, in jmh.json's secondary results. */
    private final Map<String, Double> connectSeconds = new LinkedHashMap<>();
    /** Each trial's errors by kind, by its files' name, from its secondary results. */
    private final Map<String, ErrorCounts> errorCounts = new LinkedHashMap<>();
    /** Each fixed round's first pass (its repeats aside): what the fixed rounds still to come will take. */
    private final List<Duration> roundTimes = new ArrayList<>();
    /** Disturbed trials that counted because the budget had no room to measure them again. */
    private final List<String> notRepeated = new ArrayList<>();
    private CapacityRounds capacity;
    private double serverCoreReference;
    private double clientCoreReference;
    private long startNanos;

    private Experiment(Matrix matrix, Path runDir, String runId, PrintStream out) {
        this.matrix = matrix;
        this.runDir = runDir;
        this.roundsDir = runDir.resolve("rounds");
        this.runId = runId;
        this.out = out;
    }

    public static void main(String[] args) {
        Matrix matrix;
        try {
            matrix = Matrix.fromProperties(System.getProperties());
        } catch (IllegalArgumentException e) {
            System.err.println("iolab experiment: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path results = Path.of(System.getProperty("iolab.results", "results")).toAbsolutePath();
        try {
            Pinning.pinSelfToClientCore(); // this JVM is the client: its trials run here
            Path runDir = run(matrix, results, System.out);
            long scored = Files.exists(runDir.resolve("jmh.json")) ? JsonParser.parseString(Files.readString(runDir.resolve("jmh.json"))).getAsJsonArray().size() : 0;
            System.exit(scored > 0 ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("iolab experiment: " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(1);
        }
    }

    /** Runs {@code matrix}; returns the new results folder, to which {@code results/latest} now points. */
    public static Path run(Matrix matrix, Path results, PrintStream out) throws IOException {
        String runId = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID);
        Path runDir = results.resolve(runId);
        for (int n = 2; Files.exists(runDir); n++) {
            runDir = results.resolve(runId + "-" + n);
        }
        Files.createDirectories(runDir.resolve("logs"));
        Files.createDirectories(runDir.resolve("rounds"));
        Experiment experiment = new Experiment(matrix.runnableHere(), runDir, runDir.getFileName().toString(), out);
        // A server this machine cannot run is skipped with its reason, not failed.
        for (Configuration c : matrix.configurations()) {
            c.server().unavailable().ifPresent(reason -> experiment.skipped.put(c.id(), c.server().label() + " is not run here: " + reason));
        }
        experiment.runAll();
        pointLatestAt(results, runDir);
        return runDir;
    }

    private void runAll() throws IOException {
        List<Configuration> configurations = matrix.configurations();
        // Written before the first trial, so an interrupted run still says where it ran.
        Map<String, Object> environment = Environment.collect(runId, matrix, configurations, projectDir());
        environment.put("order", Map.of("seed", seed, "rule",
                "per round: blocks (workload, connections, load) shuffled; within a block, its servers back to back, shuffled"));
        writeJson("environment.json", environment);
        out.printf("iolab experiment %s: %d configurations × %d rounds = %d trials, after a round that warms up (%s matrix), %s%n", runId,
                configurations.size(), matrix.rounds(), matrix.trials(), matrix.name(), Pinning.describe());
        calibrate();
        startNanos = System.nanoTime();
        Random random = new Random(seed);
        try (WarmServers servers = new WarmServers(runId, runDir.resolve("logs"))) {
            capacity = new CapacityRounds(matrix.searches(), runDir, (c, dir, files, round, attempt) -> trial(servers, c, dir, files, round, attempt,
                    String.valueOf(CapacityRounds.DRAIN.toMillis())), out);
            if (!capacity.isEmpty()) {
                out.printf("capacity searches, in each of the %d fixed rounds: %s%n", matrix.rounds(), matrix.searches().stream()
                        .map(sr -> sr.describe() + " on " + String.join(", ", sr.servers().stream().map(ServerVariant::label).toList())).toList());
            }
            // Round 0 warms up: every server's JIT, and this JVM's (the client's), on every workload and loop, so that
            // the first counted round meets what the last one meets. Its trials are kept in rounds.csv, uncounted.
            List<Configuration> warmUp = matrix.warmUp();
            for (Configuration c : order(matrix, random)) {
                if (warmUp.contains(c)) {
                    measure(servers, c, 0, 1);
                }
            }
            capacity.warmUp(this::capacityGuess);
            for (int round = 1; round <= matrix.rounds(); round++) {
                measureFixedRound(servers, random, round);
            }
            extraRounds(servers, random);
            servers.restarts().forEach((server, n) -> warnings.add(server + " died and was started again " + n + " time(s)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String leftBehind = killLeftovers();
        if (leftBehind != null) {
            warnings.add(leftBehind);
        }
        List<Map<String, String>> failures = new ArrayList<>();
        skipped.forEach((id, reason) -> failures.add(Map.of("id", id, "reason", reason)));
        skipped.values().stream().distinct().forEach(warnings::add);
        for (Configuration c : configurations) {
            List<Trial> counted = trials.stream().filter(t -> t.id().equals(c.id()) && t.counted()).toList();
            List<String> scored = counted.stream().filter(Trial::scored).map(Trial::name).toList();
            if (scored.isEmpty()) {
                failures.add(Map.of("id", c.id(), "reason", counted.stream().map(Trial::failure).filter(f -> !f.isEmpty()).findFirst().orElse("no trial")));
                continue;
            }
            try {
                RoundFiles.merge(roundsDir, runDir, c, scored, c.loadSettings(Target.parse(addresses.get(c.id())), warmup(), measurement()));
            } catch (IOException | RuntimeException e) {
                warnings.add(c.id() + ": its rounds' files could not be merged: " + e);
            }
        }
        Trial.write(trials, runDir.resolve(Trial.FILE));
        capacity.write(runDir);
        JsonArray merged = new JsonArray();
        trials.stream().filter(t -> t.counted() && t.scored()).map(t -> jmhResults.get(t.files()))
                .filter(Objects::nonNull).forEach(merged::add);
        Files.writeString(runDir.resolve("jmh.json"), GSON.toJson(merged));
        writeJson("failures.json", failures);
        environment.put("stability", stability());
        environment.put("precision", precision);
        environment.put("warnings", warnings);
        writeJson("environment.json", environment);
        warnings.forEach(w -> out.println("warning: " + w));
        out.printf("%nDone in %s. Results: %s%n%n", minutes(System.nanoTime() - startNanos), runDir);
        if (Boolean.parseBoolean(System.getProperty(BACKLOG_PROPERTY))) {
            out.printf("%nThe listen backlog: a storm of short connections against nio slow to accept, backlog %s%n", BacklogSweep.BACKLOGS);
            try {
                BacklogSweep.run(runDir, runId, BacklogSweep.BACKLOGS, BACKLOG_DURATION, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (Boolean.parseBoolean(System.getProperty(UDP_PROPERTY))) {
            out.printf("%nUDP echo: %s at %s datagrams/s, %d rounds%n", UdpSweep.SERVERS, UdpSweep.RATES, UdpSweep.ROUNDS);
            try {
                UdpSweep.run(runDir, runId, UdpSweep.SERVERS, UdpSweep.RATES, UdpSweep.ROUNDS, UdpSweep.WARMUP, UdpSweep.DURATION, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        Plot.render(runDir, out); // the summary table, then the charts and report
    }

    /**
     * A fixed round: every configuration once, blocks shuffled, and the capacity searches at a random place among them (where
     * a block ends); then the disturbed ones again while the budget has room.
     */
    private void measureFixedRound(WarmServers servers, Random random, int round) throws InterruptedException {
        long roundStart = System.nanoTime();
        List<Configuration> order = order(matrix, random);
        List<Integer> blockEnds = new ArrayList<>();
        for (int i = 0; i <= order.size(); i++) {
            if (i == 0 || i == order.size() || !sameBlock(order.get(i - 1), order.get(i))) {
                blockEnds.add(i);
            }
        }
        int capacityAt = blockEnds.get(random.nextInt(blockEnds.size()));
        List<Configuration> disturbed = new ArrayList<>();
        for (int i = 0; i <= order.size(); i++) {
            if (i == capacityAt) {
                capacity.round(round, random, this::capacityGuess);
            }
            if (i < order.size() && !measure(servers, order.get(i), round, 1).disturbed().isEmpty()) {
                disturbed.add(order.get(i));
            }
        }
        roundTimes.add(Duration.ofNanos(System.nanoTime() - roundStart));
        repeatDisturbed(servers, disturbed, round, matrix.rounds() - round);
    }

    private static boolean sameBlock(Configuration a, Configuration b) {
        return a.workload() == b.workload() && a.connections() == b.connections() && a.ratePerSecond() == b.ratePerSecond();
    }

    /** An extra round of one block: its servers once, shuffled; the disturbed ones again while the budget has room. */
    private void measureRound(WarmServers servers, List<Configuration> order, int round) {
        List<Configuration> disturbed = new ArrayList<>();
        for (Configuration c : order) {
            if (!measure(servers, c, round, 1).disturbed().isEmpty()) {
                disturbed.add(c);
            }
        }
        repeatDisturbed(servers, disturbed, round, 0);
    }

    /**
     * Measures each disturbed configuration of the round again if its repeat, and the {@code fixedRoundsLeft} still to come,
     * fit in the budget (the fixed rounds at the median time their first passes took); otherwise the disturbed trial counts,
     * marked, and environment.json says so. Without this, a noisy machine's repeats run past any budget.
     */
    private void repeatDisturbed(WarmServers servers, List<Configuration> disturbed, int round, int fixedRoundsLeft) {
        for (Configuration c : disturbed) {
            Duration planned = roundTimes.isEmpty() ? Duration.ZERO : Duration.ofNanos((long) RoundStatistics.median(
                    roundTimes.stream().mapToDouble(Duration::toNanos).toArray())).multipliedBy(fixedRoundsLeft);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            if (elapsed.plus(ExtraRounds.meanTrialTime(c, trialTimes)).plus(planned).compareTo(matrix.budget()) <= 0) {
                measure(servers, c, round, 2);
            } else {
                notRepeated.add(Trial.files(c.id(), round, 1));
                out.printf("        %s r%d stays disturbed: the budget has no room to measure it again%n", c.describe(), round);
            }
        }
    }

    /**
     * Where a server's first capacity search starts: three quarters of its closed-loop median so far on that workload, nearest
     * in connections; the floor where that closed loop lost requests (a server that starves connections fails the open loop
     * at any rate, and coming down from its throughput costs a probe per step).
     */
    private long capacityGuess(Matrix.Search search, ServerVariant server) {
        Map<Integer, List<Trial>> closed = new java.util.TreeMap<>();
        for (Configuration c : matrix.configurations()) {
            if (c.server() == server && c.workload() == search.workload() && !c.openLoop()) {
                closed.put(c.connections(), trials.stream().filter(t -> t.scored() && t.id().equals(c.id())).toList());
            }
        }
        return closed.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .min(java.util.Comparator.comparingInt(e -> Math.abs(e.getKey() - search.connections())))
                .map(e -> e.getValue().stream().anyMatch(t -> t.errors() > 0) ? 0L
                        : Math.round(0.75 * RoundStatistics.median(e.getValue().stream().mapToDouble(Trial::score).toArray())))
                .orElse(10_000L);
    }

    /**
     * After the fixed rounds, more rounds for the blocks whose intervals are widest ({@link ExtraRounds}), a step at a time,
     * while the budget lasts; environment.json's {@code precision} says what each got and which configurations reached the target.
     */
    private void extraRounds(WarmServers servers, Random random) {
        Duration budget = matrix.budget();
        List<Map<String, Object>> given = new ArrayList<>();
        int round = matrix.rounds();
        while (true) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            ExtraRounds.Want chosen = null;
            Duration cost = Duration.ZERO;
            for (ExtraRounds.Want want : ExtraRounds.wanted(matrix.blocks(), trials, trialTimes)) {
                // A tenth more than the trials took so far: a disturbed trial is measured twice.
                cost = ExtraRounds.stepCost(want, trialTimes).multipliedBy(11).dividedBy(10);
                if (elapsed.plus(cost).compareTo(budget) <= 0) {
                    chosen = want;
                    break;
                }
            }
            if (chosen == null) {
                break;
            }
            String block = String.format(Locale.ROOT, "%s c=%d %s", chosen.block().workload().label(), chosen.block().connections(),
                    chosen.block().ratePerSecond() == 0 ? "closed loop" : "open loop " + chosen.block().ratePerSecond() + " req/s");
            out.printf(Locale.ROOT, "extra rounds: %s is ±%.1f%% (%s), %d more round(s), about %s%n", block, 100 * chosen.halfWidth(),
                    chosen.widest(), chosen.rounds(), minutes(cost.toNanos()));
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("block", block);
            step.put("widest", chosen.widest());
            step.put("halfWidthPctBefore", 100 * chosen.halfWidth());
            step.put("rounds", List.of(round + 1, round + chosen.rounds()));
            given.add(step);
            for (int i = 0; i < chosen.rounds(); i++) {
                List<Configuration> order = new ArrayList<>(chosen.block().configurations());
                Collections.shuffle(order, random);
                measureRound(servers, order, ++round);
            }
        }
        Map<String, RoundStatistics.Interval> intervals = ExtraRounds.intervals(trials);
        List<String> reached = new ArrayList<>();
        Map<String, Double> notReached = new LinkedHashMap<>();
        intervals.forEach((id, interval) -> {
            if (interval.relativeHalfWidth() <= ExtraRounds.TARGET_HALF_WIDTH) {
                reached.add(id);
            } else {
                notReached.put(id, 100 * interval.relativeHalfWidth());
            }
        });
        precision.put("targetHalfWidthPct", 100 * ExtraRounds.TARGET_HALF_WIDTH);
        precision.put("level", ExtraRounds.LEVEL);
        precision.put("fixedRounds", matrix.rounds());
        precision.put("budgetSeconds", budget.toSeconds());
        precision.put("roundsSeconds", (System.nanoTime() - startNanos) / 1e9);
        precision.put("extraRounds", given);
        precision.put("reached", reached);
        precision.put("notReached", notReached);
        out.printf(Locale.ROOT, "precision: %d of %d configurations within ±%.0f%% of their median (95%% interval)%s%n", reached.size(), intervals.size(),
                100 * ExtraRounds.TARGET_HALF_WIDTH, notReached.isEmpty() ? "" : "; not: " + notReached.entrySet().stream()
                        .map(e -> String.format(Locale.ROOT, "%s ±%.1f%%", e.getKey(), e.getValue())).collect(java.util.stream.Collectors.joining(", ")));
    }

    /** One round's order: blocks shuffled, and the servers of each block back to back, shuffled. */
    static List<Configuration> order(Matrix matrix, Random random) {
        List<Matrix.Block> blocks = new ArrayList<>(matrix.blocks());
        Collections.shuffle(blocks, random);
        List<Configuration> order = new ArrayList<>();
        for (Matrix.Block block : blocks) {
            List<Configuration> servers = new ArrayList<>(block.configurations());
            Collections.shuffle(servers, random);
            order.addAll(servers);
        }
        return order;
    }

    /** The run's reference for the calibration loop: the median of several timings on each core, after the JIT has compiled it. */
    private void calibrate() {
        for (int i = 0; i < 3; i++) {
            Calibration.millisOn(Pinning.SERVER_CORE);
            Calibration.millisOn(Pinning.CLIENT_CORE);
        }
        double[] server = new double[7];
        double[] client = new double[7];
        for (int i = 0; i < server.length; i++) {
            server[i] = Calibration.millisOn(Pinning.SERVER_CORE);
            client[i] = Calibration.millisOn(Pinning.CLIENT_CORE);
        }
        serverCoreReference = RoundStatistics.median(server);
        clientCoreReference = RoundStatistics.median(client);
        out.printf(Locale.ROOT, "calibration loop: %.1f ms on the server's core, %.1f ms on the client's%n", serverCoreReference, clientCoreReference);
    }

    private Trial measure(WarmServers servers, Configuration c, int round, int attempt) {
        int position = trials.size() + 1;
        long elapsed = System.nanoTime() - startNanos;
        int total = Math.max(matrix.trials() + matrix.warmUp().size(), position);
        String left = position == 1 ? "" : ", about " + minutes(elapsed / (position - 1) * (total - position + 1)) + " left";
        out.printf("[%3d/%d] r%d %-48s elapsed %s%s%n", position, total, round, c.describe() + (attempt > 1 ? " (again)" : ""),
                minutes(elapsed), left);
        long trialStartNanos = System.nanoTime();
        Trial trial = trial(servers, c, roundsDir, Trial.files(c.id(), round, attempt), round, attempt);
        if (attempt > 1) {
            // Only the last attempt of a round counts: the one the machine left alone, or the last chance it had.
            for (int i = 0; i < trials.size(); i++) {
                Trial t = trials.get(i);
                if (t.id().equals(c.id()) && t.round() == round && t.counted()) {
                    trials.set(i, t.uncounted());
                }
            }
        }
        trials.add(round == 0 ? trial.uncounted() : trial);
        trialTimes.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(Duration.ofNanos(System.nanoTime() - trialStartNanos));
        if (!trial.scored()) {
            out.printf("        FAILED: %s%n", trial.failure());
        } else {
            String errors = trial.errors() == 0 ? "" : ", " + errorCounts.get(Trial.files(c.id(), round, attempt)).describe();
            double connect = connectSeconds.getOrDefault(Trial.files(c.id(), round, attempt), Double.NaN);
            String connected = c.connections() >= 1_000 && !Double.isNaN(connect)
                    ? String.format(Locale.ROOT, " (%,d connections opened in %.2f s before the load)", c.connections(), connect) : "";
            out.printf(Locale.ROOT, "        %,.0f req/s%s%s%s%n", trial.score(), connected, errors,
                    trial.disturbed().isEmpty() ? "" : " (disturbed: " + trial.disturbed() + (attempt == 1 && round > 0 ? "; again at the end of the round if the budget has room)" : ")"));
        }
        return trial;
    }

    /** One calibrated trial of {@code c} on its warm server, its files {@code dir/<files>.*}; failed, not thrown, when it cannot run. */
    private Trial trial(WarmServers servers, Configuration c, Path dir, String files, int round, int attempt) {
        return trial(servers, c, dir, files, round, attempt, ServerBenchmark.DRAIN_MILLIS);
    }

    private Trial trial(WarmServers servers, Configuration c, Path dir, String files, int round, int attempt, String drainMillis) {
        int position = trials.size() + 1;
        try {
            ServerProcess server = servers.serverFor(c);
            addresses.put(c.id(), server.address());
            servers.awaitQuiet();
            double serverCore = Calibration.millisOn(Pinning.SERVER_CORE) / serverCoreReference;
            double clientCore = Calibration.millisOn(Pinning.CLIENT_CORE) / clientCoreReference;
            Trial trial = runTrial(c, dir, files, server, round, attempt, position, serverCore, clientCore, drainMillis);
            String unsettled = servers.settle(c);
            if (unsettled != null) {
                warnings.add(files + ": " + unsettled);
            }
            return trial;
        } catch (IOException | RuntimeException e) {
            return failed(c, round, attempt, position, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(c, round, attempt, position, "interrupted");
        }
    }

    private Trial runTrial(Configuration c, Path dir, String files, ServerProcess server, int round, int attempt, int position,
                           double serverCore, double clientCore, String drainMillis) {
        Path partial = dir.resolve(files + ".jmh.json");
        // The trial runs in this JVM (forks 0): the client stays compiled and warm across rounds, as the servers do.
        // Its files are <dir>/<id>.<trial>.*: the benchmark names them from the configuration's id and the trial's name.
        Options options = new OptionsBuilder()
                .include(Pattern.quote(ServerBenchmark.class.getName()) + "\\.requests$")
                .param("server", c.server().label())
                .param("workload", c.workload().label())
                .param("connections", String.valueOf(c.connections()))
                .param("rate", String.valueOf(c.ratePerSecond()))
                .param("address", server.address())
                .param("pid", String.valueOf(server.pid()))
                .param("out", dir.toString())
                .param("trial", files.substring(c.id().length() + 1))
                .param("drainMillis", drainMillis)
                .forks(0)
                .warmupIterations(matrix.warmups()).warmupTime(TimeValue.milliseconds(Matrix.WARMUP_ITERATION.toMillis()))
                .measurementIterations(round == 0 ? Matrix.WARM_UP_ROUND_ITERATIONS : matrix.iterations()).measurementTime(TimeValue.seconds(1))
                .timeout(TimeValue.seconds(60))
                .shouldFailOnError(true)
                .output(runDir.resolve("logs").resolve(files + ".jmh.log").toString())
                .result(partial.toString()).resultFormat(ResultFormatType.JSON)
                .build();
        try {
            RunResult result = new Runner(options).run().iterator().next();
            jmhResults.put(files, JsonParser.parseString(Files.readString(partial)).getAsJsonArray().get(0).getAsJsonObject());
            Map<String, Result> secondary = result.getSecondaryResults();
            double other = score(secondary, "otherCpuCores");
            double steal = score(secondary, "stealCpuCores");
            connectSeconds.put(files, score(secondary, "connectSeconds"));
            Map<String, Long> byKind = new LinkedHashMap<>();
            for (ErrorKind kind : ErrorKind.values()) {
                byKind.put(kind.label(), Math.round(score(secondary, TrialFigures.errorsOf(kind))));
            }
            ErrorCounts errors = ErrorCounts.of(byKind);
            errorCounts.put(files, errors);
            return new Trial(c.id(), round, attempt, position, true, disturbance(serverCore, clientCore, other, steal),
                    result.getPrimaryResult().getScore(), errors.total(),
                    score(secondary, "serverThreads"), score(secondary, "serverRssMiB"), score(secondary, "serverCpuMicrosPerRequest"),
                    score(secondary, "serverCpuCores"), score(secondary, "clientCpuCores"), other, score(secondary, "irqCpuCores"), steal,
                    serverCore, clientCore, "");
        } catch (RunnerException | IOException | RuntimeException e) {
            return failed(c, round, attempt, position, failureReason(files, e));
        }
    }

    /** Why a trial is disturbed by the rule of {@link #SLOW_CORE}, {@link #OTHER_CORES} and {@link #STEAL_CORES}; empty when it is not. */
    static String disturbance(double serverCore, double clientCore, double otherCores, double stealCores) {
        List<String> disturbed = new ArrayList<>();
        if (serverCore > SLOW_CORE || clientCore > SLOW_CORE) {
            disturbed.add(String.format(Locale.ROOT, "calibration %.2f× on the server's core and %.2f× on the client's", serverCore, clientCore));
        }
        if (otherCores > OTHER_CORES) {
            disturbed.add(String.format(Locale.ROOT, "other processes used %.2f cores", otherCores));
        }
        if (stealCores > STEAL_CORES) {
            disturbed.add(String.format(Locale.ROOT, "steal %.2f cores", stealCores));
        }
        return String.join("; ", disturbed);
    }

    private static double score(Map<String, Result> secondary, String name) {
        Result r = secondary.get(name);
        return r == null ? Double.NaN : r.getScore();
    }

    private static Trial failed(Configuration c, int round, int attempt, int position, String failure) {
        return new Trial(c.id(), round, attempt, position, true, "", null, 0, null, null, null, null, null, null, null, null,
                null, null, failure);
    }

    /** How steady the machine was: the calibration loop's spread, what else ran, what was stolen, how many trials were disturbed. */
    private Map<String, Object> stability() {
        Map<String, Object> stability = new LinkedHashMap<>();
        stability.put("rule", String.format(Locale.ROOT, "a trial is disturbed when the calibration loop took more than %.2f× the run's reference "
                + "on either core, other processes used more than %.2f cores, or steal exceeded %.2f cores; it is repeated once at the end "
                + "of its round, and the repeat counts, while the budget has room for the repeat and the fixed rounds to come "
                + "(disturbedNotRepeated: those it had none for)", SLOW_CORE, OTHER_CORES, STEAL_CORES));
        stability.put("calibrationReferenceMillis", Map.of("serverCore", serverCoreReference, "clientCore", clientCoreReference));
        stability.put("calibrationServerCore", spread(trials.stream().map(Trial::serverCoreCalibration)));
        stability.put("calibrationClientCore", spread(trials.stream().map(Trial::clientCoreCalibration)));
        stability.put("otherCpuCores", spread(trials.stream().map(Trial::otherCores)));
        stability.put("irqCpuCores", spread(trials.stream().map(Trial::irqCores)));
        stability.put("stealCpuCores", spread(trials.stream().map(Trial::stealCores)));
        stability.put("trials", trials.size());
        stability.put("disturbed", trials.stream().filter(t -> !t.disturbed().isEmpty()).count());
        stability.put("disturbedAndCounted", trials.stream().filter(t -> !t.disturbed().isEmpty() && t.counted()).count());
        stability.put("failed", trials.stream().filter(t -> !t.scored()).count());
        stability.put("disturbedNotRepeated", notRepeated);
        return stability;
    }

    /** Min, median, 90th percentile and max of the figures present. */
    private static Map<String, Object> spread(Stream<Double> values) {
        double[] v = values.filter(d -> d != null && !d.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Map.of();
        }
        Map<String, Object> spread = new LinkedHashMap<>();
        spread.put("min", v[0]);
        spread.put("median", RoundStatistics.median(v));
        spread.put("p90", v[Math.min(v.length - 1, (int) Math.floor(0.9 * v.length))]);
        spread.put("max", v[v.length - 1]);
        return spread;
    }

    private Duration warmup() {
        return Matrix.WARMUP_ITERATION.multipliedBy(Math.max(1, matrix.warmups()));
    }

    private Duration measurement() {
        return Duration.ofSeconds(matrix.iterations());
    }

    /** The benchmark's own message (first exception line of the fork's log), not JMH's wrapper. */
    private String failureReason(String files, Exception e) {
        Path log = runDir.resolve("logs").resolve(files + ".jmh.log");
        try {
            return Files.readAllLines(log).stream().filter(l -> l.matches("^[a-z][\\w.]*(Exception|Error): .*"))
                    .map(l -> l.replaceFirst("^[\\w.]+: ", "")).findFirst().orElse(e.getMessage());
        } catch (IOException io) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Kills any server of this run still alive; says which, since a benchmark must leave none. */
    private String killLeftovers() {
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(cmd -> cmd.contains("-D" + ServerProcess.RUN_PROPERTY + "=" + runId + " ")).orElse(false))
                .toList();
        if (left.isEmpty()) {
            return null;
        }
        left.forEach(ProcessHandle::destroyForcibly);
        return "server process left behind (pid " + left.stream().map(p -> String.valueOf(p.pid())).toList() + "), killed";
    }

    private void writeJson(String name, Object value) throws IOException {
        Files.writeString(runDir.resolve(name), GSON.toJson(value), StandardCharsets.UTF_8);
    }

    private static Path projectDir() {
        return Path.of("").toAbsolutePath();
    }

    private static void pointLatestAt(Path results, Path runDir) throws IOException {
        Path link = results.resolve("latest");
        Path temporary = results.resolve(".latest-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        Files.createSymbolicLink(temporary, runDir.getFileName());
        Files.move(temporary, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String minutes(long nanos) {
        long seconds = Math.round(nanos / 1e9);
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
