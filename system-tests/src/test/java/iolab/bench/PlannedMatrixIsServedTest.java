package iolab.bench;

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
        // Two server processes at a time, one per core, each started, asked and stopped by one task: one after another
        // they took twice as long.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<List<String>>> checks = new ArrayList<>();
        for (List<Configuration> planned : byServerProcess.values()) {
            checks.add(pool.submit(() -> failuresOf(planned, root, dir)));
        }
        pool.shutdown();
        List<String> failures = new ArrayList<>();
        for (java.util.concurrent.Future<List<String>> check : checks) {
            failures.addAll(check.get());
        }
        assertEquals(List.of(), failures);
    }

    /**
     * Starts the server process these configurations share, as the experiment does, and asks it each workload planned
     * for it.
     */
    private static List<String> failuresOf(List<Configuration> planned, Path root, Path dir) throws Exception {
        Configuration first = planned.getFirst();
        List<String> failures = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(
                first.serverArguments(root), "served-test", dir.resolve(first.serverProcess() + ".log"))) {
            for (Workload workload :
                    planned.stream().map(Configuration::workload).distinct().toList()) {
                Configuration one = new Configuration(first.server(), workload, 1, 0);
                LoadResult result = LoadGenerator.run(
                        one.loadSettings(Target.parse(server.address()), Duration.ZERO, Duration.ofMillis(100)),
                        null,
                        null);
                if (result.requests() == 0 || result.errorCount() > 0) {
                    failures.add(one.describe() + ": " + result.requests() + " responses, errors " + result.errors());
                }
            }
        }
        return failures;
    }
}
