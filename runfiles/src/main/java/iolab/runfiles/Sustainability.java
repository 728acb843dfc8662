package iolab.runfiles;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an open-loop point is one the server sustained: in every full interval of every round
 * it delivered the asked rate within 1% (the first second of a round less those in flight when
 * recording began), and its median latency did not climb within a round (a
 * queue that grows is a rate the server cannot keep, however good its p99 looks so far). An
 * unsustainable point's percentiles describe a backlog, not a steady state.
 */
public final class Sustainability {

    /** Delivered at least this share of the asked rate in each interval. */
    static final double DELIVERED = 0.99;
    /** An interval shorter than this (the drain at the end of a round) is not judged on its count. */
    static final long FULL_INTERVAL_MILLIS = 900;
    /** p50 at a round's end above this multiple of its start (and 1 ms more) is a queue that grows. */
    static final double P50_GROWTH = 2;

    private Sustainability() {}

    /**
     * Whether the trial whose interval log is {@code hlog} sustained {@code ratePerSecond}; false when the log cannot
     * be read.
     */
    public static boolean sustained(Path hlog, long ratePerSecond) {
        try {
            return sustained(IntervalLog.read(hlog), ratePerSecond);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code intervals}: the .hlog's, each tagged with its round (untagged ones are one round). */
    public static boolean sustained(List<Histogram> intervals, long ratePerSecond) {
        Map<String, List<Histogram>> rounds = new LinkedHashMap<>();
        for (Histogram h : intervals) {
            long millis = h.getEndTimeStamp() - h.getStartTimeStamp();
            if (millis >= FULL_INTERVAL_MILLIS) {
                List<Histogram> round = rounds.computeIfAbsent(String.valueOf(h.getTag()), k -> new ArrayList<>());
                round.add(h);
                // The first interval of a round leaves out the responses to requests sent before recording began: about
                // p50 × rate.
                double inFlight = round.size() == 1 ? h.getValueAtPercentile(50) / 1e9 : 0;
                double expected = ratePerSecond * (millis / 1000.0 - inFlight);
                if (h.getTotalCount() < DELIVERED * expected) {
                    return false;
                }
            }
        }
        for (List<Histogram> round : rounds.values()) {
            double first = round.get(0).getValueAtPercentile(50);
            double last = round.get(round.size() - 1).getValueAtPercentile(50);
            if (last > P50_GROWTH * first && last - first > 1_000_000) {
                return false;
            }
        }
        return !rounds.isEmpty();
    }
}
