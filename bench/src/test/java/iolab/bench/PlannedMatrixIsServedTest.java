package iolab.bench;

import iolab.servers.ServerVariant;
import iolab.clients.LoadGenerator;
import iolab.clients.LoadResult;
import iolab.clients.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every configuration that the full matrix plans is one its server really serves: each server
 * is started as the experiment starts it, and each planned workload gets answers, not errors.
 * (A matrix that schedules a route a server lacks fails every round of it.)
 */
class PlannedMatrixIsServedTest {

    @Test
    void everyServerAnswersEveryWorkloadTheFullMatrixPlansForIt(@TempDir Path dir) throws Exception {
        Map<String, List<Configuration>> byServerProcess = new LinkedHashMap<>();
        for (Configuration c : Matrix.full().runnableHere().configurations()) {
            byServerProcess.computeIfAbsent(c.serverProcess(), k -> new ArrayList<>()).add(c);
        }
        Path root = ServerRoot.create();
        // Started two at a time, one per core: one after another they took 20 s, all at once 26 s.
        java.util.concurrent.ExecutorService starter = java.util.concurrent.Executors.newFixedThreadPool(2);
        Map<String, java.util.concurrent.CompletableFuture<ServerProcess>> started = new LinkedHashMap<>();
        for (List<Configuration> planned : byServerProcess.values()) {
            Configuration first = planned.getFirst();
            started.put(first.id(), java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return ServerProcess.start(first.serverArguments(root), "served-test", dir.resolve(first.id() + ".log"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, starter));
        }
        starter.shutdown();
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (List<Configuration> planned : byServerProcess.values()) {
            Configuration first = planned.getFirst();
            try (ServerProcess server = started.get(first.id()).join()) {
                for (Workload workload : planned.stream().map(Configuration::workload).distinct().toList()) {
                    Configuration one = new Configuration(first.server(), workload, 1, 0);
                    LoadResult result = LoadGenerator.run(one.loadSettings(Target.parse(server.address()), Duration.ZERO,
                            Duration.ofMillis(100)), null, null);
                    checked++;
                    if (result.requests() == 0 || result.errorCount() > 0) {
                        failures.add(one.describe() + ": " + result.requests() + " responses, errors " + result.errors());
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(checked >= byServerProcess.size(), "every server process checked: " + checked);
    }

    @Test
    void noServerIsPlannedForAWorkloadItDoesNotServe() {
        for (Configuration c : Matrix.full().configurations()) {
            assertTrue(c.workload().servedBy(c.server()), c.describe());
        }
        assertTrue(Matrix.full().configurations().stream().noneMatch(c -> c.server() == ServerVariant.NETTY_EPOLL && c.workload() == Workload.FILE_1M),
                "the references have no /files");
    }
}
