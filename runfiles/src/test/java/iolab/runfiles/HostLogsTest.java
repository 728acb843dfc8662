package iolab.runfiles;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Load hosts' interval logs merged as HdrHistogram merges: counts add up, percentiles are those of every value. */
class HostLogsTest {

    private static final long START = 1_765_000_000_000L;
    private static final long SECOND = 1_000;

    @TempDir
    Path dir;

    /** Writes a host's log of {@code seconds} intervals, its clock {@code offset} ms ahead, and records every value. */
    private Path host(String name, int seconds, long offset, long seed, Histogram all) throws Exception {
        Random random = new Random(seed);
        List<Histogram> intervals = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            Histogram h = new Histogram(3); // auto-resizing, as the client's: each covers only the range it needed
            int n = 500 + random.nextInt(500);
            for (int i = 0; i < n; i++) {
                long nanos = (long) (Math.exp(random.nextGaussian() * 1.5) * 1_000_000 * (1 + seed));
                h.recordValue(Math.min(nanos, 50_000_000_000L));
            }
            all.add(h);
            // Each host's intervals start a few ms from the schedule's second, on its own clock.
            h.setStartTimeStamp(START + offset + s * SECOND + 7 * seed);
            h.setEndTimeStamp(START + offset + (s + 1) * SECOND + 7 * seed);
            intervals.add(h);
        }
        Path log = dir.resolve(name + ".hlog");
        IntervalLog.write(intervals, "host " + name, log);
        return log;
    }

    @Test
    void theMergeHoldsEveryValueOfEveryHostOnce() throws Exception {
        Histogram all = new Histogram(60_000_000_000L, 3);
        Map<String, Path> logs = new LinkedHashMap<>();
        logs.put("a", host("a", 8, 0, 1, all));
        logs.put("b", host("b", 8, 250, 2, all)); // a clock 250 ms ahead, measured and given
        logs.put("c", host("c", 8, 0, 3, all));
        HostLogs.Merged merged = HostLogs.merge(logs, START, Map.of("b", 250L), SECOND);

        assertTrue(merged.whole(), merged.partial());
        assertEquals(8, merged.intervals().size(), "one interval per second of the schedule, hosts lined up");
        assertEquals(all.getTotalCount(), merged.total().getTotalCount(), "the merged count is the sum");
        long sum = merged.intervals().stream().mapToLong(Histogram::getTotalCount).sum();
        assertEquals(all.getTotalCount(), sum, "and so is the sum of the merged intervals");
        for (double p : new double[] {50, 90, 99, 99.9, 99.99, 100}) {
            assertEquals(all.getValueAtPercentile(p), merged.total().getValueAtPercentile(p), "p" + p);
        }

        Path out = dir.resolve("merged.hlog");
        HostLogs.write(merged, "merged", out);
        List<Histogram> back = IntervalLog.read(out);
        assertEquals(8, back.size());
        Histogram reread = new Histogram(60_000_000_000L, 3);
        back.forEach(reread::add);
        assertEquals(all.getValueAtPercentile(99.9), reread.getValueAtPercentile(99.9), "the file holds the same");
    }

    @Test
    void eachMergedIntervalSpansWhatItsPartsCoveredSoThatAShortDrainStaysShort() throws Exception {
        Map<String, Path> logs = new LinkedHashMap<>();
        for (String name : List.of("a", "b")) {
            List<Histogram> intervals = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                Histogram h = new Histogram(3);
                h.recordValue(1_000_000);
                h.setStartTimeStamp(START + s * SECOND);
                h.setEndTimeStamp(START + s * SECOND + (s < 2 ? SECOND : 200)); // the last: the trial's drain
                intervals.add(h);
            }
            logs.put(name, dir.resolve(name + ".hlog"));
            IntervalLog.write(intervals, name, logs.get(name));
        }
        HostLogs.Merged merged = HostLogs.merge(logs, START, Map.of(), SECOND);
        List<Long> spans = merged.intervals().stream()
                .map(h -> h.getEndTimeStamp() - h.getStartTimeStamp())
                .toList();
        assertEquals(List.of(SECOND, SECOND, 200L), spans);
        assertTrue(Sustainability.sustained(merged.intervals(), 1), "one response a second, delivered in each");
    }

    @Test
    void aHostThatStoppedEarlyMakesTheMergePartialAndIsNamed() throws Exception {
        Histogram all = new Histogram(60_000_000_000L, 3);
        Map<String, Path> logs = new LinkedHashMap<>();
        logs.put("load-1", host("load-1", 8, 0, 1, all));
        logs.put("load-2", host("load-2", 5, 0, 2, all)); // killed after five seconds
        HostLogs.Merged merged = HostLogs.merge(logs, START, Map.of(), SECOND);

        assertFalse(merged.whole());
        assertEquals("load-2 has 5 of 8 intervals", merged.partial());
        assertEquals(all.getTotalCount(), merged.total().getTotalCount(), "nothing it recorded is dropped");
    }

    @Test
    void anUncorrectedClockOffsetWouldMisalignTheSeconds() throws Exception {
        Histogram all = new Histogram(60_000_000_000L, 3);
        Map<String, Path> logs = new LinkedHashMap<>();
        logs.put("a", host("a", 4, 0, 1, all));
        logs.put("b", host("b", 4, 2_000, 2, all)); // two seconds ahead, not corrected
        HostLogs.Merged merged = HostLogs.merge(logs, START, Map.of(), SECOND);
        assertEquals(6, merged.intervals().size(), "b's seconds land two seconds late: why offsets are measured");
        assertEquals(all.getTotalCount(), merged.total().getTotalCount());
        assertEquals("b began measuring +2014 ms from the agreed instant", merged.partial(), "and it is named");
    }
}
