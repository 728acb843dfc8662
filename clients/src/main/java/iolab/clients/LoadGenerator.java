package iolab.clients;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Runs a load: starts the loops, lets the warm-up pass unrecorded, then takes one interval
 * histogram a second from the shared {@link Recorder} (a progress line, and a line of the
 * {@code .hlog}) until the duration is up, and merges everything into a {@link LoadResult}.
 */
public final class LoadGenerator {

    /** Latency is recorded in nanoseconds with three significant digits. */
    public static final int SIGNIFICANT_DIGITS = 3;
    private static final long TICK_NANOS = 1_000_000_000L;

    private LoadGenerator() {
    }

    /**
     * @param progress receives one line a second (null: none)
     * @param hlog     where to write the interval log (null: none)
     */
    public static LoadResult run(LoadSettings settings, Consumer<String> progress, Path hlog)
            throws IOException, InterruptedException {
        Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
        long startNanos = System.nanoTime();
        List<ClientLoop> loops = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < settings.threads(); i++) {
            int count = settings.connections() / settings.threads() + (i < settings.connections() % settings.threads() ? 1 : 0);
            ClientLoop loop = new ClientLoop(settings, recorder, count, first, startNanos);
            first += count;
            loops.add(loop);
            threads.add(Thread.ofPlatform().name("client-loop-" + i).start(loop));
        }
        PrintStream hlogOut = hlog == null ? null : new PrintStream(Files.newOutputStream(hlog), false);
        try {
            sleepUntil(startNanos + settings.warmup().toNanos());
            long measureStartNanos = System.nanoTime();
            if (settings.warmup().isPositive()) {
                loops.forEach(loop -> loop.startRecording(measureStartNanos));
            } // without a warm-up the loops record from their first request
            long measureStartMillis = System.currentTimeMillis();
            recorder.getIntervalHistogram(); // drop anything recorded before the switch
            HistogramLogWriter log = null;
            if (hlogOut != null) {
                log = new HistogramLogWriter(hlogOut);
                log.outputComment("iolab load: " + settings.workload().describe() + " on " + settings.target()
                        + (settings.openLoop() ? ", open loop at " + settings.ratePerSecond() + " req/s" : ", closed loop")
                        + ", " + settings.connections() + " connections; values in nanoseconds");
                log.outputLogFormatVersion();
                log.setBaseTime(measureStartMillis);
                log.outputBaseTime(measureStartMillis);
                log.outputStartTime(measureStartMillis);
                log.outputLegend();
            }
            Histogram total = new Histogram(SIGNIFICANT_DIGITS);
            Histogram interval = null;
            long endNanos = measureStartNanos + settings.duration().toNanos();
            long previousRequests = 0;
            long previousErrors = 0;
            long previousTickNanos = measureStartNanos;
            for (long tick = measureStartNanos + TICK_NANOS; ; tick += TICK_NANOS) {
                boolean last = tick >= endNanos;
                sleepUntil(Math.min(tick, endNanos));
                if (last) {
                    // The responses still due are awaited and belong to the last interval.
                    loops.forEach(ClientLoop::stop);
                    for (Thread thread : threads) {
                        thread.join();
                    }
                }
                interval = recorder.getIntervalHistogram(interval);
                total.add(interval);
                if (log != null) {
                    log.outputIntervalHistogram(interval);
                }
                long requests = sum(loops, true);
                long errors = sum(loops, false);
                long nowNanos = System.nanoTime();
                if (progress != null) {
                    progress.accept(String.format("%6.1fs %10.0f req/s   p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms   errors %d",
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
            double durationSeconds = settings.duration().toNanos() / 1e9;
            return new LoadResult(settings, sum(loops, true), durationSeconds, total, errors(loops), statuses(loops));
        } finally {
            loops.forEach(ClientLoop::stop);
            if (hlogOut != null) {
                hlogOut.close();
            }
        }
    }

    private static long sum(List<ClientLoop> loops, boolean requests) {
        long sum = 0;
        for (ClientLoop loop : loops) {
            if (requests) {
                sum += loop.requests.get();
            } else {
                for (int i = 0; i < loop.errors.length(); i++) {
                    sum += loop.errors.get(i);
                }
            }
        }
        return sum;
    }

    private static Map<ErrorKind, Long> errors(List<ClientLoop> loops) {
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            long count = 0;
            for (ClientLoop loop : loops) {
                count += loop.errors.get(kind.ordinal());
            }
            errors.put(kind, count);
        }
        return errors;
    }

    private static Map<Integer, Long> statuses(List<ClientLoop> loops) {
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

    private static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
