package iolab.bench;

import iolab.clients.LoadGenerator;
import iolab.clients.LoadResult;
import iolab.clients.LoadSettings;
import iolab.clients.Target;
import iolab.runfiles.Sustainability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capacity search on a server whose capacity is known: a pool of 20 threads, each request waiting 10 ms on the
 * server, can answer at most 20 / 10 ms = 2,000 requests per second (Little's law). Past that its queue grows without
 * bound, so the search, probing with the experiment's own rule, must put the knee at or under 2,000/s, and what fails
 * just above it is the latency. How far under depends on the machine, which is why only a wide floor is asked of it.
 * Twenty connections: the pool gives each kept-alive connection a thread of its own, so a twenty-first would never be
 * served.
 */
class CapacityKneeTest {

    @TempDir
    Path dir;

    @Test
    void theSearchFindsTheKneeOfAPoolOfTwentyThreadsAtTenMillisecondsAtMostTwoThousandPerSecond() throws Exception {
        try (ServerProcess server = ServerProcess.start(
                List.of("http", "--model", "pool", "--pool-size", "20", "--bind", "127.0.0.1", "--port", "0"),
                "capacity-knee-test",
                dir.resolve("server.log"))) {
            Target target = Target.parse(server.address());
            double slo = Workload.DELAY_10MS.sloMillis();
            int[] probes = {0};
            java.util.function.LongFunction<LoadSettings> at = rate -> new LoadSettings(
                    new Target(target.address(), target.host(), "/delay?ms=10", false),
                    Workload.DELAY_10MS.client(target.host()),
                    1,
                    20,
                    rate,
                    1,
                    Duration.ofMillis(300),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5));
            LoadGenerator.run(
                    at.apply(1_500), null, null); // the server's JIT and threads warm, as the experiment's are
            CapacitySearch.Result result = CapacitySearch.search(
                    rate -> {
                        Path hlog = dir.resolve("probe" + ++probes[0] + ".hlog");
                        LoadSettings settings = at.apply(rate);
                        LoadResult r;
                        try {
                            r = LoadGenerator.run(settings, null, hlog);
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e);
                        }
                        String limitedBy = CapacityRounds.limitedBy(
                                r.errorCount(),
                                r.sendLagNanos().getValueAtPercentile(99) / 1e6,
                                Sustainability.sustained(hlog, rate),
                                r.latencyMillis(99),
                                slo);
                        return new CapacitySearch.Probe(
                                rate, limitedBy.isEmpty(), limitedBy, r.latencyMillis(99), r.requestsPerSecond());
                    },
                    500,
                    2,
                    CapacityRounds.FLOOR,
                    20_000,
                    CapacitySearch.MAX_PROBES);

            System.out.println("capacity search: " + result);
            assertTrue(result.capacity() <= 2_000, "no more than Little's law allows: " + result);
            assertTrue(
                    result.capacity() >= 500,
                    "20 threads sleeping 10 ms carry a quarter of their ceiling on any machine: " + result);
            assertTrue(
                    result.probes().stream().anyMatch(p -> p.rate() > 2_000 && !p.passed()),
                    "a rate past the ceiling was tried and failed: " + result);
            assertEquals("latency", result.limitedBy(), "past the knee the queue grows: " + result);
        }
    }
}
