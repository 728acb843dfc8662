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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The experiment end to end: real server processes, real JMH trials, the run folder and its report. */
class ExperimentRunTest {

    @TempDir
    Path results;

    @Test
    void aTinyMatrixRunsInRoundsAndWritesEveryFile() throws IOException {
        Matrix tiny = new Matrix(
                "test",
                List.of(new Matrix.Group(
                        List.of(Workload.ECHO_64),
                        List.of(ServerVariant.NIO, ServerVariant.NETTY_EPOLL),
                        List.of(4),
                        List.of(0L, 2_000L))),
                0,
                1,
                java.time.Duration.ofSeconds(1),
                2,
                java.time.Duration.ZERO);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(tiny, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        assertEquals(run.toRealPath(), results.resolve("latest").toRealPath(), "results/latest points at the run");
        assertTrue(output.contains("4 configurations × 2 rounds = 8 trials, after a round that warms up"), output);
        assertTrue(output.matches("(?s).*\\[  1/12\\] r0 echo-64 .*"), "round 0 warms up: " + output);
        // Round 0 may run a long trial again while it still warms up, so round 1's place is not fixed: only after it.
        assertTrue(
                output.lastIndexOf("] r0 echo-64 ") < output.indexOf("] r1 echo-64 "),
                "round 1 after every trial of round 0: " + output);
        assertTrue(output.contains("Results: " + run), output);
        assertTrue(output.contains("echo-64_nio_c4_closed"), "summary table:\n" + output);
        assertTrue(
                output.contains("nio has ") && output.contains("× the throughput of netty-epoll"),
                "a verdict:\n" + output);

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
            assertTrue(
                    Double.parseDouble(f[16]) > 0.3 && Double.parseDouble(f[17]) > 0.3,
                    "calibrated against the run's reference: " + line);
        }
        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json")))
                .getAsJsonArray();
        assertEquals(8, jmh.size(), "every counted trial's JMH result");
        JsonObject secondary = jmh.get(0).getAsJsonObject().getAsJsonObject("secondaryMetrics");
        for (String metric : List.of(
                "serverThreads",
                "serverRssMiB",
                "serverCpuMicrosPerRequest",
                "serverCpuCores",
                "clientCpuCores",
                "otherCpuCores",
                "irqCpuCores",
                "stealCpuCores",
                "connectSeconds")) {
            assertTrue(secondary.has(metric), metric + " in " + secondary);
        }

        for (String id : List.of("echo-64_nio_c4_closed", "echo-64_netty-epoll_c4_r2000")) {
            for (String suffix : List.of(".hgrm", ".hlog", ".json", ".sendlag.hgrm")) {
                assertTrue(
                        Files.size(run.resolve("configurations").resolve(id + suffix)) > 0,
                        "merged over the rounds: " + id + suffix);
            }
            for (String trial : List.of(".r1", ".r2")) {
                for (String suffix : List.of(".json", ".hlog", ".sendlag.hlog", ".server.csv", ".jmh.json")) {
                    assertTrue(
                            Files.size(run.resolve("rounds").resolve(id + trial + suffix)) > 0,
                            "kept: " + id + trial + suffix);
                }
            }
            JsonObject merged = JsonParser.parseString(
                            Files.readString(run.resolve("configurations").resolve(id + ".json")))
                    .getAsJsonObject();
            long perRound = 0;
            for (String line : counted) {
                String[] f = line.split(",", -1);
                if (f[0].equals(id)) { // a disturbed trial's repeat counts in its place: r1-2
                    String trial = ".r" + f[1] + (f[2].equals("1") ? "" : "-" + f[2]);
                    perRound += JsonParser.parseString(
                                    Files.readString(run.resolve("rounds").resolve(id + trial + ".json")))
                            .getAsJsonObject()
                            .get("requests")
                            .getAsLong();
                }
            }
            assertEquals(
                    perRound, merged.get("requests").getAsLong(), "the merged summary counts every round's responses");
        }
        assertTrue(
                Files.size(run.resolve("configurations/echo-64_netty-epoll_c4_r2000.service.hgrm")) > 0,
                "uncorrected service time beside the latency");
        assertTrue(JsonParser.parseString(
                        Files.readString(run.resolve("configurations/echo-64_netty-epoll_c4_r2000.json")))
                .getAsJsonObject()
                .has("serviceTimeMillis"));
        String open = Files.readAllLines(run.resolve("summary.csv")).stream()
                .filter(l -> l.startsWith("echo-64_nio_c4_r2000,"))
                .findFirst()
                .orElseThrow();
        // Whether the machine kept 2,000 req/s, and how many rounds it disturbed, is the experiment's to report, not
        // the test's: the row has both rounds, a count of disturbed ones that agrees with rounds.csv, and a verdict on
        // sustainability.
        String[] row = open.split(",", -1);
        assertEquals("open", row[4], open);
        assertEquals("2000", row[5], open);
        assertEquals("2", row[11], "both rounds counted: " + open);
        long disturbed = counted.stream()
                .filter(l -> l.startsWith("echo-64_nio_c4_r2000,") && !l.split(",", -1)[5].isEmpty())
                .count();
        assertEquals(String.valueOf(disturbed), row[12], "the disturbed rounds of rounds.csv: " + open);
        assertTrue(
                row[13].equals("true") || row[13].equals("false"),
                "an open loop is judged sustainable or not: " + open);

        JsonObject env = JsonParser.parseString(Files.readString(run.resolve("environment.json")))
                .getAsJsonObject();
        for (String key : List.of(
                "runId",
                "date",
                "jdk",
                "jvmFlags",
                "os",
                "machine",
                "git",
                "selectorProvider",
                "pinning",
                "jmh",
                "configurations",
                "order",
                "stability",
                "precision",
                "warnings")) {
            assertTrue(env.has(key), "environment.json has " + key + ": " + env);
        }
        JsonObject machine = env.getAsJsonObject("machine");
        for (String key : List.of("cpuModel", "cores", "openFilesLimit")) {
            assertFalse(machine.get(key).getAsString().isBlank(), key);
        }
        assertEquals(
                Files.readAllLines(Path.of("/proc/sys/net/core/somaxconn"))
                        .get(0)
                        .trim(),
                machine.get("somaxconn").getAsString());
        assertTrue(machine.get("ephemeralPorts").getAsString().matches("\\d+-\\d+"), machine.toString());
        JsonObject stability = env.getAsJsonObject("stability");
        assertTrue(stability.get("trials").getAsInt() >= 8, stability.toString());
        assertTrue(stability.getAsJsonObject("calibrationServerCore").has("median"), stability.toString());
        assertEquals(4, env.getAsJsonArray("configurations").size(), "every configuration's settings");
        JsonObject precision = env.getAsJsonObject("precision");
        assertEquals(0, precision.getAsJsonArray("extraRounds").size(), "no budget, no extra rounds: " + precision);
        assertEquals(
                4,
                precision.getAsJsonArray("reached").size()
                        + precision.getAsJsonObject("notReached").size(),
                "every configuration is either within the target or named: " + precision);
        assertTrue(
                Files.readString(run.resolve("report.html")).contains("id=\"precision\""),
                "the report says which reached it");

        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
        assertTrue(Files.exists(run.resolve("report.html")), "the plot module ran on the new folder");
        assertTrue(Files.exists(run.resolve("ratios.csv")));
        assertTrue(Files.exists(run.resolve("charts/throughput-echo-64.png")));
    }

    /**
     * Nothing censored: a configuration with errors keeps its throughput and latency, and says how many failed and how.
     */
    @Test
    void errorsAreKeptBesideTheScoreTheyCameWith() throws IOException {
        // The pool's 200 threads serve 200 connections; the 10 more wait unanswered and time out.
        Matrix matrix = new Matrix(
                "test",
                List.of(new Matrix.Group(
                        List.of(Workload.PLAINTEXT), List.of(ServerVariant.POOL), List.of(210), Matrix.CLOSED)),
                1,
                2,
                java.time.Duration.ofSeconds(1),
                1,
                java.time.Duration.ZERO);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path run = Experiment.run(matrix, results, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        String id = "plaintext_pool_c210_closed";
        assertTrue(output.matches("(?s).*req/s, \\d+ errors \\((\\d+ (timeout|unanswered)(, )?)+\\).*"), output);
        assertFalse(output.contains("FAILED"), output);
        JsonArray jmh = JsonParser.parseString(Files.readString(run.resolve("jmh.json")))
                .getAsJsonArray();
        assertEquals(1, jmh.size(), "scored despite its errors");
        assertEquals(
                0,
                JsonParser.parseString(Files.readString(run.resolve("failures.json")))
                        .getAsJsonArray()
                        .size());
        JsonObject summary = JsonParser.parseString(
                        Files.readString(run.resolve("configurations").resolve(id + ".json")))
                .getAsJsonObject();
        assertTrue(
                summary.getAsJsonObject("errors").get("timeout").getAsLong()
                                + summary.getAsJsonObject("errors")
                                        .get("unanswered")
                                        .getAsLong()
                        > 0,
                summary.toString());
        assertTrue(summary.get("requests").getAsLong() > 0, "the 200 served connections' responses are kept");
        String row = Files.readAllLines(run.resolve("summary.csv")).stream()
                .filter(l -> l.startsWith(id + ","))
                .findFirst()
                .orElseThrow();
        assertTrue(
                row.matches(".*,[1-9]\\d*,[0-9.]+,\"?errors: \\d+ (timeout|unanswered).*$"),
                "the table says how many failed: " + row);
        assertEquals(0, serversOf(run.getFileName().toString()), "no server left behind");
    }

    private static long serversOf(String runId) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains("-D" + ServerProcess.RUN_PROPERTY + "=" + runId + " ")).orElse(false)).count();
    }
}
