package iolab.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CapacitySearchTest {

    /** A server whose p99 breaks the goal above {@code knee} requests per second. */
    private static CapacitySearch.Prober knee(long knee) {
        return rate -> new CapacitySearch.Probe(
                rate, rate <= knee, rate <= knee ? "" : "latency", rate <= knee ? 5 : 50, rate);
    }

    /** A search from a guess, as round 1 makes it. */
    private static CapacitySearch.Result search(
            CapacitySearch.Prober prober, long start, double step, long floor, long ceiling)
            throws InterruptedException {
        return CapacitySearch.search(prober, start, step, floor, ceiling, CapacitySearch.MAX_PROBES);
    }

    @Test
    void aGuessTooLowBracketsUpwardsThenBisectsToWithinFivePercent() throws Exception {
        CapacitySearch.Result r = search(knee(37_000), 10_000, 2, 100, 1_000_000);
        assertTrue(
                r.capacity() <= 37_000 && r.capacity() * CapacitySearch.PRECISION >= 37_000, "found " + r.capacity());
        assertEquals("latency", r.limitedBy());
        assertTrue(r.probes().size() <= 8, r.probes().size() + " probes");
    }

    @Test
    void aGuessTooHighBracketsDownwards() throws Exception {
        CapacitySearch.Result r = search(knee(2_000), 40_000, 2, 100, 1_000_000);
        assertTrue(r.capacity() <= 2_000 && r.capacity() * CapacitySearch.PRECISION >= 2_000, "found " + r.capacity());
    }

    @Test
    void anEarlierCapacityIsConfirmedInTwoProbes() throws Exception {
        CapacitySearch.Result r = search(knee(20_000), 20_000, CapacitySearch.PRECISION, 100, 1_000_000);
        assertEquals(20_000, r.capacity());
        assertEquals(2, r.probes().size(), r.probes().toString());
    }

    @Test
    void aLaterRoundStopsAtItsProbeLimitWithTheHighestRateThatPassed() throws Exception {
        // From an earlier median of 20,000 at a 10% step, a knee that moved up to 50,000 is not bracketed in four.
        CapacitySearch.Result r = CapacitySearch.search(
                knee(50_000), 20_000, CapacityRounds.LATER_STEP, 100, 1_000_000, CapacityRounds.LATER_MAX_PROBES);
        assertEquals(CapacityRounds.LATER_MAX_PROBES, r.probes().size(), r.probes().toString());
        assertEquals(r.probes().get(r.probes().size() - 1).rate(), r.capacity(), "the last rate passed, and counts");
        assertEquals("", r.limitedBy(), "nothing above it failed");
        CapacitySearch.Result steady = CapacitySearch.search(
                knee(21_000), 20_000, CapacityRounds.LATER_STEP, 100, 1_000_000, CapacityRounds.LATER_MAX_PROBES);
        assertTrue(steady.probes().size() <= 3, "a steady knee is bracketed and bisected in three: " + steady);
        assertTrue(steady.capacity() <= 21_000 && steady.capacity() * CapacitySearch.PRECISION >= 21_000);
    }

    @Test
    void nothingPassingAndEverythingPassingAreSaidSo() throws Exception {
        CapacitySearch.Result none = search(
                rate -> new CapacitySearch.Probe(rate, false, "errors", 0, 0), 1_000, 2, 100, 10_000);
        assertEquals(0, none.capacity());
        assertEquals("errors", none.limitedBy());
        assertEquals(100, none.probes().get(none.probes().size() - 1).rate(), "it went down to the floor");
        CapacitySearch.Result all = search(knee(Long.MAX_VALUE), 1_000, 2, 100, 10_000);
        assertEquals(10_000, all.capacity(), "the ceiling passed");
        assertEquals("", all.limitedBy());
    }

    @Test
    void aProbeFailsOnErrorsFirstThenOnTheClientWhereItsOwnLatenessIsATenthOfTheP99ElseOnLatency() {
        assertEquals("", CapacityRounds.limitedBy(0, 0.2, true, 9.9, 10), "within the goal");
        assertEquals(
                "",
                CapacityRounds.limitedBy(0, 3, true, 9.9, 10),
                "within the goal although the client was late: the server's share is less");
        assertEquals("errors", CapacityRounds.limitedBy(1, 0.2, true, 2, 10), "one error fails it");
        assertEquals("latency", CapacityRounds.limitedBy(0, 0.5, true, 12, 10), "over the goal, the client on time");
        assertEquals("client", CapacityRounds.limitedBy(0, 2, true, 12, 10), "over the goal with the client 2 ms late");
        assertEquals(
                "latency",
                CapacityRounds.limitedBy(0, 0.1, false, 3, 10),
                "a queue that grows is a rate not carried, however good the p99 so far");
        assertEquals(
                "latency",
                CapacityRounds.limitedBy(0, Double.NaN, true, Double.NaN, 10),
                "nothing measured passes nothing");
    }
}
