package iolab.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.clients.ErrorKind;
import iolab.runfiles.ErrorCounts;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one trial: the calibration loop on both cores, then {@link ServerBenchmark} through JMH in
 * this JVM, told what to measure by its {@code @Param}s and reporting back by its secondary results
 * ({@link TrialFigures}), and the disturbance rule applied to what it found. What a trial leaves
 * beside its {@link Trial} row (its JMH result, its connect phase, its errors by kind, its
 * server's address) is kept here by the trial's files' name for the run's end.
 */
final class TrialRunner implements Trials {

    /**
     * A trial is disturbed when the calibration loop on either core took this much longer than the run's reference...
     */
    static final double SLOW_CORE = 1.25;
    /**
     * ...or other processes and the hypervisor's steal together took this many cores while it measured. Below it what
     * they take costs the server little next to a trial's own spread (beside the noisy neighbour, runs 6-8 of issue
     * 21: 0.986 of the undisturbed median at 0.10-0.15 cores, 0.974 at 0.15-0.20, 0.90 at 0.20-0.30, 0.75 at
     * 0.40-0.60), and a repeat for it would cost a second trial; at 0.10 about half the disturbed trials of a run
     * beside the neighbour were below 0.20.
     */
    static final double TAKEN_CORES = 0.20;
    /**
     * A run is busy when more than this share of its trials were disturbed... Repeats keep a disturbed trial from
     * counting, but what others take between episodes slows every trial: a run beside the noisy neighbour (issue 21)
     * measured medians 0.88x and 0.87x those of the quiet runs before and after it (intervals overlapping in 17 and 16
     * of 31), while its paired ratios between servers overlapped theirs in 21 and 23 of 24. Quiet runs here: 1-2% of
     * trials disturbed, median 0.02 cores taken; beside the neighbour 37-45%, 0.14-0.16.
     */
    static final double BUSY_DISTURBED_SHARE = 0.25;
    /** ...or the median trial had other processes and steal take more than this many cores. */
    static final double BUSY_TAKEN_CORES = TAKEN_CORES / 2;

    private final Matrix matrix;
    private final Path logs;
    private final PrintStream out;
    private final Consumer<String> warnings;
    private final WarmServers servers;
    /** The calibration loop's reference on the server's core and the client's: {@link Calibration.Reference}. */
    private final Calibration.Reference reference = new Calibration.Reference();
    private final Map<String, JsonObject> jmhResults = new LinkedHashMap<>();
    /** The address each configuration's server listened on, for its merged summary. */
    private final Map<String, String> addresses = new LinkedHashMap<>();
    /** Each trial's connect phase (seconds), by its files' name: kept apart from the throughput. */
    private final Map<String, Double> connectSeconds = new LinkedHashMap<>();
    /** Each trial's errors by kind, by its files' name. */
    private final Map<String, ErrorCounts> errorCounts = new LinkedHashMap<>();

    TrialRunner(Matrix matrix, String runTag, Path logs, PrintStream out, Consumer<String> warnings) {
        this.servers = new WarmServers(runTag, logs, ServerMachine.HERE);
        this.matrix = matrix;
        this.logs = logs;
        this.out = out;
        this.warnings = warnings;
    }

    @Override
    public String where() {
        return "one machine, " + Pinning.describe();
    }

    @Override
    public Map<String, Object> hosts() {
        return Map.of("roles", "one machine: the server and the load (" + Pinning.describe() + ")");
    }

    /**
     * The calibration loop's first timings on each core, after the JIT has compiled it: the start of the run's
     * reference, which round 0's trials complete ({@link Calibration.Reference}).
     */
    @Override
    public void calibrate() {
        for (int i = 0; i < 3; i++) {
            Calibration.millisOn(Pinning.SERVER_CORE, Pinning.CLIENT_CORE);
        }
        for (int i = 0; i < 7; i++) {
            reference.add(Calibration.millisOn(Pinning.SERVER_CORE, Pinning.CLIENT_CORE));
        }
        double[] millis = reference.millis();
        out.printf(
                Locale.ROOT,
                "calibration loop: %.1f ms on the server's core, %.1f ms on the client's (the reference until round 0 "
                        + "has added its trials' timings)%n",
                millis[0],
                millis[1]);
    }

    @Override
    public JsonObject jmhResult(String files) {
        return jmhResults.get(files);
    }

    @Override
    public String address(String configurationId) {
        return addresses.get(configurationId);
    }

    @Override
    public double connectSeconds(String files) {
        return connectSeconds.getOrDefault(files, Double.NaN);
    }

    @Override
    public ErrorCounts errors(String files) {
        return errorCounts.getOrDefault(files, ErrorCounts.NONE);
    }

    /** One calibrated trial: {@link Trials#run}. */
    @Override
    public Trial run(
            Configuration c,
            Path dir,
            String files,
            int round,
            int attempt,
            int position,
            String drainMillis) {
        try {
            ServerProcess server = servers.serverFor(c);
            addresses.put(c.id(), server.address());
            servers.awaitQuiet();
            double[] cores = Calibration.millisOn(Pinning.SERVER_CORE, Pinning.CLIENT_CORE);
            if (round == 0) {
                reference.add(cores);
            }
            double[] millis = reference.millis();
            Trial trial = runTrial(
                    c, dir, files, server, round, attempt, position, cores[0] / millis[0], cores[1] / millis[1],
                    drainMillis);
            String unsettled = servers.settle(c);
            if (unsettled != null) {
                warnings.accept(files + ": " + unsettled);
            }
            return trial;
        } catch (IOException | RuntimeException e) {
            return Trial.failed(c.id(), round, attempt, position, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Trial.failed(c.id(), round, attempt, position, "interrupted");
        }
    }

    private Trial runTrial(
            Configuration c,
            Path dir,
            String files,
            ServerProcess server,
            int round,
            int attempt,
            int position,
            double serverCore,
            double clientCore,
            String drainMillis) {
        Path partial = dir.resolve(files + ".jmh.json");
        // The trial runs in this JVM (forks 0): the client stays compiled and warm across rounds, as the servers do.
        // Its files are <dir>/<id>.<trial>.*: the benchmark names them from the configuration's id and the trial's
        // name.
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
                .warmupIterations(matrix.warmups())
                .warmupTime(TimeValue.milliseconds(Matrix.WARMUP_ITERATION.toMillis()))
                .measurementIterations(matrix.iterationsOf(c, round))
                .measurementTime(TimeValue.milliseconds(matrix.iterationOf(c, round).toMillis()))
                .timeout(TimeValue.seconds(60))
                .shouldFailOnError(true)
                .output(logs.resolve(files + ".jmh.log").toString())
                .result(partial.toString()).resultFormat(ResultFormatType.JSON)
                .build();
        try {
            RunResult result = new Runner(options).run().iterator().next();
            jmhResults.put(
                    files,
                    JsonParser.parseString(Files.readString(partial))
                            .getAsJsonArray()
                            .get(0)
                            .getAsJsonObject());
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
            Trial.Cost cost = new Trial.Cost(
                    score(secondary, "serverThreads"),
                    score(secondary, "serverRssMiB"),
                    score(secondary, "serverCpuMicrosPerRequest"),
                    score(secondary, "serverCpuCores"),
                    score(secondary, "clientCpuCores"),
                    other,
                    score(secondary, "irqCpuCores"),
                    steal);
            return new Trial(
                    c.id(),
                    round,
                    attempt,
                    position,
                    true,
                    disturbance(serverCore, clientCore, other, steal),
                    result.getPrimaryResult().getScore(),
                    errors.total(),
                    cost,
                    new Trial.Calibration(serverCore, clientCore),
                    "");
        } catch (RunnerException | IOException | RuntimeException e) {
            return Trial.failed(c.id(), round, attempt, position, failureReason(files, e));
        }
    }

    /**
     * Why a trial is disturbed by the rule of {@link #SLOW_CORE} and {@link #TAKEN_CORES}; empty when it is not.
     */
    static String disturbance(double serverCore, double clientCore, double otherCores, double stealCores) {
        List<String> disturbed = new ArrayList<>();
        if (serverCore > SLOW_CORE || clientCore > SLOW_CORE) {
            disturbed.add(String.format(
                    Locale.ROOT,
                    "calibration %.2f× on the server's core and %.2f× on the client's",
                    serverCore,
                    clientCore));
        }
        if (otherCores + stealCores > TAKEN_CORES) {
            disturbed.add(String.format(
                    Locale.ROOT, "other processes used %.2f cores and steal %.2f", otherCores, stealCores));
        }
        return String.join("; ", disturbed);
    }

    private static double score(Map<String, Result> secondary, String name) {
        Result r = secondary.get(name);
        return r == null ? Double.NaN : r.getScore();
    }

    /**
     * How steady the machine was: the calibration loop's spread, what else ran, what was stolen, how many trials were
     * disturbed.
     */
    @Override
    public Map<String, Object> stability(List<Trial> trials, List<String> notRepeated) {
        Map<String, Object> stability = new LinkedHashMap<>();
        stability.put(
                "rule",
                String.format(
                        Locale.ROOT,
                        "a trial is disturbed when the calibration loop took more than %.2f× the run's reference "
                                + "on either core, or other processes and steal took more than %.2f cores together; it "
                                + "is measured again at the end of its round, up to %d attempts in all, and the least "
                                + "disturbed attempt counts, while the budget has room for the repeat and the fixed "
                                + "rounds to come (disturbedNotRepeated: those it had none for)",
                        SLOW_CORE,
                        TAKEN_CORES,
                        Experiment.ATTEMPTS));
        double[] millis = reference.millis();
        stability.put("calibrationReferenceMillis", Map.of("serverCore", millis[0], "clientCore", millis[1]));
        stability.put(
                "calibrationServerCore",
                spread(trials.stream().map(t -> t.calibration().serverCore())));
        stability.put(
                "calibrationClientCore",
                spread(trials.stream().map(t -> t.calibration().clientCore())));
        machineAndCounts(stability, trials);
        stability.put("disturbedNotRepeated", notRepeated);
        return stability;
    }

    /**
     * What every run says of its trials, wherever they ran: the server machine's other processes, interrupts and steal
     * over them, and how many were disturbed, disturbed and counted, and failed.
     */
    static void machineAndCounts(Map<String, Object> stability, List<Trial> trials) {
        stability.put("otherCpuCores", spread(trials.stream().map(t -> t.cost().otherCores())));
        stability.put("irqCpuCores", spread(trials.stream().map(t -> t.cost().irqCores())));
        stability.put("stealCpuCores", spread(trials.stream().map(t -> t.cost().stealCores())));
        stability.put("trials", trials.size());
        stability.put("disturbed", trials.stream().filter(t -> !t.disturbed().isEmpty()).count());
        stability.put("disturbedAndCounted", trials.stream()
                .filter(t -> !t.disturbed().isEmpty() && t.counted())
                .count());
        stability.put("failed", trials.stream().filter(t -> !t.scored()).count());
        String busy = busy(trials);
        if (!busy.isEmpty()) {
            stability.put("busy", busy);
        }
    }

    /**
     * Why the run's medians are not a quiet machine's, by the rule of {@link #BUSY_DISTURBED_SHARE} and
     * {@link #BUSY_TAKEN_CORES}; empty when the machine was quiet enough.
     */
    static String busy(List<Trial> trials) {
        long disturbed = trials.stream().filter(t -> !t.disturbed().isEmpty()).count();
        double[] taken = trials.stream()
                .filter(t -> t.cost().otherCores() != null && t.cost().stealCores() != null)
                .mapToDouble(t -> t.cost().otherCores() + t.cost().stealCores())
                .filter(d -> !Double.isNaN(d))
                .toArray();
        double median = taken.length == 0 ? 0 : RoundStatistics.median(taken);
        if (trials.isEmpty() || (disturbed <= BUSY_DISTURBED_SHARE * trials.size() && median <= BUSY_TAKEN_CORES)) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "the machine was busy during this run: %d of %d trials (%.0f%%) were disturbed, and other processes "
                        + "and steal took a median %.2f cores while a trial measured (busy: more than %.0f%% of "
                        + "trials disturbed, or a median over %.2f cores). Repeats kept most disturbed trials from "
                        + "counting, but what the others took slowed every trial, so the throughput medians are likely "
                        + "lower than a quiet run's: compare them with another run's only if it was as busy. The "
                        + "ratios between servers, measured side by side in each round, compare across runs better",
                disturbed,
                trials.size(),
                100.0 * disturbed / trials.size(),
                median,
                100 * BUSY_DISTURBED_SHARE,
                BUSY_TAKEN_CORES);
    }

    @Override
    public Map<String, Integer> restarts() {
        return servers.restarts();
    }

    @Override
    public void close() throws InterruptedException {
        servers.close();
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

    /** The benchmark's own message (first exception line of the fork's log), not JMH's wrapper. */
    private String failureReason(String files, Exception e) {
        Path log = logs.resolve(files + ".jmh.log");
        try {
            return Files.readAllLines(log).stream().filter(l -> l.matches("^[a-z][\\w.]*(Exception|Error): .*"))
                    .map(l -> l.replaceFirst("^[\\w.]+: ", "")).findFirst().orElse(e.getMessage());
        } catch (IOException io) {
            return String.valueOf(e.getMessage());
        }
    }
}
