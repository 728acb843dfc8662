package iolab.bench;

import iolab.servers.ServerVariant;
import iolab.clients.Intervals;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One server under one load, measured by JMH: one benchmark for every protocol, the workload names which. Run by hand
 * it measures nio on {@code plaintext} unless {@code -p server=...} and {@code -p workload=...} name others
 * ({@link ServerVariant} and {@link Workload} list them). The server runs in a JVM of its own: the experiment's, kept
 * warm across rounds ({@link #address}), or, run by hand, one this trial starts. Everything the experiment tells a
 * trial is a {@code @Param}, and everything a trial tells the experiment beside its score is a secondary result
 * ({@link TrialFigures}). The load generator runs here: its connections are made first (a phase of their own), then the
 * load runs without pause from the first warm-up iteration to the end of the trial; each invocation of
 * {@link #requests} waits for the next {@value #BATCH} responses, so JMH's score is responses per second. Latency is
 * recorded from the first measurement iteration on (the warm-up's into a histogram that is thrown away).
 *
 * <p>Errors (a reset, a timeout, a wrong byte, a status >= 400) are counted by kind for the requests whose send time
 * (intended, in the open loop) falls in the measurement, like their latency; a request still unanswered when the trial
 * ends, and an open-loop slot never sent, are counted whenever they were sent or due, since they waited through the
 * measurement. All are kept beside the throughput and latency they came with ({@code <configuration>.json}, and by kind
 * in {@link TrialFigures}): a server that drops requests under load is a result, often the very one the lab exists to
 * show, not a reason to blank it. Only a server that stops answering altogether ({@value #STALL_SECONDS} s without a
 * response) fails the trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
// JMH reads field offsets through sun.misc.Unsafe, which JDK 24+ warns about four times per fork; JDK 21 does not know
// the flag that allows it quietly, hence the ignore.
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+IgnoreUnrecognizedVMOptions", "--sun-misc-unsafe-memory-access=allow"
        })
@State(Scope.Benchmark)
public class ServerBenchmark {

    /** Responses per invocation; the score counts each invocation as this many operations. */
    static final int BATCH = 50;
    private static final long POLL_NANOS = 1_000_000;
    static final int STALL_SECONDS = 10;
    /** How long the end of a trial waits for the responses still due, unless {@link #drainMillis} says otherwise. */
    static final String DRAIN_MILLIS = "1000";
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(STALL_SECONDS);

    /** A {@link ServerVariant}'s label. */
    @Param("nio")
    public String server;

    /** A {@link Workload}'s label: HTTP ({@code plaintext}, ...) or echo ({@code echo-64}, ...). */
    @Param("plaintext")
    public String workload;

    @Param({"10", "100", "1000"})
    public int connections;

    /** Requests per second for an open loop; 0 for a closed loop. */
    @Param({"0"})
    public long rate;

    /** The server the experiment keeps running across rounds, and its process; empty: the trial starts its own. */
    @Param("")
    public String address;

    @Param("0")
    public long pid;

    /** Where the trial writes its files; the experiment names its results folder. */
    @Param("results/standalone")
    public String out;

    /**
     * The trial's name within its configuration ({@code r3}): its files are {@code <id>.r3.*}; empty: {@code <id>.*}.
     */
    @Param("")
    public String trial;

    /**
     * How long the end of a trial waits for the responses still due, in ms: a capacity probe waits less (a response
     * still due that late has failed its goal anyway).
     */
    @Param(DRAIN_MILLIS)
    public long drainMillis;

    private Configuration configuration;
    private Path dir;
    private String files;
    /** Run by hand: the server this trial started; null when the experiment's runs on. */
    private ServerProcess ownServer;
    private long serverPid;
    private LoadRun run;
    private CostSampler sampler;
    private PrintStream hlogOut;
    private HistogramLogWriter hlog;
    private final Histogram measured = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
    private Histogram interval;
    private boolean recording;
    private long recordingStartNanos;
    private long target;
    private double connectSeconds;
    private TrialFigures figures;
    private int iterations;
    private boolean measuring;

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) throws IOException, InterruptedException {
        configuration = new Configuration(ServerVariant.named(server), Workload.named(workload), connections, rate);
        dir = Path.of(out);
        Files.createDirectories(dir);
        files = configuration.id() + (trial.isEmpty() ? "" : "." + trial);
        String serverAddress = address;
        if (!serverAddress.isEmpty()) {
            serverPid = pid;
        } else {
            Files.createDirectories(dir.resolve("logs"));
            ownServer = ServerProcess.start(configuration.serverArguments(ServerRoot.create()), "standalone",
                    dir.resolve("logs").resolve(files + ".server.log"));
            serverAddress = ownServer.address();
            serverPid = ownServer.pid();
            Pinning.pinSelfToClientCore(); // a fork of its own, run by hand; the experiment pins itself
        }
        // The warm-up is never zero here: that keeps the generator from recording before the first measurement
        // iteration.
        Duration warmup = Duration.ofMillis(Math.max(
                1, params.getWarmup().getCount() * params.getWarmup().getTime().convertTo(TimeUnit.MILLISECONDS)));
        Duration measurement = Duration.ofMillis(params.getMeasurement().getCount()
                * params.getMeasurement().getTime().convertTo(TimeUnit.MILLISECONDS));
        LoadSettings settings = configuration.loadSettings(Target.parse(serverAddress), warmup, measurement);
        long connectStartNanos = System.nanoTime();
        run = LoadRun.start(settings);
        run.awaitConnected(); // connecting is a phase of its own: the warm-up starts with the load
        connectSeconds = (System.nanoTime() - connectStartNanos) / 1e9;
        sampler = new CostSampler(serverPid, run::answered, dir.resolve(files + ".server.csv"));
        hlogOut = new PrintStream(Files.newOutputStream(dir.resolve(files + ".hlog")), false, StandardCharsets.UTF_8);
        hlog = Intervals.startLog(hlogOut, settings);
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        iterations = iteration.getCount();
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
    public void requests(TrialFigures figures) {
        this.figures = figures;
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
                        + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s"
                        + (ProcessHandle.of(serverPid)
                                        .map(ProcessHandle::isAlive)
                                        .orElse(false)
                                ? ""
                                : "; the server has exited"));
            }
        }
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        if (measuring) {
            figures.iteration(sampler.iterationCost(), iterations);
        }
        if (recording) {
            interval = run.intervalHistogram(interval);
            measured.add(interval);
            hlog.outputIntervalHistogram(interval);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException, InterruptedException {
        try {
            double seconds = (System.nanoTime() - recordingStartNanos) / 1e9;
            run.stop(Duration.ofMillis(drainMillis)); // what is still awaited after it is counted as unanswered
            long completed = run.completed(); // recorded ones: those of the measurement iterations
            interval = run.intervalHistogram(interval);
            measured.add(interval);
            // The drain's responses, and in the closed loop the censored requests: the last, short interval of the log.
            hlog.outputIntervalHistogram(interval);
            LoadResult result = run.result(completed, seconds, measured, null);
            figures.trial(connectSeconds, result.errors());
            Report.writeTrialFiles(result, dir, files);
        } finally {
            run.close();
            hlogOut.close();
            sampler.close();
            if (ownServer != null) {
                ownServer.close();
            }
        }
    }
}
