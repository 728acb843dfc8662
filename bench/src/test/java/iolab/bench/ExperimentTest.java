package iolab.bench;

import iolab.servers.ServerVariant;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentTest {

    @TempDir
    Path results;

    @Test
    void aTinyMatrixRunsInRoundsAndWritesEveryFile() throws IOException {
        Matrix tiny = new Matrix("test", List.of(new Matrix.Group(List.of(Workload.ECHO_64), List.of(ServerVariant.NIO, ServerVariant.NETTY_EPOLL),
                List.of(4), List.of(0L, 2_000L))), 0, 1, 2);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(tiny, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        assertEquals(run.toRealPath(), results.resolve("latest").toRealPath(), "results/latest points at the run");
        assertTrue(output.contains("4 configurations × 2 rounds = 8 trials, after a round that warms up"), output);
        assertTrue(output.matches("(?s).*\\[  1/12\\] r0 echo-64 .*"), "round 0 warms up: " + output);
        assertTrue(output.matches("(?s).*\\[  5/12\\] r1 echo-64 .*"), output);
        assertTrue(output.contains("Results: " + run), output);
        assertTrue(output.contains("echo-64_nio_c4_closed"), "summary table:\n" + output);
        assertTrue(output.contains("nio has ") && output.contains("× the throughput of netty-epoll"), "a verdict:\n" + output);

        List<String> rounds = Files.readAllLines(run.resolve("rounds.csv"));
        List<String> counted = rounds.stream().skip(1).filter(l -> l.split(",")[4].equals("true")).toList();
        assertEquals(8, counted.size(), "one counted trial per configuration and round: " + String.join("\n", rounds));
        for (String line : counted) {
            String[] f = line.split(",", -1);
            assertTrue(Double.parseDouble(f[6]) > 0, "scored: " + line);
            for (int column = 11; column <= 12; column++) {
                double cores = Double.parseDouble(f[column]);
                assertTrue(cores > 0 && cores < 2.5, "server and client cores are CPU time over wall time: " + line);
            }
            assertTrue(Double.parseDouble(f[16]) > 0.3 && Double.parseDouble(f[17]) > 0.3, "calibrated against the run's reference: " + line);
        }
        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json"))).getAsJsonArray();
        assertEquals(8, jmh.size(), "every counted trial's JMH result");
        JsonObject secondary = jmh.get(0).getAsJsonObject().getAsJsonObject("secondaryMetrics");
        for (String metric : List.of("serverThreads", "serverRssMiB", "serverCpuMicrosPerRequest", "serverCpuCores", "clientCpuCores",
                "otherCpuCores", "irqCpuCores", "stealCpuCores")) {
            assertTrue(secondary.has(metric), metric + " in " + secondary);
        }

        for (String id : List.of("echo-64_nio_c4_closed", "echo-64_netty-epoll_c4_r2000")) {
            for (String suffix : List.of(".hgrm", ".hlog", ".json", ".sendlag.hgrm")) {
                assertTrue(Files.size(run.resolve("configurations").resolve(id + suffix)) > 0, "merged over the rounds: " + id + suffix);
            }
            for (String trial : List.of(".r1", ".r2")) {
                for (String suffix : List.of(".json", ".hlog", ".sendlag.hlog", ".server.csv", ".jmh.json")) {
                    assertTrue(Files.size(run.resolve("rounds").resolve(id + trial + suffix)) > 0, "kept: " + id + trial + suffix);
                }
            }
            JsonObject merged = JsonParser.parseString(Files.readString(run.resolve("configurations").resolve(id + ".json"))).getAsJsonObject();
            long perRound = 0;
            for (String line : counted) {
                String[] f = line.split(",", -1);
                if (f[0].equals(id)) { // a disturbed trial's repeat counts in its place: r1-2
                    String trial = ".r" + f[1] + (f[2].equals("1") ? "" : "-" + f[2]);
                    perRound += JsonParser.parseString(Files.readString(run.resolve("rounds").resolve(id + trial + ".json"))).getAsJsonObject()
                            .get("requests").getAsLong();
                }
            }
            assertEquals(perRound, merged.get("requests").getAsLong(), "the merged summary counts every round's responses");
        }
        assertTrue(Files.size(run.resolve("configurations/echo-64_netty-epoll_c4_r2000.service.hgrm")) > 0, "uncorrected service time beside the latency");
        assertTrue(JsonParser.parseString(Files.readString(run.resolve("configurations/echo-64_netty-epoll_c4_r2000.json"))).getAsJsonObject().has("serviceTimeMillis"));
        String open = Files.readAllLines(run.resolve("summary.csv")).stream().filter(l -> l.startsWith("echo-64_nio_c4_r2000,")).findFirst().orElseThrow();
        assertTrue(open.contains(",open,2000,") && open.contains(",2,0,true,"), "2,000 req/s on 4 connections is sustained in both rounds: " + open);

        JsonObject env = JsonParser.parseString(Files.readString(run.resolve("environment.json"))).getAsJsonObject();
        for (String key : List.of("runId", "date", "jdk", "jvmFlags", "os", "machine", "git", "selectorProvider", "pinning", "jmh",
                "configurations", "order", "stability", "warnings")) {
            assertTrue(env.has(key), "environment.json has " + key + ": " + env);
        }
        JsonObject machine = env.getAsJsonObject("machine");
        for (String key : List.of("cpuModel", "cores", "openFilesLimit")) {
            assertFalse(machine.get(key).getAsString().isBlank(), key);
        }
        assertEquals(Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn")).get(0).trim(), machine.get("somaxconn").getAsString());
        assertTrue(machine.get("ephemeralPorts").getAsString().matches("\\d+-\\d+"), machine.toString());
        JsonObject stability = env.getAsJsonObject("stability");
        assertTrue(stability.get("trials").getAsInt() >= 8, stability.toString());
        assertTrue(stability.getAsJsonObject("calibrationServerCore").has("median"), stability.toString());
        assertEquals(4, env.getAsJsonArray("configurations").size(), "every configuration's settings");

        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
        assertTrue(Files.exists(run.resolve("report.html")), "the plot module ran on the new folder");
        assertTrue(Files.exists(run.resolve("ratios.csv")));
        assertTrue(Files.exists(run.resolve("charts/throughput-echo-64.png")));
    }

    @Test
    void eachRoundVisitsEveryConfigurationOnceWithTheServersOfABlockSideBySideInANewOrder() {
        Matrix matrix = Matrix.quick();
        Random random = new Random(7);
        java.util.Set<List<Configuration>> orders = new java.util.HashSet<>();
        java.util.Set<ServerVariant> firstOfPlaintext = java.util.EnumSet.noneOf(ServerVariant.class);
        for (int round = 0; round < 30; round++) {
            List<Configuration> order = Experiment.order(matrix, random);
            assertEquals(matrix.configurations().size(), order.size());
            assertEquals(new java.util.HashSet<>(matrix.configurations()), new java.util.HashSet<>(order), "each configuration once");
            for (Matrix.Block block : matrix.blocks()) {
                List<Integer> places = block.configurations().stream().map(order::indexOf).sorted().toList();
                assertEquals(places.get(0) + places.size() - 1, (int) places.get(places.size() - 1), "a block's servers take their turns back to back");
            }
            orders.add(order);
            Matrix.Block plaintext = matrix.blocks().get(0);
            firstOfPlaintext.add(order.stream().filter(plaintext.configurations()::contains).findFirst().orElseThrow().server());
        }
        assertEquals(30, orders.size(), "a new order each round");
        assertEquals(matrix.blocks().get(0).configurations().size(), firstOfPlaintext.size(), "every server of a block goes first in some round");
    }

    @Test
    void aTrialIsDisturbedWhenACoreWasSlowOrSomethingElseRan() {
        assertEquals("", Experiment.disturbance(1.0, 1.2, 0.05, 0.0));
        assertTrue(Experiment.disturbance(1.3, 1.0, 0.0, 0.0).startsWith("calibration 1.30× on the server's core"));
        assertTrue(Experiment.disturbance(1.0, 1.0, 0.25, 0.0).contains("other processes used 0.25 cores"));
        assertTrue(Experiment.disturbance(1.0, 1.0, 0.0, 0.1).contains("steal 0.10 cores"));
        assertTrue(Experiment.disturbance(Double.NaN, Double.NaN, Double.NaN, Double.NaN).isEmpty(), "nothing known, nothing said");
    }

    /** Nothing censored: a configuration with errors keeps its throughput and latency, and says how many failed and how. */
    @Test
    void errorsAreKeptBesideTheScoreTheyCameWith() throws IOException {
        // The pool's 200 threads serve 200 connections; the 10 more wait unanswered and time out.
        Matrix matrix = new Matrix("test", List.of(
                new Matrix.Group(List.of(Workload.PLAINTEXT), List.of(ServerVariant.POOL), List.of(210), Matrix.CLOSED)), 1, 2, 1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(matrix, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        String id = "plaintext_pool_c210_closed";
        assertTrue(output.matches("(?s).*req/s, \\d+ errors \\(\\d+ (timeout|unanswered)\\).*"), output);
        assertFalse(output.contains("FAILED"), output);
        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json"))).getAsJsonArray();
        assertEquals(1, jmh.size(), "scored despite its errors");
        assertEquals(0, JsonParser.parseString(Files.readString(run.resolve("failures.json"))).getAsJsonArray().size());
        JsonObject summary = JsonParser.parseString(Files.readString(run.resolve("configurations").resolve(id + ".json"))).getAsJsonObject();
        assertTrue(summary.getAsJsonObject("errors").get("timeout").getAsLong() + summary.getAsJsonObject("errors").get("unanswered").getAsLong() > 0,
                summary.toString());
        assertTrue(summary.get("requests").getAsLong() > 0, "the 200 served connections' responses are kept");
        String row = Files.readAllLines(run.resolve("summary.csv")).stream().filter(l -> l.startsWith(id + ",")).findFirst().orElseThrow();
        assertTrue(row.matches(".*,[1-9]\\d*,[0-9.]+,errors: \\d+ (timeout|unanswered).*$"), "the table says how many failed: " + row);
        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingStarts() throws Exception {
        assertRefused("iolab.servers", "nio,foo", "unknown server 'foo' (known: thread-per-connection, pool,");
        assertRefused("iolab.workloads", "echo", "unknown workload 'echo' (known: echo-64,");
        assertRefused("iolab.connections", "0", "connections must be from 1 to 15000");
        assertRefused("iolab.connections", "ten", "connections must be a whole number: 'ten'");
        assertRefused("iolab.loads", "closed,fast", "a load is 'closed' or an open loop's rate in requests per second");
        assertRefused("iolab.loads", "0.5", "a load is 'closed' or an open loop's rate");
        assertRefused("iolab.rounds", "0", "rounds must be at least 1");
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
        assertTrue(quick.configurations().contains(new Configuration(ServerVariant.POOL, Workload.PLAINTEXT, 1_000, 0)));
        assertTrue(quick.configurations().contains(new Configuration(ServerVariant.THREAD_PER_CONNECTION, Workload.PLAINTEXT, 1_000, 0)),
                "thread-per-connection at the largest connection count: the behaviour the lab exists to show");
        assertTrue(quick.configurations().stream().anyMatch(c -> c.workload() == Workload.ECHO_64));
        assertTrue(quick.configurations().stream().anyMatch(c -> c.workload() == Workload.DELAY_10MS && c.openLoop()));
        assertTrue(quick.rounds() >= 6, "six rounds: the fewest whose order-statistic interval reaches 95%");

        Properties narrow = new Properties();
        narrow.setProperty("iolab.servers", "nio,virtual");
        narrow.setProperty("iolab.connections", "100,1000");
        Matrix narrowed = Matrix.fromProperties(narrow);
        assertTrue(narrowed.configurations().stream().allMatch(c -> (c.server() == ServerVariant.NIO || c.server() == ServerVariant.VIRTUAL)
                && (c.connections() == 100 || c.connections() == 1000)), narrowed.configurations().toString());
        assertTrue(Matrix.fromProperties(props("iolab.matrix", "full")).trials() > quick.trials());
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
