package iolab.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentTest {

    @TempDir
    Path results;

    @Test
    void aTinyMatrixRunsEndToEndAndWritesEveryFile() throws IOException {
        Matrix tiny = new Matrix("test", List.of(new Matrix.Group(List.of(Workload.ECHO_64), List.of(ServerKind.NIO),
                List.of(4), List.of(0.5))), 1, 2);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(tiny, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        assertEquals(run.toRealPath(), results.resolve("latest").toRealPath(), "results/latest points at the run");
        assertTrue(output.contains("[ 1/2] echo-64 nio c=4 closed loop"), output);
        assertTrue(output.contains("Results: " + run), output);
        assertTrue(output.contains("echo-64_nio_c4_closed"), "summary table:\n" + output);

        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json"))).getAsJsonArray();
        assertEquals(2, jmh.size(), "closed loop and one open-loop point");
        for (var element : jmh) {
            JsonObject result = element.getAsJsonObject();
            assertTrue(result.getAsJsonObject("primaryMetric").get("score").getAsDouble() > 0);
            JsonObject secondary = result.getAsJsonObject("secondaryMetrics");
            for (String metric : List.of("serverThreads", "serverRssMiB", "serverCpuMicrosPerRequest")) {
                JsonArray perIteration = secondary.getAsJsonObject(metric).getAsJsonArray("rawData").get(0).getAsJsonArray();
                assertEquals(tiny.iterations(), perIteration.size(), metric + ": a figure for every iteration, the last included");
                perIteration.forEach(v -> assertTrue(v.getAsDouble() > 0, metric + " in " + secondary));
            }
            assertTrue(secondary.getAsJsonObject("serverThreads").get("score").getAsDouble() >= 10, "a JVM has more than ten threads");
            for (String side : List.of("serverCpuCores", "clientCpuCores")) {
                double cores = secondary.getAsJsonObject(side).get("score").getAsDouble();
                assertTrue(cores > 0 && cores < 2.5, side + " is CPU time over wall time on a 2-core machine: " + cores);
            }
        }
        double closedScore = jmh.get(0).getAsJsonObject().getAsJsonObject("primaryMetric").get("score").getAsDouble();
        long rate = jmh.get(1).getAsJsonObject().getAsJsonObject("params").get("rate").getAsLong();
        assertEquals(Math.round(closedScore * 0.5), rate, "the open loop runs at half the closed loop's measured rate");

        for (String id : List.of("echo-64_nio_c4_closed", "echo-64_nio_c4_r" + rate)) {
            for (String suffix : List.of(".hgrm", ".hlog", ".json", ".server.csv")) {
                Path file = run.resolve(id + suffix);
                assertTrue(Files.size(file) > 0, "written: " + file);
            }
            List<String> samples = Files.readAllLines(run.resolve(id + ".server.csv"));
            assertTrue(samples.stream().anyMatch(l -> l.contains(",measurement,")), "samples taken while measuring");
        }

        JsonObject env = JsonParser.parseString(Files.readString(run.resolve("environment.json"))).getAsJsonObject();
        for (String key : List.of("runId", "date", "jdk", "jvmFlags", "os", "machine", "git", "selectorProvider", "pinning", "jmh", "configurations")) {
            assertTrue(env.has(key), "environment.json has " + key + ": " + env);
        }
        JsonObject machine = env.getAsJsonObject("machine");
        for (String key : List.of("cpuModel", "cores", "openFilesLimit")) {
            assertFalse(machine.get(key).getAsString().isBlank(), key);
        }
        assertEquals(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim(), machine.get("somaxconn").getAsString());
        assertTrue(machine.get("ephemeralPorts").getAsString().matches("\\d+-\\d+"), machine.toString());
        assertTrue(env.getAsJsonObject("git").has("dirty"));
        assertEquals(2, env.getAsJsonArray("configurations").size(), "both configurations' settings");
        assertTrue(env.getAsJsonArray("configurations").get(0).getAsJsonObject().has("serverArguments"));

        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
        assertTrue(Files.exists(run.resolve("report.html")), "the plot module ran on the new folder");
        assertTrue(Files.exists(run.resolve("charts/throughput-echo-64.png")));
    }

    /** Nothing censored: a configuration with errors keeps its throughput and latency, and says how many failed and how. */
    @Test
    void errorsAreKeptBesideTheScoreTheyCameWith() throws IOException {
        // The pool's 200 threads serve 200 connections; the 10 more wait unanswered and time out.
        Matrix matrix = new Matrix("test", List.of(
                new Matrix.Group(List.of(Workload.PLAINTEXT), List.of(ServerKind.POOL), List.of(210), List.of())), 1, 6);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(matrix, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        String id = "plaintext_pool_c210_closed";
        assertTrue(output.matches("(?s).*req/s ± [0-9.]+%, \\d+ errors \\(\\d+ timeout\\).*"), output);
        assertFalse(output.contains("FAILED"), output);
        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json"))).getAsJsonArray();
        assertEquals(1, jmh.size(), "scored despite its errors");
        assertEquals(0, JsonParser.parseString(Files.readString(run.resolve("failures.json"))).getAsJsonArray().size());
        JsonObject summary = JsonParser.parseString(Files.readString(run.resolve(id + ".json"))).getAsJsonObject();
        assertTrue(summary.getAsJsonObject("errors").get("timeout").getAsLong() > 0, summary.toString());
        assertTrue(summary.get("requests").getAsLong() > 0, "the 200 served connections' responses are kept");
        String row = Files.readAllLines(run.resolve("summary.csv")).stream().filter(l -> l.startsWith(id + ",")).findFirst().orElseThrow();
        assertTrue(row.matches(".*,[1-9]\\d*,[0-9.]+,errors: \\d+ timeout$"), "the table says how many failed: " + row);
        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingStarts() throws Exception {
        assertRefused("iolab.servers", "nio,foo", "unknown server 'foo' (known: thread-per-connection, pool,");
        assertRefused("iolab.workloads", "echo", "unknown workload 'echo' (known: echo-64,");
        assertRefused("iolab.connections", "0", "connections must be from 1 to 15000");
        assertRefused("iolab.connections", "ten", "connections must be a whole number: 'ten'");
        assertRefused("iolab.loads", "closed,fast", "a load is 'closed' or a fraction");
        assertRefused("iolab.matrix", "huge", "unknown matrix 'huge'");
        assertRefused("iolab.iterations", "0", "iterations must be at least 1");
        Properties jdkOnEcho = new Properties();
        jdkOnEcho.setProperty("iolab.servers", "jdk");
        jdkOnEcho.setProperty("iolab.workloads", "echo-64");
        assertThrows(IllegalArgumentException.class, () -> Matrix.fromProperties(jdkOnEcho));

        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Diolab.servers=foo", "-Diolab.results=" + results, "-cp", System.getProperty("java.class.path"),
                Experiment.class.getName()).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("iolab experiment: unknown server 'foo'"), err);
        try (var files = Files.list(results)) {
            assertEquals(0, files.count(), "no results folder for a run that did not start");
        }
    }

    @Test
    void theQuickMatrixAsksTheMainQuestions() {
        Matrix quick = Matrix.fromProperties(new Properties());
        assertEquals("quick", quick.name());
        assertTrue(quick.closedLoops().contains(new Configuration(ServerKind.POOL, Workload.PLAINTEXT, 1_000, 0)));
        assertTrue(quick.closedLoops().stream().anyMatch(c -> c.workload() == Workload.ECHO_64));
        assertTrue(quick.closedLoops().stream().anyMatch(c -> c.workload() == Workload.DELAY_10MS && !quick.openFractions(c).isEmpty()));

        Properties narrow = new Properties();
        narrow.setProperty("iolab.servers", "nio,virtual");
        narrow.setProperty("iolab.connections", "100,1000");
        Matrix narrowed = Matrix.fromProperties(narrow);
        assertTrue(narrowed.closedLoops().stream().allMatch(c -> (c.server() == ServerKind.NIO || c.server() == ServerKind.VIRTUAL)
                && (c.connections() == 100 || c.connections() == 1000)), narrowed.closedLoops().toString());
        assertTrue(Matrix.fromProperties(props("iolab.matrix", "full")).size() > quick.size());
    }

    private static void assertRefused(String key, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Matrix.fromProperties(props(key, value)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    private static long serversOf(String runId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("-D" + ServerProcess.RUN_PROPERTY + "=" + runId + " ")).orElse(false)).count();
    }
}
