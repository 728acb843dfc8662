package iolab.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.clients.Target;
import iolab.servers.ServerVariant;
import iolab.plot.Plot;
import iolab.runfiles.RoundStatistics;
import iolab.runfiles.Trial;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;

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
 * was slowed or other processes and steal took a share of the machine is disturbed, and is measured again
 * at the end of its round, up to {@link #ATTEMPTS} attempts in all, while the budget leaves room for the
 * repeat and the fixed rounds still to come (past that it counts, marked); of the attempts, the one the
 * machine was left most to itself for counts ({@link Trial#replaces}). Each fixed round also runs
 * every capacity search once ({@link CapacityRounds}), at a random place among the round's blocks.
 * The plot module turns the rounds into medians, intervals and verdicts.
 *
 * <p>This class is the plan of rounds; a trial is run by {@link TrialRunner}, and the run's files
 * are laid out by {@link RunFolder}.
 */
public final class Experiment {

    /** {@code true}: after the rounds, the listen-backlog sweep ({@link BacklogSweep}); the full matrix sets it. */
    static final String BACKLOG_PROPERTY = "iolab.backlog";
    static final Duration BACKLOG_DURATION = Duration.ofSeconds(4);
    /** {@code true}: after the rounds, the UDP sweep ({@link UdpSweep}); the full matrix sets it. */
    static final String UDP_PROPERTY = "iolab.udp";
    /**
     * How many times a round of a configuration is measured at most while the machine disturbs it: beside the noisy
     * neighbour, a repeat was disturbed too about half the time (31-42 of 61-88 per run), and each such round counted
     * the lesser disturbed of two slowed trials.
     */
    static final int ATTEMPTS = 3;
    /**
     * Round 0's long trial of a configuration is run again at once while its last second beat the one before by more
     * than this: still compiling. Over one run's 16 long trials, 9 rose by 19-140% in their last second, the steady
     * ones moved by 8% at most; Netty's echo, which ended round 0 at 221,000 req/s and rising, measured 59% of its
     * later rounds in round 1 (a median 51% over 18 runs).
     */
    static final double STILL_RISING = 1.10;
    /** Round 0's long trials of one configuration, at most. */
    static final int WARM_UP_ATTEMPTS = 3;

    private final Matrix matrix;
    private final RunFolder folder;
    private final PrintStream out;
    private final long seed = System.nanoTime();
    private final List<Trial> trials = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    /** Configurations of servers this machine cannot run, with the reason. */
    private final Map<String, String> skipped = new LinkedHashMap<>();
    /**
     * Each configuration's trials' wall times, from its server's calibration to its settling: what another round costs.
     */
    private final Map<String, List<Duration>> trialTimes = new LinkedHashMap<>();
    /** What the extra rounds did, and which configurations reached the target, for environment.json. */
    private final Map<String, Object> precision = new LinkedHashMap<>();
    /**
     * Each fixed round's first pass of trials (its repeats and capacity searches aside): with a later round's searches,
     * what the fixed rounds still to come will take.
     */
    private final List<Duration> roundTimes = new ArrayList<>();
    /** Disturbed trials that counted because the budget had no room to measure them again. */
    private final List<String> notRepeated = new ArrayList<>();
    private CapacityRounds capacity;
    private final Trials runner;
    private long startNanos;

    private Experiment(Matrix matrix, RunFolder folder, PrintStream out, Function<Consumer<String>, Trials> runner) {
        this.matrix = matrix;
        this.folder = folder;
        this.out = out;
        this.runner = runner.apply(warnings::add);
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
        String hosts = System.getProperty("iolab.hosts", "");
        if (!hosts.isBlank()) {
            System.exit(acrossHosts(matrix, Path.of(hosts), results));
            return;
        }
        try {
            Pinning.pinSelfToClientCore(); // this JVM is the client: its trials run here
            Path runDir = run(matrix, results, System.out);
            long scored = Files.exists(runDir.resolve("jmh.json"))
                    ? JsonParser.parseString(Files.readString(runDir.resolve("jmh.json")))
                            .getAsJsonArray()
                            .size()
                    : 0;
            System.exit(scored > 0 ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("iolab experiment: " + e);
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(1);
        }
    }

    /**
     * {@code -Dhosts=FILE}: every host is checked before anything starts (ssh without a prompt, the JDK, the clock) and
     * given the lab's jars, and the first that fails is refused in one line, status 2; then the matrix runs with its
     * servers on the server host and its load from the load hosts ({@link HostTrials}). The listen-backlog and UDP
     * sweeps stay on one machine: they are not run across hosts.
     */
    private static int acrossHosts(Matrix matrix, Path file, Path results) {
        HostTrials.Deployed deployed;
        try {
            List<iolab.bench.hosts.Preflight.Checked> checked =
                    iolab.bench.hosts.Preflight.check(iolab.bench.hosts.HostsFile.read(file));
            checked.forEach(c -> System.out.printf(
                    Locale.ROOT,
                    "iolab experiment: %s ready: Java %d, clock %+d ms from this one (within %d ms)%n",
                    c.host().role() + " host " + c.host().destination(),
                    c.javaMajor(),
                    c.offsetMillis(),
                    c.uncertaintyMillis()));
            deployed = HostTrials.deploy(checked, "run-" + ProcessHandle.current().pid());
        } catch (iolab.bench.hosts.Preflight.Refused | IllegalArgumentException e) {
            System.err.println("iolab experiment: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("iolab experiment: -Dhosts: " + e);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 2;
        }
        try {
            Path runDir = run(matrix, results, System.out, (folder, warnings) ->
                    new HostTrials(deployed, matrix.runnableHere(), folder, System.out, warnings));
            try (var measured = Files.list(runDir.resolve(iolab.runfiles.ConfigurationId.FOLDER))) {
                return measured.findAny().isPresent() ? 0 : 1;
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("iolab experiment: " + e);
            return 1;
        }
    }

    /** Runs {@code matrix}; returns the new results folder, to which {@code results/latest} now points. */
    public static Path run(Matrix matrix, Path results, PrintStream out) throws IOException {
        return run(matrix, results, out, (folder, warnings) ->
                new TrialRunner(matrix.runnableHere(), folder.id(), folder.logs(), out, warnings));
    }

    /** The same, its trials run where {@code trials} runs them. */
    static Path run(
            Matrix matrix, Path results, PrintStream out, BiFunction<RunFolder, Consumer<String>, Trials> trials)
            throws IOException {
        RunFolder folder = RunFolder.create(results);
        Experiment experiment =
                new Experiment(matrix.runnableHere(), folder, out, warnings -> trials.apply(folder, warnings));
        // A server this machine cannot run is skipped with its reason, not failed.
        for (Configuration c : matrix.configurations()) {
            c.server()
                    .unavailable()
                    .ifPresent(reason ->
                            experiment.skipped.put(c.id(), c.server().label() + " is not run here: " + reason));
        }
        experiment.runAll();
        folder.pointLatest();
        return folder.dir();
    }

    /**
     * Across hosts this machine only plans, merges and reports: its CPU and its pinning were not what was measured (the
     * hosts' are, in {@code hosts}), and no trial runs in its JVM.
     */
    @SuppressWarnings("unchecked")
    private static void controllerOnly(Map<String, Object> environment) {
        Map<String, Object> controller = new LinkedHashMap<>();
        controller.put("machine", environment.remove("machine"));
        controller.put("pinning", environment.remove("pinning"));
        environment.put("controller", controller);
        ((Map<String, Object>) environment.get("jmh")).put("forks", "none: each load host's client JVM runs the "
                + "trial's load, warm across rounds, on the same iterations as JMH's on one machine");
    }

    private void runAll() throws IOException {
        List<Configuration> configurations = matrix.configurations();
        // Written before the first trial, so an interrupted run still says where it ran.
        Map<String, Object> environment = Environment.collect(folder.id(), matrix, configurations, projectDir());
        environment.put(
                "order",
                Map.of(
                        "seed",
                        seed,
                        "rule",
                        "per round: blocks (workload, connections, load) shuffled; within a block, its servers back to "
                                + "back, shuffled"));
        Map<String, Object> hosts = runner.hosts();
        environment.put("hosts", hosts);
        if (hosts.containsKey("server")) {
            controllerOnly(environment);
        }
        folder.writeJson("environment.json", environment);
        out.printf(
                "iolab experiment %s: %d configurations × %d rounds = %d trials, after a round that warms up (%s "
                        + "matrix), %s%n",
                folder.id(),
                configurations.size(),
                matrix.rounds(),
                matrix.trials(),
                matrix.name(),
                runner.where());
        runner.calibrate();
        startNanos = System.nanoTime();
        Random random = new Random(seed);
        try (runner) {
            capacity = new CapacityRounds(
                    matrix.searches(),
                    folder.dir(),
                    (c, dir, files, round, attempt) -> runner.run(
                            c,
                            dir,
                            files,
                            round,
                            attempt,
                            trials.size() + 1,
                            String.valueOf(CapacityRounds.DRAIN.toMillis())),
                    out);
            if (!capacity.isEmpty()) {
                out.printf(
                        "capacity searches, in each of the %d fixed rounds: %s%n",
                        matrix.rounds(),
                        matrix.searches().stream()
                                .map(sr -> sr.describe() + " on "
                                        + String.join(
                                                ", ",
                                                sr.servers().stream()
                                                        .map(ServerVariant::label)
                                                        .toList()))
                                .toList());
            }
            // Round 0 warms up: every server's JIT, and this JVM's (the client's), on every workload, loop and count,
            // so that the first counted round meets what the last one meets. Its long trials go first, and its trials
            // are kept in rounds.csv, uncounted.
            List<Configuration> warmUp = matrix.warmUp();
            List<Configuration> roundZero = order(matrix, random);
            for (Configuration c : roundZero) {
                if (warmUp.contains(c)) {
                    warmUntilSteady(c);
                }
            }
            for (Configuration c : roundZero) {
                if (!warmUp.contains(c)) {
                    measure(c, 0, 1);
                }
            }
            capacity.warmUp(this::capacityGuess);
            for (int round = 1; round <= matrix.rounds(); round++) {
                measureFixedRound(random, round);
            }
            extraRounds(random);
            runner.restarts()
                    .forEach((server, n) -> warnings.add(server + " died and was started again " + n + " time(s)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String leftBehind = folder.killLeftovers();
        if (leftBehind != null) {
            warnings.add(leftBehind);
        }
        List<Map<String, String>> failures = new ArrayList<>();
        skipped.forEach((id, reason) -> failures.add(Map.of("id", id, "reason", reason)));
        skipped.values().stream().distinct().forEach(warnings::add);
        for (Configuration c : configurations) {
            List<Trial> counted = trials.stream()
                    .filter(t -> t.id().equals(c.id()) && t.counted())
                    .toList();
            List<String> scored =
                    counted.stream().filter(Trial::scored).map(Trial::name).toList();
            if (scored.isEmpty()) {
                failures.add(Map.of(
                        "id",
                        c.id(),
                        "reason",
                        counted.stream()
                                .map(Trial::failure)
                                .filter(f -> !f.isEmpty())
                                .findFirst()
                                .orElse("no trial")));
                continue;
            }
            try {
                RoundFiles.merge(
                        folder.rounds(),
                        folder.dir(),
                        c,
                        scored,
                        c.loadSettings(Target.parse(runner.address(c.id())), warmup(), matrix.measurementOf(c)));
            } catch (IOException | RuntimeException e) {
                warnings.add(c.id() + ": its rounds' files could not be merged: " + e);
            }
        }
        Trial.write(trials, folder.dir().resolve(Trial.FILE));
        capacity.write(folder.dir());
        JsonArray merged = new JsonArray();
        trials.stream().filter(t -> t.counted() && t.scored()).map(t -> runner.jmhResult(t.files()))
                .filter(Objects::nonNull).forEach(merged::add);
        folder.writeJson("jmh.json", merged);
        folder.writeJson("failures.json", failures);
        Map<String, Object> stability = runner.stability(trials, notRepeated);
        environment.put("stability", stability);
        if (stability.get("busy") instanceof String busy) {
            warnings.add(busy);
        }
        environment.put("precision", precision);
        environment.put("warnings", warnings);
        folder.writeJson("environment.json", environment);
        warnings.forEach(w -> out.println("warning: " + w));
        out.printf("%nDone in %s. Results: %s%n%n", minutes(System.nanoTime() - startNanos), folder.dir());
        boolean here = runner instanceof TrialRunner;
        if (!here && (Boolean.parseBoolean(System.getProperty(BACKLOG_PROPERTY))
                || Boolean.parseBoolean(System.getProperty(UDP_PROPERTY)))) {
            out.println("The listen-backlog and UDP sweeps are not run across hosts: they run on one machine only");
        }
        if (here && Boolean.parseBoolean(System.getProperty(BACKLOG_PROPERTY))) {
            out.printf(
                    "%nThe listen backlog: a storm of short connections against nio slow to accept, backlog %s%n",
                    BacklogSweep.BACKLOGS);
            try {
                BacklogSweep.run(folder.dir(), folder.id(), BacklogSweep.BACKLOGS, BACKLOG_DURATION, out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        if (here && Boolean.parseBoolean(System.getProperty(UDP_PROPERTY))) {
            out.printf(
                    "%nUDP echo: %s at %s datagrams/s, %d rounds%n", UdpSweep.SERVERS, UdpSweep.RATES, UdpSweep.ROUNDS);
            try {
                UdpSweep.run(
                        folder.dir(),
                        folder.id(),
                        UdpSweep.SERVERS,
                        UdpSweep.RATES,
                        UdpSweep.ROUNDS,
                        UdpSweep.WARMUP,
                        UdpSweep.DURATION,
                        out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        Plot.render(folder.dir(), out); // the summary table, then the charts and report
    }

    /**
     * A fixed round: every configuration once, blocks shuffled, and the capacity searches at a random place among them
     * (where a block ends); then the disturbed ones again while the budget has room.
     */
    private void measureFixedRound(Random random, int round) throws InterruptedException {
        long roundStart = System.nanoTime();
        long searchNanos = 0; // planned apart: CapacityRounds.laterRoundAtMost
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
                long searchStart = System.nanoTime();
                capacity.round(round, random, this::capacityGuess);
                searchNanos = System.nanoTime() - searchStart;
            }
            if (i < order.size() && !measure(order.get(i), round, 1).disturbed().isEmpty()) {
                disturbed.add(order.get(i));
            }
        }
        roundTimes.add(Duration.ofNanos(System.nanoTime() - roundStart - searchNanos));
        repeatDisturbed(disturbed, round, matrix.rounds() - round);
    }

    private static boolean sameBlock(Configuration a, Configuration b) {
        return a.workload() == b.workload()
                && a.connections() == b.connections()
                && a.ratePerSecond() == b.ratePerSecond();
    }

    /** An extra round of one block: its servers once, shuffled; the disturbed ones again while the budget has room. */
    private void measureRound(List<Configuration> order, int round) {
        List<Configuration> disturbed = new ArrayList<>();
        for (Configuration c : order) {
            if (!measure(c, round, 1).disturbed().isEmpty()) {
                disturbed.add(c);
            }
        }
        repeatDisturbed(disturbed, round, 0);
    }

    /**
     * Measures each disturbed configuration of the round again ({@link #repeatPasses}) while its next attempt and the
     * {@code fixedRoundsLeft} still to come fit in the budget ({@link #roomFor}); the attempt the machine was left most
     * to itself for counts ({@link Trial#replaces}). A disturbed trial the budget has no room to repeat counts, marked,
     * and environment.json says so. Without the budget, a noisy machine's repeats run past any budget.
     */
    private void repeatDisturbed(List<Configuration> disturbed, int round, int fixedRoundsLeft) {
        repeatPasses(
                disturbed,
                (c, attempt) -> {
                    if (roomFor(c, fixedRoundsLeft)) {
                        return true;
                    }
                    if (attempt == 2) {
                        notRepeated.add(Trial.files(c.id(), round, 1));
                    }
                    out.printf(
                            "        %s r%d stays disturbed: the budget has no room to measure it again%n",
                            c.describe(), round);
                    return false;
                },
                (c, attempt) -> {
                    measure(c, round, attempt);
                    return !counted(c, round).orElseThrow().disturbed().isEmpty();
                });
    }

    /**
     * Whether another trial of {@code c}, and the {@code fixedRoundsLeft} still to come, fit in the budget: a fixed
     * round at the median time the first passes of its trials took, and the longest a later round's searches take.
     */
    private boolean roomFor(Configuration c, int fixedRoundsLeft) {
        Duration round = roundTimes.isEmpty() ? Duration.ZERO : Duration.ofNanos((long) RoundStatistics.median(
                roundTimes.stream().mapToDouble(Duration::toNanos).toArray()));
        Duration planned = round.plus(capacity.laterRoundAtMost()).multipliedBy(fixedRoundsLeft);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return elapsed.plus(ExtraRounds.meanTrialTime(c, trialTimes)).plus(planned).compareTo(matrix.budget()) <= 0;
    }

    /**
     * The passes of a round's repeats: the disturbed configurations again, in their order, each while {@code fits} says
     * the budget has room for its next attempt ({@code measure} runs it and says whether the round's counting attempt
     * is still disturbed); then those still disturbed, again, up to {@link #ATTEMPTS} attempts in all. A pass at a
     * time, not a configuration's attempts back to back: a disturbance lasts seconds, and the next attempt should not
     * begin inside the one that spoiled the last.
     */
    static void repeatPasses(
            List<Configuration> disturbed,
            BiPredicate<Configuration, Integer> fits,
            BiPredicate<Configuration, Integer> measure) {
        List<Configuration> again = disturbed;
        for (int attempt = 2; attempt <= ATTEMPTS && !again.isEmpty(); attempt++) {
            List<Configuration> still = new ArrayList<>();
            for (Configuration c : again) {
                if (fits.test(c, attempt) && measure.test(c, attempt)) {
                    still.add(c);
                }
            }
            again = still;
        }
    }

    /**
     * Where a server's first capacity search starts: three quarters of its closed-loop median so far on that workload,
     * nearest in connections; the floor where that closed loop lost requests (a server that starves connections fails
     * the open loop at any rate, and coming down from its throughput costs a probe per step).
     */
    private long capacityGuess(Matrix.Search search, ServerVariant server) {
        Map<Integer, List<Trial>> closed = new java.util.TreeMap<>();
        for (Configuration c : matrix.configurations()) {
            if (c.server() == server && c.workload() == search.workload() && !c.openLoop()) {
                closed.put(c.connections(), trials.stream().filter(t -> t.scored() && t.id().equals(c.id())).toList());
            }
        }
        return closed.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .min(java.util.Comparator.comparingInt(e -> Math.abs(e.getKey() - search.connections())))
                .map(e -> e.getValue().stream().anyMatch(t -> t.errors() > 0)
                        ? 0L
                        : Math.round(0.75
                                * RoundStatistics.median(e.getValue().stream()
                                        .mapToDouble(Trial::score)
                                        .toArray())))
                .orElse(10_000L);
    }

    /**
     * After the fixed rounds, more rounds for the blocks whose intervals are widest ({@link ExtraRounds}), a step at a
     * time, while the budget lasts; environment.json's {@code precision} says what each got and which configurations
     * reached the target.
     */
    private void extraRounds(Random random) {
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
            String block = String.format(
                    Locale.ROOT,
                    "%s c=%d %s",
                    chosen.block().workload().label(),
                    chosen.block().connections(),
                    chosen.block().ratePerSecond() == 0
                            ? "closed loop"
                            : "open loop " + chosen.block().ratePerSecond() + " req/s");
            out.printf(
                    Locale.ROOT,
                    "extra rounds: %s is ±%.1f%% (%s), %d more round(s), about %s%n",
                    block,
                    100 * chosen.halfWidth(),
                    chosen.widest(),
                    chosen.rounds(),
                    minutes(cost.toNanos()));
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("block", block);
            step.put("widest", chosen.widest());
            step.put("halfWidthPctBefore", 100 * chosen.halfWidth());
            step.put("rounds", List.of(round + 1, round + chosen.rounds()));
            given.add(step);
            for (int i = 0; i < chosen.rounds(); i++) {
                List<Configuration> order = new ArrayList<>(chosen.block().configurations());
                Collections.shuffle(order, random);
                measureRound(order, ++round);
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
        out.printf(
                Locale.ROOT,
                "precision: %d of %d configurations within ±%.0f%% of their median (95%% interval)%s%n",
                reached.size(),
                intervals.size(),
                100 * ExtraRounds.TARGET_HALF_WIDTH,
                notReached.isEmpty()
                        ? ""
                        : "; not: "
                                + notReached.entrySet().stream()
                                        .map(e -> String.format(Locale.ROOT, "%s ±%.1f%%", e.getKey(), e.getValue()))
                                        .collect(java.util.stream.Collectors.joining(", ")));
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

    private Trial measure(Configuration c, int round, int attempt) {
        int position = trials.size() + 1;
        long elapsed = System.nanoTime() - startNanos;
        int total = Math.max(matrix.trials() + matrix.configurations().size(), position);
        String left =
                position == 1 ? "" : ", about " + minutes(elapsed / (position - 1) * (total - position + 1)) + " left";
        out.printf(
                "[%3d/%d] r%d %-48s elapsed %s%s%n",
                position, total, round, c.describe() + (attempt > 1 ? " (again)" : ""), minutes(elapsed), left);
        long trialStartNanos = System.nanoTime();
        Trial trial = runner.run(
                c,
                folder.rounds(),
                Trial.files(c.id(), round, attempt),
                round,
                attempt,
                position,
                ServerBenchmark.DRAIN_MILLIS);
        Trial earlier = counted(c, round).orElse(null);
        boolean counts = round > 0 && (earlier == null || trial.replaces(earlier));
        if (earlier != null && counts) {
            trials.set(trials.indexOf(earlier), earlier.uncounted());
        }
        trials.add(counts ? trial : trial.uncounted());
        trialTimes
                .computeIfAbsent(c.id(), k -> new ArrayList<>())
                .add(Duration.ofNanos(System.nanoTime() - trialStartNanos));
        if (!trial.scored()) {
            out.printf("        FAILED: %s%n", trial.failure());
        } else {
            String errors = trial.errors() == 0
                    ? ""
                    : ", " + runner.errors(Trial.files(c.id(), round, attempt)).describe();
            double connect = runner.connectSeconds(Trial.files(c.id(), round, attempt));
            String connected = c.connections() >= 1_000 && !Double.isNaN(connect)
                    ? String.format(
                            Locale.ROOT,
                            " (%,d connections opened in %.2f s before the load)",
                            c.connections(),
                            connect)
                    : "";
            out.printf(
                    Locale.ROOT,
                    "        %,.0f req/s%s%s%s%n",
                    trial.score(),
                    connected,
                    errors,
                    trial.disturbed().isEmpty()
                            ? ""
                            : " (disturbed: " + trial.disturbed()
                                    + (earlier != null && !counts
                                            ? "; more than " + earlier.name() + ", which counts)"
                                            : attempt < ATTEMPTS && round > 0
                                                    ? "; again at the end of the round if the budget has room)"
                                                    : ")"));
        }
        return trial;
    }

    /** Round 0's long trial of {@code c}, again at once while its last second still rose ({@link #STILL_RISING}). */
    private void warmUntilSteady(Configuration c) {
        for (int attempt = 1; attempt <= WARM_UP_ATTEMPTS; attempt++) {
            Trial trial = measure(c, 0, attempt);
            double rise = lastRise(runner.jmhResult(trial.files()));
            if (!(rise > STILL_RISING) || attempt == WARM_UP_ATTEMPTS) {
                return;
            }
            out.printf(Locale.ROOT, "        still warming up: its last second %.0f%% above the one before%n",
                    100 * (rise - 1));
        }
    }

    /**
     * A trial's last measurement iteration over the one before, from JMH's result; NaN with fewer than two, or where
     * JMH did not run the trial (across hosts).
     */
    static double lastRise(JsonObject jmh) {
        if (jmh == null || !jmh.has("primaryMetric")) {
            return Double.NaN;
        }
        JsonArray forks = jmh.getAsJsonObject("primaryMetric").getAsJsonArray("rawData");
        if (forks == null || forks.isEmpty() || forks.get(0).getAsJsonArray().size() < 2) {
            return Double.NaN;
        }
        JsonArray scores = forks.get(0).getAsJsonArray();
        return scores.get(scores.size() - 1).getAsDouble() / scores.get(scores.size() - 2).getAsDouble();
    }

    /** The attempt at {@code c}'s {@code round} that counts so far. */
    private Optional<Trial> counted(Configuration c, int round) {
        return trials.stream()
                .filter(t -> t.id().equals(c.id()) && t.round() == round && t.counted())
                .findFirst();
    }

    private Duration warmup() {
        return Matrix.WARMUP_ITERATION.multipliedBy(Math.max(1, matrix.warmups()));
    }

    private static Path projectDir() {
        return Path.of("").toAbsolutePath();
    }

    static String minutes(long nanos) {
        long seconds = Math.round(nanos / 1e9);
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
