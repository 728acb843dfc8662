package iolab.bench;

import iolab.clients.LoadGenerator;
import iolab.clients.LoadResult;
import iolab.clients.LoadRun;
import iolab.clients.LoadSettings;
import iolab.clients.Report;
import iolab.clients.Target;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One server under one load, measured by JMH: the trial starts the server in a JVM of its
 * own and the load generator here; each invocation of {@link #requests} waits for the next
 * {@value #BATCH} responses, so JMH's score is responses per second. The load runs without
 * pause from the first warm-up iteration to the end of the trial; latency is recorded from
 * the first measurement iteration on.
 *
 * <p>Errors (a reset, a timeout, a wrong byte, a status >= 400) are counted by kind from the
 * first measurement iteration on and kept beside the throughput and latency they came with
 * ({@code <configuration>.json}): a server that drops requests under load is a result, often
 * the very one the lab exists to show, not a reason to blank it. Only a server that stops
 * answering altogether ({@value #STALL_SECONDS} s without a response) fails the configuration.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public abstract class ServerBenchmark {

    /** Responses per invocation; the score counts each invocation as this many operations. */
    static final int BATCH = 50;
    /** Where the benchmark writes its files; the experiment sets it to its results folder. */
    public static final String OUT_PROPERTY = "iolab.out";
    private static final long POLL_NANOS = 1_000_000;
    static final int STALL_SECONDS = 10;
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(STALL_SECONDS);

    @Param({"10", "100", "1000"})
    public int connections;

    /** Requests per second for an open loop; 0 for a closed loop. */
    @Param({"0"})
    public long rate;

    private Configuration configuration;
    private Path out;
    private Path root;
    private ServerProcess server;
    private LoadRun run;
    private CostSampler sampler;
    private PrintStream hlogOut;
    private HistogramLogWriter hlog;
    private final Histogram measured = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
    private Histogram interval;
    private boolean recording;
    private long recordingStartNanos;
    private long target;

    protected abstract String server();

    protected abstract String workload();

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) throws IOException, InterruptedException {
        configuration = new Configuration(ServerKind.named(server()), Workload.named(workload()), connections, rate);
        out = Path.of(System.getProperty(OUT_PROPERTY, "results/standalone"));
        Files.createDirectories(out.resolve("logs"));
        root = Files.createTempDirectory("iolab-root");
        Path createdRoot = root;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(createdRoot))); // also when the trial fails
        if (configuration.workload().needsFile()) {
            byte[] file = new byte[Workload.FILE_BYTES];
            new Random(1).nextBytes(file);
            Files.write(root.resolve(Workload.FILE_NAME), file);
        }
        String tag = System.getProperty(ServerProcess.RUN_PROPERTY, "standalone");
        server = ServerProcess.start(configuration.serverArguments(root), tag, out.resolve("logs").resolve(configuration.id() + ".server.log"));
        Pinning.pinSelfToClientCore();
        // The warm-up is never zero here: that keeps the generator from recording before the first measurement iteration.
        Duration warmup = Duration.ofMillis(Math.max(1, params.getWarmup().getCount() * params.getWarmup().getTime().convertTo(TimeUnit.MILLISECONDS)));
        Duration measurement = Duration.ofMillis(params.getMeasurement().getCount() * params.getMeasurement().getTime().convertTo(TimeUnit.MILLISECONDS));
        LoadSettings settings = configuration.loadSettings(Target.parse(server.address()), warmup, measurement);
        run = LoadRun.start(settings);
        sampler = new CostSampler(server.pid(), run::answered, out.resolve(configuration.id() + ".server.csv"));
        hlogOut = new PrintStream(Files.newOutputStream(out.resolve(configuration.id() + ".hlog")), false, StandardCharsets.UTF_8);
        hlog = LoadGenerator.startLog(hlogOut, settings);
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        boolean measuring = iteration.getType() == IterationType.MEASUREMENT;
        if (measuring && !recording) {
            run.startRecording();
            recording = true;
            recordingStartNanos = System.nanoTime();
        }
        sampler.startIteration(measuring ? "measurement" : "warmup");
        target = run.answered();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void requests() {
        target += BATCH;
        long seen = run.answered();
        long progressNanos = System.nanoTime();
        while (seen < target) {
            LockSupport.parkNanos(POLL_NANOS);
            long now = run.answered();
            if (now != seen) {
                seen = now;
                progressNanos = System.nanoTime();
            } else if (System.nanoTime() - progressNanos > STALL_NANOS) {
                throw new IllegalStateException(configuration.describe() + ": no response for "
                        + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s" + (server.isAlive() ? "" : "; the server has exited"));
            }
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (recording) {
            interval = run.intervalHistogram(interval);
            measured.add(interval);
            hlog.outputIntervalHistogram(interval);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        sampler.endMeasurement();
        try {
            double seconds = (System.nanoTime() - recordingStartNanos) / 1e9;
            run.stop();
            long completed = run.completed(); // recorded ones: those of the measurement iterations
            measured.add(run.intervalHistogram(interval));
            LoadResult result = new LoadResult(run.settings(), completed, seconds, measured, run.errors(), run.statuses(), run.sendLag());
            Report.writeJson(result, out.resolve(configuration.id() + ".json"));
            Report.writePercentiles(result, out.resolve(configuration.id() + ".hgrm"));
            if (run.settings().openLoop()) {
                Report.writePercentiles(result.sendLagNanos(), out.resolve(configuration.id() + ".sendlag.hgrm"));
            }
        } finally {
            run.close();
            hlogOut.close();
            sampler.close();
            server.close();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder; nothing else depends on it
        }
    }
}
