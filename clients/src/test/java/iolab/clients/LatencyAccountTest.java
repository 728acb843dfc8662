package iolab.clients;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who a latency figure describes: the connections' shares, censored percentiles, the client's own part. */
class LatencyAccountTest {

    @Test
    void jainsIndexOfAKnownSample() {
        ConnectionShares two = ConnectionShares.of(new long[] {10, 10, 0, 0, 0});
        assertEquals(5, two.connections());
        assertEquals(2, two.served());
        assertEquals(3, two.starved());
        assertEquals(0, two.min());
        assertEquals(0, two.median());
        assertEquals(10, two.max());
        assertEquals(400.0 / (5 * 200), two.fairness(), 1e-12, "(Σx)² / (n·Σx²) = 20² / (5·200)");
        assertEquals(1.0, ConnectionShares.of(new long[] {7, 7, 7}).fairness(), 1e-12, "all alike");
        ConnectionShares skewed = ConnectionShares.of(new long[] {1, 2, 3, 4});
        assertEquals(100.0 / (4 * 30), skewed.fairness(), 1e-12);
        assertEquals(2.5, skewed.median());
        assertTrue(Double.isNaN(ConnectionShares.of(new long[] {0, 0}).fairness()), "no response at all: no index");
    }

    @Test
    void sharesOfSeveralRoundsAreTheirMedians() {
        ConnectionShares merged = ConnectionShares.median(List.of(
                ConnectionShares.of(new long[] {5, 0}),
                ConnectionShares.of(new long[] {5, 5}),
                ConnectionShares.of(new long[] {4, 0})));
        assertEquals(2, merged.connections());
        assertEquals(1, merged.served());
        assertEquals(0.5, merged.fairness(), 1e-12);
        assertNull(ConnectionShares.median(List.of()));
    }

    @Test
    void aPercentileIsALowerBoundWhenItNeedsCensoredValues() {
        Histogram all = new Histogram(3);
        Histogram censored = new Histogram(3);
        all.recordValueWithCount(1_000_000, 90); // 90 answered in 1 ms
        record(all, censored, 5_000_000_000L, 10); // 10 given up after 5 s
        assertFalse(LoadResult.lowerBound(all, censored, 50));
        assertFalse(LoadResult.lowerBound(all, censored, 90), "90 answered reach the 90th percentile by themselves");
        assertTrue(LoadResult.lowerBound(all, censored, 95));
        assertTrue(LoadResult.lowerBound(all, censored, 100));
        assertFalse(LoadResult.lowerBound(all, new Histogram(3), 100), "nothing censored, nothing bounded");

        // Censored values below the answered ones: every percentile the answered cannot reach alone is bounded.
        Histogram early = new Histogram(3);
        Histogram earlyCensored = new Histogram(3);
        early.recordValueWithCount(1_000_000, 90);
        record(early, earlyCensored, 500_000, 10);
        assertEquals(1_000_000, early.getValueAtPercentile(95), 1_000);
        assertFalse(LoadResult.lowerBound(early, earlyCensored, 50));
        assertTrue(LoadResult.lowerBound(early, earlyCensored, 95), "a censored 0.5 ms may really be 10 s");
    }

    @Test
    void aSendLagAboveATenthOfTheLatencyIsClientLimited() {
        Histogram latency = new Histogram(3);
        latency.recordValueWithCount(10_000_000, 100);
        Histogram lag = new Histogram(3);
        lag.recordValueWithCount(2_000_000, 100);
        assertTrue(LoadResult.clientLimited(lag, latency), "2 ms of 10 ms");
        Histogram small = new Histogram(3);
        small.recordValueWithCount(500_000, 100);
        assertFalse(LoadResult.clientLimited(small, latency), "0.5 ms of 10 ms");
        assertFalse(LoadResult.clientLimited(new Histogram(3), latency), "a closed loop has no send lag");
    }

    private static void record(Histogram all, Histogram censored, long value, long count) {
        all.recordValueWithCount(value, count);
        censored.recordValueWithCount(value, count);
    }
}
