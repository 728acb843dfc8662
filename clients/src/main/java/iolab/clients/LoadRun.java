package iolab.clients;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * A load applied until it is stopped: its loops run on threads of their own while the
 * caller reads counts and interval histograms. {@link LoadGenerator} times one from the
 * command line; the bench module reads one from inside JMH iterations.
 */
public final class LoadRun implements AutoCloseable {

    /** Latency is recorded in nanoseconds with three significant digits. */
    public static final int SIGNIFICANT_DIGITS = 3;

    /**
     * What the loops record into, shared by them all (a {@link Recorder} takes values from many threads).
     *
     * @param latency  every answered request's latency, and the censored values
     * @param censored the censored values alone: requests given up unanswered, at the wait they had (a lower bound)
     */
    record Recorders(
            Recorder latency,
            Recorder censored,
            Recorder sendLag,
            Recorder serviceTime,
            Recorder connectTime,
            Recorder handshakeTime) {

        static Recorders create() {
            return new Recorders(
                    new Recorder(SIGNIFICANT_DIGITS),
                    new Recorder(SIGNIFICANT_DIGITS),
                    new Recorder(SIGNIFICANT_DIGITS),
                    new Recorder(SIGNIFICANT_DIGITS),
                    new Recorder(SIGNIFICANT_DIGITS),
                    new Recorder(SIGNIFICANT_DIGITS));
        }

        void reset() {
            latency.reset();
            censored.reset();
            sendLag.reset();
            serviceTime.reset();
            connectTime.reset();
            handshakeTime.reset();
        }
    }

    private final LoadSettings settings;
    private final Recorders recorders = Recorders.create();
    private final List<ClientLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean stopped;
    private boolean recordingStarted;

    private LoadRun(LoadSettings settings) {
        this.settings = settings;
        this.recordingStarted = settings.warmup().isZero();
    }

    /**
     * Opens the connections, and once they are up starts sending (see {@link #awaitConnected()}).
     * Nothing is recorded until {@link #startRecording()}, unless the settings have no warm-up.
     */
    public static LoadRun start(LoadSettings settings) throws IOException {
        return start(settings, Long.MIN_VALUE);
    }

    /**
     * The same, with the load starting no sooner than {@code notBeforeNanos} ({@link System#nanoTime()}) even when the
     * connections are up before: hosts that share a load start it at one instant.
     */
    public static LoadRun start(LoadSettings settings, long notBeforeNanos) throws IOException {
        LoadRun run = new LoadRun(settings);
        long startNanos = System.nanoTime();
        int first = 0;
        try {
            for (int i = 0; i < settings.threads(); i++) {
                int count = settings.connections() / settings.threads()
                        + (i < settings.connections() % settings.threads() ? 1 : 0);
                ClientLoop loop = new ClientLoop(settings, run.recorders, count, first, startNanos);
                loop.startNotBeforeNanos = notBeforeNanos;
                first += count;
                run.loops.add(loop);
                run.threads.add(Thread.ofPlatform().name("client-loop-" + i).start(loop));
            }
        } catch (IOException | RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    /**
     * Waits for the connect phase: until every connection has connected or failed once (nothing is
     * sent before), or the connect timeout has passed. The load, and the open loop's schedule,
     * start when it ends.
     */
    public void awaitConnected() throws InterruptedException {
        for (ClientLoop loop : loops) {
            loop.connectPhaseDone.await();
        }
    }

    public LoadSettings settings() {
        return settings;
    }

    /**
     * Ends the warm-up: from now on responses are recorded (in the open loop, those of slots from now on). Once only,
     * and not at all without a warm-up (then everything is recorded from the start): a second start would drop from the
     * record the requests it has already counted as issued, and the account would no longer balance.
     */
    public synchronized void startRecording() {
        if (recordingStarted) {
            return;
        }
        recordingStarted = true;
        // Drop what came before the switch first: a response recorded after it must stay in the histogram it is counted
        // for.
        recorders.reset();
        long now = System.nanoTime();
        loops.forEach(loop -> loop.startRecording(now));
    }

    /** The latencies recorded since the previous call (nanoseconds), reusing {@code recycle} when given. */
    public Histogram intervalHistogram(Histogram recycle) {
        return recorders.latency().getIntervalHistogram(recycle);
    }

    /**
     * The censored values recorded since the previous call (nanoseconds): requests given up unanswered, at the wait
     * they had; they are in {@link #intervalHistogram} too. In the closed loop they are recorded when the load stops.
     */
    public Histogram censored() {
        return recorders.censored().getIntervalHistogram();
    }

    /** How the measured window's responses were shared among the connections; once the load has stopped. */
    public ConnectionShares connections() {
        requireStopped();
        return ConnectionShares.of(responsesPerConnection());
    }

    private long[] responsesPerConnection() {
        return loops.stream().map(ClientLoop::responsesPerConnection).flatMapToLong(java.util.Arrays::stream).toArray();
    }

    /** Writes of requests: a pipelined batch is one; once the load has stopped. */
    public long writes() {
        requireStopped();
        return sum(loop -> loop.writes.get());
    }

    private void requireStopped() {
        if (!stopped) {
            throw new IllegalStateException("the load is still running");
        }
    }

    /**
     * Open loop: the client's own lateness since recording started (or the previous call), in
     * nanoseconds: how long after its slot had come, and its connection was free to send it, each
     * request really went out. Server latency cannot cause it; a stalled client (GC, JIT, a lost
     * core) can, and then the latency it reports is partly its own. Empty in the closed loop,
     * where a request is sent when it is sent.
     */
    public Histogram sendLag() {
        return recorders.sendLag().getIntervalHistogram();
    }

    /**
     * Open loop: the service time since recording started (or the previous call), in nanoseconds:
     * from each request's actual send to its response, without the wait before it was sent that
     * the corrected latency counts (wrk2's uncorrected latency, {@code -U}). Empty in the closed loop.
     */
    public Histogram serviceTime() {
        return recorders.serviceTime().getIntervalHistogram();
    }

    /**
     * How long the connects since recording started (or the previous call) took, in nanoseconds,
     * from the connect's start to the connection established. With a new connection per request
     * this is where a full listen queue shows: a SYN the kernel dropped is sent again after 1 s,
     * then 3 s.
     */
    public Histogram connectTime() {
        return recorders.connectTime().getIntervalHistogram();
    }

    /**
     * The load's result once it has stopped: {@code requests} responses in {@code seconds} with {@code latency}, the
     * rest (censored waits, connections, errors, statuses, send lag, service time, bytes) as this run counted it.
     */
    public LoadResult result(long requests, double seconds, Histogram latency, LoadResult.Handshakes handshakes) {
        return new LoadResult(settings, requests, seconds, latency, censored(), connections(), errors(), statuses(),
                sendLag(), serviceTime(), bytesRead(), badResponse(), handshakes);
    }

    /** HTTPS: the handshakes since recording started (or the previous call); null for plain TCP. */
    public LoadResult.Handshakes handshakes() {
        if (settings.tls() == null) {
            return null;
        }
        return new LoadResult.Handshakes(sum(loop -> loop.handshakes.get()), sum(loop -> loop.resumedHandshakes.get()),
                recorders.handshakeTime().getIntervalHistogram());
    }

    /** Where every request went; once the load has stopped. */
    public RequestAccount account() {
        requireStopped();
        Map<ErrorKind, Long> errors = errors();
        return new RequestAccount(sum(loop -> loop.issued.get()), completed(), sum(loop -> loop.failedRequests.get()),
                errors.get(ErrorKind.UNANSWERED), errors.get(ErrorKind.UNSENT));
    }

    /** Responses recorded so far. */
    public long completed() {
        return sum(loop -> loop.requests.get());
    }

    /** Bytes of responses read since recording started. */
    public long bytesRead() {
        return sum(loop -> loop.bytesRead.get());
    }

    /** Why the first bad response was bad, or null when none was. */
    public String badResponse() {
        return loops.stream().map(loop -> loop.badResponse).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Responses so far, the unrecorded warm-up's included: the pace a caller can wait on. */
    public long answered() {
        return sum(loop -> loop.answered.get());
    }

    public Map<ErrorKind, Long> errors() {
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, sum(loop -> loop.errors.get(kind.ordinal())));
        }
        return errors;
    }

    /** All errors, without building the map: the benchmark polls this a thousand times a second. */
    public long errorCount() {
        return sum(loop -> {
            long count = 0;
            for (int kind = 0; kind < loop.errors.length(); kind++) {
                count += loop.errors.get(kind);
            }
            return count;
        });
    }

    private long sum(ToLongFunction<ClientLoop> count) {
        long sum = 0;
        for (ClientLoop loop : loops) {
            sum += count.applyAsLong(loop);
        }
        return sum;
    }

    public Map<Integer, Long> statuses() {
        Map<Integer, Long> statuses = new TreeMap<>();
        for (ClientLoop loop : loops) {
            for (int status = 0; status < loop.statuses.length(); status++) {
                long count = loop.statuses.get(status);
                if (count > 0) {
                    statuses.merge(status, count, Long::sum);
                }
            }
        }
        return statuses;
    }

    /** Sends no more requests, awaits the responses still due (up to the timeout), and ends the loops. */
    public void stop() throws InterruptedException {
        stop(settings.timeout());
    }

    /**
     * Sends no more requests, awaits the responses still due for up to {@code drain}, and ends the
     * loops. Requests still awaited then are counted as {@link ErrorKind#UNANSWERED}, open-loop slots
     * never sent as {@link ErrorKind#UNSENT}: counted, never dropped.
     */
    public void stop(Duration drain) throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        loops.forEach(loop -> loop.stop(drain.toNanos()));
        for (Thread thread : threads) {
            thread.join();
        }
        if (!settings.openLoop()) {
            // The pace of a served connection: the window over the responses each served connection had.
            long[] counts = responsesPerConnection();
            ConnectionShares shares = ConnectionShares.of(counts);
            long responses = java.util.Arrays.stream(counts).sum();
            long window = loops.isEmpty() ? 0 : loops.get(0).windowNanos();
            long pace = responses == 0 ? 0 : Math.max(1, window * shares.served() / responses);
            loops.forEach(loop -> loop.recordBlocked(pace));
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
