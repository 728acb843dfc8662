package iolab.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The highest open-loop rate a server carries within a latency goal: probe a rate, step away
 * from it by a growing factor until one rate passes and another fails (the bracket), then
 * bisect between them (geometrically) until they are within {@link #PRECISION} of each other.
 * The capacity is the highest rate that passed. What passes is the caller's rule (sustained,
 * no errors, p99 at or under the goal, the client not the limit); a failed probe says which
 * of these failed, and the failure just above the capacity says what limited it.
 */
final class CapacitySearch {

    /** The bisection stops when the failing rate is at most this factor above the passing one. */
    static final double PRECISION = 1.05;
    /** A search from a guess never probes more often than this; the capacity is then the best bracket found. */
    static final int MAX_PROBES = 12;

    /** What one probe at {@code rate} found; {@code limitedBy} is empty when it passed. */
    record Probe(long rate, boolean passed, String limitedBy, double p99Millis, double achievedPerSecond) {
    }

    interface Prober {
        Probe probe(long rate) throws InterruptedException;
    }

    /**
     * @param capacity  the highest rate that passed; 0 when none did (even {@code floor} failed)
     * @param limitedBy why the lowest failing rate above it failed; empty when none failed (the ceiling passed)
     * @param probes    every probe, in the order made
     */
    record Result(long capacity, String limitedBy, List<Probe> probes) {
    }

    private CapacitySearch() {
    }

    /**
     * @param start the first rate to try (a guess: half the closed loop's throughput, or the last round's capacity)
     * @param step the first step's factor away from it (2 for a guess, {@link #PRECISION} from an earlier capacity); it
     *     squares at each step
     * @param floor no rate below this is tried
     * @param ceiling no rate above this is tried
     * @param maxProbes no more probes than this; the capacity is then the highest rate that passed so far
     */
    static Result search(Prober prober, long start, double step, long floor, long ceiling, int maxProbes)
            throws InterruptedException {
        if (floor < 1 || ceiling < floor || step <= 1 || maxProbes < 1) {
            throw new IllegalArgumentException(
                    "floor " + floor + ", ceiling " + ceiling + ", step " + step + ", probes " + maxProbes);
        }
        List<Probe> probes = new ArrayList<>();
        Probe pass = null;
        Probe fail = null;
        Probe probe = probe(prober, clamp(start, floor, ceiling), probes);
        if (probe.passed()) {
            pass = probe;
        } else {
            fail = probe;
        }
        // The bracket: away from the first probe until the other outcome, each step the square of the one before.
        for (double factor = step; (pass == null || fail == null) && probes.size() < maxProbes; factor *= factor) {
            if (fail == null) {
                if (pass.rate() >= ceiling) {
                    break;
                }
                probe = probe(prober, clamp(Math.round(pass.rate() * factor), pass.rate() + 1, ceiling), probes);
            } else {
                if (fail.rate() <= floor) {
                    break;
                }
                probe = probe(prober, clamp(Math.round(fail.rate() / factor), floor, fail.rate() - 1), probes);
            }
            if (probe.passed()) {
                pass = probe;
            } else {
                fail = probe;
            }
        }
        // The bisection, geometric: rates are compared as ratios.
        while (pass != null && fail != null && fail.rate() > pass.rate() * PRECISION && probes.size() < maxProbes) {
            long middle = Math.round(Math.sqrt((double) pass.rate() * fail.rate()));
            if (middle <= pass.rate() || middle >= fail.rate()) {
                break;
            }
            probe = probe(prober, middle, probes);
            if (probe.passed()) {
                pass = probe;
            } else {
                fail = probe;
            }
        }
        return new Result(pass == null ? 0 : pass.rate(), fail == null ? "" : fail.limitedBy(), List.copyOf(probes));
    }

    private static Probe probe(Prober prober, long rate, List<Probe> probes) throws InterruptedException {
        Probe probe = prober.probe(rate);
        probes.add(probe);
        return probe;
    }

    private static long clamp(long rate, long low, long high) {
        return Math.max(low, Math.min(high, rate));
    }
}
