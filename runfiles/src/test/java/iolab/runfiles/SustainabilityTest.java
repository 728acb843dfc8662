package iolab.runfiles;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SustainabilityTest {

    private static final long RATE = 10_000;

    @Test
    void aServerThatDeliversTheRateInEveryIntervalSustainsIt() {
        assertTrue(Sustainability.sustained(
                rounds(new long[] {10_000, 10_000}, new long[] {10_000, 9_950}, 12, 12), RATE));
    }

    @Test
    void aStallInOneSecondOfOneRoundIsUnsustainable() {
        assertFalse(Sustainability.sustained(
                rounds(new long[] {10_000, 10_000}, new long[] {10_000, 6_000}, 12, 12), RATE));
    }

    @Test
    void onePercentShortInALaterSecondIsUnsustainableWhateverTheLatency() {
        // nio at its ceiling of 20,000/s: 19,742 a second, with p50 at 37 ms.
        assertFalse(
                Sustainability.sustained(rounds(new long[] {9_700, 9_870}, new long[] {9_700, 9_870}, 37, 37), RATE));
        assertTrue(
                Sustainability.sustained(rounds(new long[] {9_700, 9_995}, new long[] {9_700, 9_995}, 37, 37), RATE),
                "the first second of a round misses the 370 requests in flight when recording began");
    }

    @Test
    void aMedianThatClimbsWithinARoundIsAQueueThatGrows() {
        assertFalse(Sustainability.sustained(
                rounds(new long[] {10_000, 10_000}, new long[] {10_000, 10_000}, 12, 80), RATE));
    }

    @Test
    void theShortDrainAtTheEndOfARoundIsNotJudgedOnItsCount() {
        List<Histogram> intervals = rounds(new long[] {10_000, 10_000}, new long[] {10_000, 10_000}, 12, 12);
        intervals.add(interval("r2", 2_000, 2_100, 30, 12)); // 0.1 s of drain
        assertTrue(Sustainability.sustained(intervals, RATE));
    }

    /** Two rounds of two one-second intervals; in the last interval of each, p50 is {@code lastMillis}. */
    private static List<Histogram> rounds(long[] first, long[] second, long firstMillis, long lastMillis) {
        List<Histogram> intervals = new ArrayList<>();
        intervals.add(interval("r1", 0, 1_000, first[0], firstMillis));
        intervals.add(interval("r1", 1_000, 2_000, first[1], firstMillis));
        intervals.add(interval("r2", 0, 1_000, second[0], firstMillis));
        intervals.add(interval("r2", 1_000, 2_000, second[1], lastMillis));
        return intervals;
    }

    private static Histogram interval(String round, long startMillis, long endMillis, long count, long p50Millis) {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(p50Millis * 1_000_000, count);
        h.setStartTimeStamp(startMillis);
        h.setEndTimeStamp(endMillis);
        h.setTag(round);
        return h;
    }
}
