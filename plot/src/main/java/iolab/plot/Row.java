package iolab.plot;

import iolab.runfiles.ConfigurationId;
import iolab.runfiles.RoundStatistics;

import org.HdrHistogram.Histogram;

/**
 * One configuration of a run and what is known of it; any figure may be absent (null) when the configuration failed or
 * a file is missing.
 *
 * @param key which configuration: workload, server, connections and the open loop's rate
 * @param score the median over rounds of JMH's score, responses per second
 * @param interval the median's confidence interval across rounds (see {@link RoundStatistics}); null without a score
 * @param disturbedRounds counted rounds that ran while the machine was disturbed (their repeat was disturbed too)
 * @param sustainable open loop: whether the server delivered the asked rate in every interval without a growing queue;
 *     null for a closed loop
 * @param latency the measured latency distribution (ns), from the configuration's .hlog
 * @param serverCores the server's CPU time over wall time during the measurement (1.0: one core busy)
 * @param clientCores the same for the client (the benchmark's process)
 * @param errors errors during the measurement (timeouts, resets, bad responses), kept beside the score
 * @param errorKinds the errors by kind, for example {@code 56 timeout}; empty when none
 * @param failure why there is no score
 * @param account who the latency describes: connections served, censored share, intervals, the client's part
 */
record Row(
        ConfigurationId key,
        Double score,
        RoundStatistics.Interval interval,
        int disturbedRounds,
        Boolean sustainable,
        Double threads,
        Double rssMiB,
        Double cpuMicrosPerRequest,
        Double p50,
        Double p90,
        Double p99,
        Double p999,
        Double max,
        Histogram latency,
        Double serverCores,
        Double clientCores,
        long errors,
        String errorKinds,
        String failure,
        Account account) {

    /**
     * What a configuration's latency figures rest on; any part may be absent (null) in runs made before it was kept.
     *
     * @param served connections with at least one response in the measured window (the median over rounds)
     * @param connections all connections of the load
     * @param fairness Jain's index of the responses per connection (median over rounds)
     * @param censoredPct the share of the latency record that is censored: requests never answered, at the wait they
     *     had
     * @param lowerBounds the percentiles ({@code p50}, {@code p99}, {@code max}, ...) that are only lower bounds
     *     because they reach into the censored share
     * @param p50Interval p50 across rounds: its median and interval (ms); {@code p99Interval} and {@code p999Interval}
     *     likewise
     * @param sendLagP99 open loop: the client's own send lag at p99 (ms); null in the closed loop
     * @param clientLimited the client's send lag (p99) exceeded a tenth of the latency's p99
     */
    record Account(
            Integer served,
            Integer connections,
            Double fairness,
            Double censoredPct,
            java.util.Set<String> lowerBounds,
            RoundStatistics.Interval p50Interval,
            RoundStatistics.Interval p99Interval,
            RoundStatistics.Interval p999Interval,
            Double sendLagP99,
            Boolean clientLimited) {

        static final Account NONE =
                new Account(null, null, null, null, java.util.Set.of(), null, null, null, null, null);

        boolean lowerBound(String percentile) {
            return lowerBounds.contains(percentile);
        }

        /** Some connections had no response at all. */
        boolean starved() {
            return served != null && connections != null && served < connections;
        }
    }

    /** A percentile as the tables show it: {@code >=} before one that is a lower bound. */
    String percentile(String name, Double millis) {
        return millis == null
                ? ""
                : (account.lowerBound(name) ? ">=" : "") + String.format(java.util.Locale.ROOT, "%.3f", millis);
    }

    /**
     * The server's name for a legend, with how many of its connections it served when it starved some: "pool (200 of
     * 1,000 served)".
     */
    String serverServed() {
        return account.starved()
                ? String.format(
                        java.util.Locale.ROOT,
                        "%s (%,d of %,d served)",
                        server(),
                        account.served(),
                        account.connections())
                : server();
    }

    /** Each side has one core: a client this busy... */
    static final double BUSY_CORES = 0.9;
    /** ...and this much busier than the server was the bottleneck, and the score is the client's ceiling. */
    static final double BUSIER_BY = 0.05;

    String id() {
        return key.toString();
    }

    String workload() {
        return key.workload();
    }

    String server() {
        return key.server();
    }

    int connections() {
        return key.connections();
    }

    /** Requests per second asked of an open loop; 0 for a closed loop. */
    long rate() {
        return key.rate();
    }

    boolean closedLoop() {
        return key.closedLoop();
    }

    boolean scored() {
        return score != null;
    }

    /**
     * A closed loop whose client's core was busy, and busier than the server's: this score measures the
     * client as much as the server. Not said of an open loop, whose client polls between close slots
     * (a busy core that is waiting, not working); there the sustainability of the rate tells.
     */
    boolean clientBound() {
        return closedLoop() && clientCores != null && serverCores != null
                && clientCores >= BUSY_CORES && clientCores - serverCores >= BUSIER_BY;
    }

    boolean hadErrors() {
        return errors > 0;
    }

    /**
     * Errors among all outcomes of the measurement (responses recorded and errors), in percent; null without a
     * histogram.
     */
    Double errorRatePercent() {
        if (errors == 0) {
            return 0.0;
        }
        return latency == null ? null : 100.0 * errors / (errors + latency.getTotalCount());
    }

    String loop() {
        return closedLoop() ? "closed" : "open";
    }

    /** Half the interval's width, in percent of the median: how precisely the run knows this figure. */
    Double halfWidthPercent() {
        return interval == null || interval.rounds() < 2 ? null : 100 * interval.relativeHalfWidth();
    }

    int rounds() {
        return interval == null ? 0 : interval.rounds();
    }
}
