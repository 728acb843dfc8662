package iolab.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.bench.hosts.HostsFile;
import iolab.bench.hosts.NamespacedHosts;
import iolab.bench.hosts.Preflight;
import iolab.runfiles.ConfigurationId;
import iolab.runfiles.IntervalLog;
import iolab.runfiles.Trial;
import iolab.servers.ServerVariant;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The experiment across hosts, simulated in network namespaces: the server on one host, the load from two others over
 * their own veth links, every process started over real ssh. A trial's files are the sum of its load hosts' (counts
 * add, the merged percentiles are those of one histogram holding every value); a load host killed in the middle of a
 * trial makes it partial, naming the host, and what the other measured is kept; the report says who played which role.
 */
class AcrossHostsTest {

    @TempDir
    static Path dir;

    private static NamespacedHosts simulated;
    private static HostTrials.Deployed hosts;
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @BeforeAll
    static void simulateHosts() throws Exception {
        Assumptions.assumeTrue(
                NamespacedHosts.unavailable().isEmpty(),
                () -> "no simulated hosts here: " + NamespacedHosts.unavailable().orElse(""));
        simulated = new NamespacedHosts(dir, 3, 3);
        Path file = dir.resolve("hosts");
        // Pinned as on one machine: the server on core 0, the load on core 1.
        Files.writeString(file, String.join("\n",
                simulated.line("server", 0, "java=" + JAVA + " cpus=0"),
                simulated.line("load", 1, "java=" + JAVA + " cpus=1"),
                simulated.line("load", 2, "java=" + JAVA + " cpus=1"),
                ""));
        hosts = HostTrials.deploy(Preflight.check(HostsFile.read(file)), "test");
    }

    @AfterAll
    static void removeThem() throws Exception {
        if (simulated != null) {
            simulated.close();
        }
    }

    private static Path run(String name, List<Long> loads, int iterations, PrintStream out) throws Exception {
        Matrix matrix = new Matrix(
                name,
                List.of(new Matrix.Group(List.of(Workload.PLAINTEXT), List.of(ServerVariant.NIO), List.of(20), loads)),
                1,
                iterations,
                Duration.ofSeconds(1),
                1,
                Duration.ZERO);
        return Experiment.run(matrix, dir.resolve(name), out, (folder, warnings) ->
                new HostTrials(hosts, matrix, folder, out, warnings));
    }

    private static long count(Path hlog) throws Exception {
        return IntervalLog.read(hlog).stream().mapToLong(Histogram::getTotalCount).sum();
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    @Test
    void aTrialFromTwoLoadHostsIsTheSumOfItsParts() throws Exception {
        Path run = run("merged", List.of(0L, 2_000L), 2, new PrintStream(new ByteArrayOutputStream()));
        Path rounds = run.resolve("rounds");
        for (long load : List.of(0L, 2_000L)) {
            String id = new Configuration(ServerVariant.NIO, Workload.PLAINTEXT, 20, load).id();
            String trial = id + ".r1";
            Path h1 = rounds.resolve(trial + ".h1.hlog");
            Path h2 = rounds.resolve(trial + ".h2.hlog");
            assertTrue(Files.exists(h1) && Files.exists(h2), "each load host's log came back: " + trial);
            Histogram all = new Histogram(3);
            IntervalLog.read(h1).forEach(all::add);
            IntervalLog.read(h2).forEach(all::add);
            Histogram merged = new Histogram(3);
            IntervalLog.read(rounds.resolve(trial + ".hlog")).forEach(merged::add);
            assertTrue(all.getTotalCount() > 0, trial + " measured something");
            assertEquals(count(h1) + count(h2), count(rounds.resolve(trial + ".hlog")), "merged count is the sum");
            for (double p : new double[] {50, 90, 99, 99.9, 100}) {
                assertEquals(all.getValueAtPercentile(p), merged.getValueAtPercentile(p),
                        trial + ": p" + p + " of the merge is that of one histogram of every value");
            }
            long parts = json(rounds.resolve(trial + ".h1.json")).get("requests").getAsLong()
                    + json(rounds.resolve(trial + ".h2.json")).get("requests").getAsLong();
            assertEquals(parts, json(rounds.resolve(trial + ".json")).get("requests").getAsLong());
            assertEquals(20, json(rounds.resolve(trial + ".json")).getAsJsonObject("connections").get("total")
                    .getAsInt(), "10 connections from each host");
            assertEquals(parts, json(run.resolve(ConfigurationId.FOLDER).resolve(id + ".json"))
                    .get("requests").getAsLong(), "the configuration's one round is the trial");
        }
        JsonObject environment = json(run.resolve("environment.json"));
        assertFalse(environment.has("machine") || environment.has("pinning"),
                "the controller's machine and pinning are not presented as the measured ones");
        assertTrue(environment.getAsJsonObject("controller").has("machine"));
        JsonObject roles = environment.getAsJsonObject("hosts");
        assertEquals("across hosts: 1 server host, 2 load host(s)", roles.get("roles").getAsString());
        assertEquals("root@" + simulated.address(0), roles.getAsJsonObject("server").get("destination").getAsString());
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("across hosts: 1 server host, 2 load host(s)"), "the report shows the roles");
        assertTrue(Files.readString(run.resolve("logs/nio_http.server.log")).contains(simulated.address(0)),
                "the server listened on the server host's address");
    }

    @Test
    void aLoadHostKilledMidRunMakesTheTrialPartialAndKeepsTheOthersFigures() throws Exception {
        AtomicBoolean killed = new AtomicBoolean();
        Path started = Path.of(hosts.workDirs().get(hosts.load().get(1).host()),
                new Configuration(ServerVariant.NIO, Workload.PLAINTEXT, 20, 0).id() + ".r1.h2.hlog");
        Thread killer = Thread.ofPlatform().start(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            try {
                while (!Files.exists(started) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(6_000); // its log is opened as the trial is sent: this is inside its measurement
                // The simulated hosts share this machine's processes: load host 2's client is found by its name.
                Optional<ProcessHandle> client = ProcessHandle.allProcesses()
                        .filter(p -> p.info().commandLine().orElse("")
                                .contains("-Diolab.load=root@" + simulated.address(2) + " "))
                        .findFirst();
                killed.set(client.isPresent() && client.get().destroyForcibly());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Path run = run("killed", List.of(0L), 8, new PrintStream(new ByteArrayOutputStream()));
        killer.join();
        assertTrue(killed.get(), "load host 2's client was killed");
        Trial first = Trial.read(run.resolve(Trial.FILE)).stream()
                .filter(t -> t.round() == 1 && t.attempt() == 1)
                .findFirst()
                .orElseThrow();
        assertTrue(first.scored(), "load host 1's figures are kept: " + first);
        assertTrue(first.disturbed().contains("partial: ")
                        && first.disturbed().contains("load host root@" + simulated.address(2) + ":2222's client died"),
                first.disturbed());
        Path rounds = run.resolve("rounds");
        String trial = new Configuration(ServerVariant.NIO, Workload.PLAINTEXT, 20, 0).id() + ".r1";
        assertEquals(count(rounds.resolve(trial + ".h1.hlog")), count(rounds.resolve(trial + ".hlog")),
                "the merge holds what load host 1 measured");
        assertTrue(
                new String(Files.readAllBytes(run.resolve("environment.json")), StandardCharsets.UTF_8)
                        .contains("'s client died"),
                "environment.json lists the partial trial");
    }
}
