package iolab.clients;


import org.HdrHistogram.HistogramLogWriter;

import java.io.PrintStream;

/**
 * The once-a-second cadence that every load keeps, TCP ({@link LoadGenerator}) and UDP
 * ({@link iolab.clients.udp.DatagramLoad}) alike: the tick, sleeping until it comes, and the HdrHistogram interval
 * log written at each, whose header says what load it records.
 */
public final class Intervals {

    public static final long TICK_NANOS = 1_000_000_000L;

    private Intervals() {
    }

    /** An interval log with its header written: format version, base and start time, legend. */
    public static HistogramLogWriter startLog(PrintStream out, LoadSettings settings) {
        return startLog(
                out,
                settings.workload().describe() + " on " + settings.target()
                        + (settings.openLoop()
                                ? ", open loop at " + settings.ratePerSecond() + " req/s"
                                        + (settings.poisson() ? " (Poisson arrivals)" : "")
                                : ", closed loop")
                        + ", " + settings.connections() + " connections");
    }

    /** An interval log whose header describes the load as {@code load}. */
    public static HistogramLogWriter startLog(PrintStream out, String load) {
        long nowMillis = System.currentTimeMillis();
        HistogramLogWriter log = new HistogramLogWriter(out);
        log.outputComment("iolab load: " + load + "; values in nanoseconds");
        log.outputLogFormatVersion();
        log.setBaseTime(nowMillis);
        log.outputBaseTime(nowMillis);
        log.outputStartTime(nowMillis);
        log.outputLegend();
        return log;
    }

    /** Sleeps until {@code deadlineNanos} ({@link System#nanoTime()}), however often the sleep wakes early. */
    public static void sleepUntil(long deadlineNanos) throws InterruptedException {
        long left;
        while ((left = deadlineNanos - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
