package iolab.runfiles;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The interval logs ({@code .hlog}) of load hosts that ran one schedule, merged as HdrHistogram merges: the intervals
 * that cover the same second of the schedule are added into one histogram, never their percentiles averaged. A host's
 * interval belongs to the second of the schedule its start falls in, counted from the instant all hosts agreed to
 * start, so hosts whose clocks or first intervals differ by less than half an interval still line up. A host with fewer
 * intervals than the others (it died or fell behind), or whose first interval began more than half an interval from the
 * agreed instant (it started late), is named, and the merge is partial.
 */
public final class HostLogs {

    /**
     * @param total every host's every value: what one histogram recording all of them holds
     * @param intervals the merged intervals, one per second of the schedule, in order
     * @param intervalsByHost how many intervals each host's log had, by host
     * @param partial why the merge is short of a whole run, or empty: the hosts that had fewer intervals than the most,
     *     or began away from the agreed instant
     */
    public record Merged(Histogram total, List<Histogram> intervals, Map<String, Integer> intervalsByHost,
            String partial) {

        public boolean whole() {
            return partial.isEmpty();
        }
    }

    private HostLogs() {
    }

    /**
     * @param logs each load host's .hlog, by host name
     * @param startMillis the instant (ms since the epoch, on the controller's clock) the hosts agreed to start at
     * @param offsetMillis each host's clock minus the controller's, measured before the run (0 where not measured)
     * @param intervalMillis the length of the hosts' intervals
     */
    public static Merged merge(
            Map<String, Path> logs, long startMillis, Map<String, Long> offsetMillis, long intervalMillis)
            throws IOException {
        TreeMap<Long, Histogram> seconds = new TreeMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> short_ = new ArrayList<>();
        Histogram total = null;
        for (Map.Entry<String, Path> log : logs.entrySet()) {
            long offset = offsetMillis.getOrDefault(log.getKey(), 0L);
            int count = 0;
            for (Histogram h : IntervalLog.read(log.getValue())) {
                long start = h.getStartTimeStamp() - offset - startMillis;
                if (count == 0 && Math.abs(start) > intervalMillis / 2) {
                    short_.add(String.format(
                            Locale.ROOT,
                            "%s began measuring %+d ms from the agreed instant",
                            log.getKey(),
                            start));
                }
                long slot = Math.floorDiv(start + intervalMillis / 2, intervalMillis);
                // Auto-resizing: each host's histograms cover only the range their own values needed.
                Histogram into = seconds.computeIfAbsent(slot, s -> {
                    Histogram empty = new Histogram(h.getNumberOfSignificantValueDigits());
                    empty.setStartTimeStamp(Long.MAX_VALUE);
                    empty.setEndTimeStamp(Long.MIN_VALUE);
                    return empty;
                });
                into.add(h);
                // The span its parts covered, on the controller's clock: the last, short interval of a trial (its
                // drain) stays short, and is not judged as a whole second of the schedule.
                into.setStartTimeStamp(Math.min(into.getStartTimeStamp(), h.getStartTimeStamp() - offset));
                into.setEndTimeStamp(Math.max(into.getEndTimeStamp(), h.getEndTimeStamp() - offset));
                if (total == null) {
                    total = new Histogram(h.getNumberOfSignificantValueDigits());
                }
                total.add(h);
                count++;
            }
            counts.put(log.getKey(), count);
        }
        int most = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        counts.forEach((host, n) -> {
            if (n < most) {
                short_.add(host + " has " + n + " of " + most + " intervals");
            }
        });
        return new Merged(
                total == null ? new Histogram(3) : total,
                List.copyOf(seconds.values()),
                counts,
                String.join("; ", short_));
    }

    /** Writes {@code merged}'s intervals as one .hlog, which the plotter and HdrHistogram's tools read. */
    public static void write(Merged merged, String comment, Path hlog) throws IOException {
        IntervalLog.write(merged.intervals(), comment, hlog);
    }
}
