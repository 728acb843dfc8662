package iolab.bench;

import iolab.servers.ServerVariant;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One server under one load, measured by JMH: one benchmark for every protocol, the workload names which. Run by
 * hand it measures nio on {@code plaintext} unless {@code -p server=...} and {@code -p workload=...} name others
 * ({@link ServerVariant} and {@link Workload} list them). The server runs in a JVM of its own: the
 * experiment's, kept warm across rounds ({@value #ADDRESS_PROPERTY}), or, run by hand, one
 * this trial starts. The load generator runs here: its connections are made first (a phase of
 * their own), then the load runs without pause from the first warm-up iteration to the end of
 * the trial; each invocation of {@link #requests} waits for the next {@value #BATCH} responses,
 * so JMH's score is responses per second. Latency is recorded from the first measurement
 * iteration on (the warm-up's into a histogram that is thrown away).
 *
 * <p>Errors (a reset, a timeout, a wrong byte, a status >= 400) are counted by kind for the
 * requests whose send time (intended, in the open loop) falls in the measurement, like their
 * latency; a request still unanswered when the trial ends, and an open-loop slot never sent, are
 * counted whenever they were sent or due, since they waited through the measurement. All are kept
 * beside the throughput and latency they came with ({@code <configuration>.json}): a server that
 * drops requests under load is a result, often the very one the lab exists to show, not a
 * reason to blank it. Only a server that stops answering altogether ({@value #STALL_SECONDS} s
 * without a response) fails the trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 8, time = 1)
// JMH reads field offsets through sun.misc.Unsafe, which JDK 24+ warns about four times per fork; JDK 21 does not know
// the flag that allows it quietly, hence the ignore.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+IgnoreUnrecognizedVMOptions", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Benchmark)
public class ServerBenchmark {

    /** Responses per invocation; the score counts each invocation as this many operations. */
    static final int BATCH = 50;
    /** Where the benchmark writes its files; the experiment sets it to its results folder. */
    public static final String OUT_PROPERTY = "iolab.out";
    private static final long POLL_NANOS = 1_000_000;
    static final int STALL_SECONDS = 10;
    /** How long the end of a trial waits for the responses still due. */
    static final Duration DRAIN = Duration.ofSeconds(1);
    /** Set by the experiment for a capacity probe: a shorter drain, in ms (a response still due that late has failed its goal anyway). */
    public static final String DRAIN_PROPERTY = "iolab.drain.millis";
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

    /** Set by the experiment: the server it keeps running across rounds. Without them the trial starts its own. */
    public static final String ADDRESS_PROPERTY = "iolab.server.address";
    public static final String PID_PROPERTY = "iolab.server.pid";
    /** Set by the experiment: the trial's name within its configuration ({@code r3}); its files are {@code <id>.r3.*}. */
    public static final String TRIAL_PROPERTY = "iolab.trial";

    private Configuration configuration;
    private Path out;
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

    @Setup(Level.Trial)
    public void start(BenchmarkParams params) throws IOException, InterruptedException {
        configuration = new Configuration(ServerVariant.named(server), Workload.named(workload), connections, rate);
        out = Path.of(System.getProperty(OUT_PROPERTY, "results/standalone"));
        Files.createDirectories(out);
        String trial = System.getProperty(TRIAL_PROPERTY);
        files = configuration.id() + (trial == null ? "" : "." + trial);
        String address = System.getProperty(ADDRESS_PROPERTY);
        if (address != null) {
            serverPid = Long.parseLong(System.getProperty(PID_PROPERTY));
        } else {
            Files.createDirectories(out.resolve("logs"));
            String tag = System.getProperty(ServerProcess.RUN_PROPERTY, "standalone");
            ownServer = ServerProcess.start(configuration.serverArguments(ServerRoot.create()), tag,
                    out.resolve("logs").resolve(files + ".server.log"));
            address = ownServer.address();
            serverPid = ownServer.pid();
            Pinning.pinSelfToClientCore(); // a fork of its own, run by hand; the experiment pins itself
        }
        // The warm-up is never zero here: that keeps the generator from recording before the first measurement iteration.
        Duration warmup = Duration.ofMillis(Math.max(1, params.getWarmup().getCount() * params.getWarmup().getTime().convertTo(TimeUnit.MILLISECONDS)));
        Duration measurement = Duration.ofMillis(params.getMeasurement().getCount() * params.getMeasurement().getTime().convertTo(TimeUnit.MILLISECONDS));
        LoadSettings settings = configuration.loadSettings(Target.parse(address), warmup, measurement);
        long connectStartNanos = System.nanoTime();
        run = LoadRun.start(settings);
        run.awaitConnected(); // connecting is a phase of its own: the warm-up starts with the load
        sampler = new CostSampler(serverPid, run::answered, out.resolve(files + ".server.csv"), (System.nanoTime() - connectStartNanos) / 1e9);
        hlogOut = new PrintStream(Files.newOutputStream(out.resolve(files + ".hlog")), false, StandardCharsets.UTF_8);
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
                        + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s"
                        + (ProcessHandle.of(serverPid).map(ProcessHandle::isAlive).orElse(false) ? "" : "; the server has exited"));
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
            String drain = System.getProperty(DRAIN_PROPERTY);
            run.stop(drain == null ? DRAIN : Duration.ofMillis(Long.parseLong(drain))); // what is still awaited after it is counted as unanswered
            long completed = run.completed(); // recorded ones: those of the measurement iterations
            interval = run.intervalHistogram(interval);
            measured.add(interval);
            // The drain's responses, and in the closed loop the censored requests: the last, short interval of the log.
            hlog.outputIntervalHistogram(interval);
            LoadResult result = new LoadResult(run.settings(), completed, seconds, measured, run.censored(), run.connections(), run.errors(),
                    run.statuses(), run.sendLag(), run.serviceTime(), run.bytesRead(), run.badResponse(), null);
            Report.writeJson(result, out.resolve(files + ".json"));
            Report.writePercentiles(result, out.resolve(files + ".hgrm"));
            // In every configuration's files, empty in the closed loop: how late the client itself sent.
            try (PrintStream lag = new PrintStream(Files.newOutputStream(out.resolve(files + ".sendlag.hlog")), false, StandardCharsets.UTF_8);
                 PrintStream service = new PrintStream(Files.newOutputStream(out.resolve(files + ".service.hlog")), false, StandardCharsets.UTF_8);
                 PrintStream censored = new PrintStream(Files.newOutputStream(out.resolve(files + ".censored.hlog")), false, StandardCharsets.UTF_8)) {
                LoadGenerator.startLog(lag, run.settings()).outputIntervalHistogram(result.sendLagNanos());
                LoadGenerator.startLog(service, run.settings()).outputIntervalHistogram(result.serviceTimeNanos());
                // The requests never answered, at their wait: the lower bounds among the latencies of the .hlog.
                LoadGenerator.startLog(censored, run.settings()).outputIntervalHistogram(result.censoredNanos());
            }
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
