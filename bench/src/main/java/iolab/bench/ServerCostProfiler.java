package iolab.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.Collection;
import java.util.List;

/**
 * JMH secondary results: what the server costs while it serves the load, from the
 * {@link CostSampler} of the running benchmark. Threads and resident memory are taken at the
 * end of each iteration, CPU time per response over it; all three are averaged over the
 * iterations (a counter of {@code @AuxCounters} would be summed); beside them, how long the trial's connect phase took. The experiment adds this
 * profiler; by hand, {@code -prof iolab.bench.ServerCostProfiler}.
 */
public final class ServerCostProfiler implements InternalProfiler {

    @Override
    public String getDescription() {
        return "the server's threads, resident memory and CPU time per response, and both sides' CPU use in cores, and what else used the machine, from /proc";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        CostSampler.Cost cost = CostSampler.currentCost();
        if (cost == null) {
            return List.of();
        }
        return List.of(
                new ScalarResult("serverThreads", cost.threads(), "threads", AggregationPolicy.AVG),
                new ScalarResult("serverRssMiB", cost.rssMiB(), "MiB", AggregationPolicy.AVG),
                new ScalarResult("serverCpuMicrosPerRequest", cost.cpuMicrosPerRequest(), "us/req", AggregationPolicy.AVG),
                new ScalarResult("serverCpuCores", cost.serverCores(), "cores", AggregationPolicy.AVG),
                new ScalarResult("clientCpuCores", cost.clientCores(), "cores", AggregationPolicy.AVG),
                new ScalarResult("otherCpuCores", cost.otherCores(), "cores", AggregationPolicy.AVG),
                new ScalarResult("irqCpuCores", cost.irqCores(), "cores", AggregationPolicy.AVG),
                new ScalarResult("stealCpuCores", cost.stealCores(), "cores", AggregationPolicy.AVG),
                // Opening the connections is not throughput: it happens before the warm-up, and is kept apart here.
                new ScalarResult("connectSeconds", CostSampler.currentConnectSeconds(), "s", AggregationPolicy.AVG));
    }
}
