package iolab.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.plot.ErrorCounts;
import iolab.plot.Plot;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code mvn -pl bench verify}: runs the matrix, one JMH fork per configuration (closed loop
 * first, then the open-loop points at fractions of the throughput it measured), and writes
 * {@code results/<run id>/}.
 */
public final class Experiment {

    /** The client's (benchmark fork's) JVM flags: a fixed heap, so GC behaves alike in every fork. */
    static final List<String> CLIENT_JVM_FLAGS = List.of("-Xms1g", "-Xmx1g");
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    /** What one configuration gave: a score (with the errors it came with, if any), or the reason it has none. */
    record Outcome(Configuration configuration, double score, double error, String errors, String failure) {
        boolean failed() {
            return failure != null;
        }
    }

    private final Matrix matrix;
    private final Path runDir;
    private final String runId;
    private final PrintStream out;
    private final List<Outcome> outcomes = new ArrayList<>();
    private final List<JsonObject> jmhResults = new ArrayList<>();

    private Experiment(Matrix matrix, Path runDir, String runId, PrintStream out) {
        this.matrix = matrix;
        this.runDir = runDir;
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
            Path runDir = run(matrix, results, System.out);
            long scored = Files.exists(runDir.resolve("jmh.json")) ? JsonParser.parseString(Files.readString(runDir.resolve("jmh.json"))).getAsJsonArray().size() : 0;
            System.exit(scored > 0 ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("iolab experiment: " + e);
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
        Experiment experiment = new Experiment(matrix, runDir, runDir.getFileName().toString(), out);
        experiment.runAll();
        pointLatestAt(results, runDir);
        return runDir;
    }

    private void runAll() throws IOException {
        List<Configuration> closed = matrix.closedLoops();
        List<Configuration> planned = new ArrayList<>(closed);
        // Written before the first configuration, so an interrupted run still says where it ran.
        Map<String, Object> environment = Environment.collect(runId, matrix, planned, projectDir());
        writeJson("environment.json", environment);
        out.printf("iolab experiment %s: %d configurations (%s matrix), %s%n", runId, matrix.size(), matrix.name(), Pinning.describe());
        long start = System.nanoTime();
        int done = 0;
        for (Configuration c : closed) {
            Outcome baseline = measure(c, ++done, start);
            for (double fraction : matrix.openFractions(c)) {
                done++;
                if (baseline.failed()) {
                    // No rate to run at; failures.json already names the closed loop, under its own id.
                    out.printf(Locale.ROOT, "       FAILED %s open loop at %.0f%%: not run: its closed loop failed%n", c.id(), fraction * 100);
                    continue;
                }
                Configuration open = new Configuration(c.server(), c.workload(), c.connections(), Math.max(1, Math.round(baseline.score() * fraction)));
                planned.add(open);
                measure(open, done, start);
            }
        }
        Environment.plan(environment, planned); // the open-loop rates are known now
        writeJson("environment.json", environment);
        JsonArray merged = new JsonArray();
        jmhResults.forEach(merged::add);
        Files.writeString(runDir.resolve("jmh.json"), GSON.toJson(merged));
        writeJson("failures.json", outcomes.stream().filter(Outcome::failed)
                .map(o -> Map.of("id", o.configuration().id(), "reason", o.failure())).toList());
        out.printf("%nDone in %s. Results: %s%n%n", minutes(System.nanoTime() - start), runDir);
        Plot.render(runDir, out); // the summary table, then the charts and report
    }

    private Outcome measure(Configuration c, int index, long start) {
        long elapsed = System.nanoTime() - start;
        int total = matrix.size();
        String left = index == 1 ? "" : ", about " + minutes(elapsed / (index - 1) * (total - index + 1)) + " left";
        out.printf("[%2d/%d] %-50s elapsed %s%s%n", index, total, c.describe(), minutes(elapsed), left);
        Path partial = runDir.resolve("logs").resolve(c.id() + ".jmh.json");
        Options options = new OptionsBuilder()
                .include(Pattern.quote((c.workload().protocol().equals("echo") ? EchoBenchmark.class : HttpBenchmark.class).getName()) + "\\.requests$")
                .param("server", c.server().label())
                .param("workload", c.workload().label())
                .param("connections", String.valueOf(c.connections()))
                .param("rate", String.valueOf(c.ratePerSecond()))
                .forks(1)
                .addProfiler(ServerCostProfiler.class)
                .warmupIterations(matrix.warmups()).warmupTime(TimeValue.seconds(1))
                .measurementIterations(matrix.iterations()).measurementTime(TimeValue.seconds(1))
                .timeout(TimeValue.seconds(60))
                .jvmArgs(jvmArgs().toArray(String[]::new))
                .shouldFailOnError(true)
                .output(runDir.resolve("logs").resolve(c.id() + ".jmh.log").toString())
                .result(partial.toString()).resultFormat(ResultFormatType.JSON)
                .build();
        Outcome outcome;
        try {
            Collection<RunResult> results = new Runner(options).run();
            RunResult result = results.iterator().next();
            Result<?> primary = result.getPrimaryResult();
            outcome = new Outcome(c, primary.getScore(), primary.getScoreError(), errorsOf(c), null);
            jmhResults.add(JsonParser.parseString(Files.readString(partial)).getAsJsonArray().get(0).getAsJsonObject());
            Files.delete(partial);
        } catch (RunnerException | IOException | RuntimeException e) {
            outcome = new Outcome(c, 0, 0, null, failureReason(c, e));
        }
        String leftBehind = killLeftovers();
        if (leftBehind != null) {
            outcome = new Outcome(c, 0, 0, null, (outcome.failed() ? outcome.failure() + "; " : "") + leftBehind);
        }
        record(outcome);
        return outcome;
    }

    private void record(Outcome outcome) {
        outcomes.add(outcome);
        if (outcome.failed()) {
            out.printf("       FAILED %s: %s%n", outcome.configuration().id(), outcome.failure());
        } else {
            out.printf(Locale.ROOT, "       %,.0f req/s ± %.1f%%%s%n", outcome.score(), 100 * outcome.error() / outcome.score(),
                    outcome.errors() == null ? "" : ", " + outcome.errors());
        }
    }

    /** "56 errors (56 timeout)" from the configuration's own summary, or null when it had none. */
    private String errorsOf(Configuration c) {
        try {
            ErrorCounts errors = ErrorCounts.of(JsonParser.parseString(Files.readString(runDir.resolve(c.id() + ".json"))).getAsJsonObject());
            return errors.total() == 0 ? null : errors.describe();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private List<String> jvmArgs() {
        List<String> args = new ArrayList<>(CLIENT_JVM_FLAGS);
        args.add("-D" + ServerBenchmark.OUT_PROPERTY + "=" + runDir);
        args.add("-D" + ServerProcess.RUN_PROPERTY + "=" + runId);
        return args;
    }

    /** The benchmark's own message (first exception line of the fork's log), not JMH's wrapper. */
    private String failureReason(Configuration c, Exception e) {
        Path log = runDir.resolve("logs").resolve(c.id() + ".jmh.log");
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
