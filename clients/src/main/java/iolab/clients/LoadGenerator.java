package iolab.clients;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Runs a load for a set time: lets the warm-up pass unrecorded, then takes one interval
 * histogram a second (a progress line, and a line of the {@code .hlog}) until the duration
 * is up, and merges everything into a {@link LoadResult}.
 */
public final class LoadGenerator {

    /** Later than this after the agreed instant, a start is reported late. */
    private static final long LATE_NANOS = 100_000_000L;

    private LoadGenerator() {
    }

    /**
     * @param progress receives one line a second (null: none)
     * @param hlog     where to write the interval log (null: none)
     */
    public static LoadResult run(LoadSettings settings, Consumer<String> progress, Path hlog)
            throws IOException, InterruptedException {
        return run(settings, progress, hlog, Long.MIN_VALUE);
    }

    /**
     * The same, the load (its warm-up first) starting no sooner than {@code startAtNanos} ({@link System#nanoTime()}):
     * load hosts sharing one schedule start it at one instant; one whose connections took longer starts late, and says
     * so on {@code progress}.
     */
    public static LoadResult run(LoadSettings settings, Consumer<String> progress, Path hlog, long startAtNanos)
            throws IOException, InterruptedException {
        try (LoadRun run = LoadRun.start(settings, startAtNanos);
             PrintStream hlogOut = hlog == null ? null : new PrintStream(Files.newOutputStream(hlog), false)) {
            run.awaitConnected(); // the warm-up starts with the load, once the connections are up
            long lateNanos = System.nanoTime() - startAtNanos;
            if (startAtNanos != Long.MIN_VALUE && lateNanos > LATE_NANOS && progress != null) {
                progress.accept(String.format(
                        "started %d ms after the agreed instant: the connections took that much longer",
                        lateNanos / 1_000_000));
            }
            Intervals.sleepUntil(System.nanoTime() + settings.warmup().toNanos());
            long measureStartNanos = System.nanoTime();
            if (settings.warmup().isPositive()) {
                run.startRecording();
            } // without a warm-up the loops record from their first request
            HistogramLogWriter log = hlogOut == null ? null : Intervals.startLog(hlogOut, settings);
            Histogram total = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
            Histogram interval = null;
            long endNanos = measureStartNanos + settings.duration().toNanos();
            long previousRequests = 0;
            long previousErrors = 0;
            long previousTickNanos = measureStartNanos;
            for (long tick = measureStartNanos + Intervals.TICK_NANOS; ; tick += Intervals.TICK_NANOS) {
                boolean last = tick >= endNanos;
                Intervals.sleepUntil(Math.min(tick, endNanos));
                interval = recorded(run.intervalHistogram(interval), total, log);
                if (last) {
                    // The responses still due are awaited: an interval of their own, as the experiment's trials log
                    // them, so that the last second of the schedule is judged on what was sent in it alone.
                    run.stop();
                    interval = recorded(run.intervalHistogram(interval), total, log);
                }
                long requests = run.completed();
                long errors = run.errorCount();
                long nowNanos = System.nanoTime();
                if (progress != null) {
                    progress.accept(String.format(
                            "%6.1fs %10.0f req/s   p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   errors %d",
                            (nowNanos - measureStartNanos) / 1e9,
                            (requests - previousRequests) / ((nowNanos - previousTickNanos) / 1e9),
                            interval.getValueAtPercentile(50) / 1e6, interval.getValueAtPercentile(99) / 1e6,
                            interval.getMaxValue() / 1e6, errors - previousErrors));
                }
                previousTickNanos = nowNanos;
                previousRequests = requests;
                previousErrors = errors;
                if (last) {
                    break;
                }
            }
            return run.result(run.completed(), settings.duration().toNanos() / 1e9, total, run.handshakes());
        }
    }

    /** {@code interval} added to the run's total and written to its log (where there is one). */
    private static Histogram recorded(Histogram interval, Histogram total, HistogramLogWriter log) {
        total.add(interval);
        if (log != null) {
            log.outputIntervalHistogram(interval);
        }
        return interval;
    }
}
