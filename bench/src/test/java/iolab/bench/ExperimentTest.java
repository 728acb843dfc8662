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
import java.util.ArrayList;
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
    void eachRoundVisitsEveryConfigurationOnceWithTheServersOfABlockSideBySideInANewOrder() {
        Matrix matrix = Matrix.quick();
        Random random = new Random(7);
        java.util.Set<List<Configuration>> orders = new java.util.HashSet<>();
        java.util.Set<ServerVariant> firstOfPlaintext = java.util.EnumSet.noneOf(ServerVariant.class);
        for (int round = 0; round < 30; round++) {
            List<Configuration> order = Experiment.order(matrix, random);
            assertEquals(matrix.configurations().size(), order.size());
            assertEquals(
                    new java.util.HashSet<>(matrix.configurations()),
                    new java.util.HashSet<>(order),
                    "each configuration once");
            for (Matrix.Block block : matrix.blocks()) {
                List<Integer> places = block.configurations().stream()
                        .map(order::indexOf)
                        .sorted()
                        .toList();
                assertEquals(
                        places.get(0) + places.size() - 1,
                        (int) places.get(places.size() - 1),
                        "a block's servers take their turns back to back");
            }
            orders.add(order);
            Matrix.Block plaintext = matrix.blocks().get(0);
            firstOfPlaintext.add(order.stream()
                    .filter(plaintext.configurations()::contains)
                    .findFirst()
                    .orElseThrow()
                    .server());
        }
        assertEquals(30, orders.size(), "a new order each round");
        assertEquals(
                matrix.blocks().get(0).configurations().size(),
                firstOfPlaintext.size(),
                "every server of a block goes first in some round");
    }

    @Test
    void roundZeroWarmsEachServerWorkloadAndLoopAtItsLargestCountThenVisitsTheOtherCounts() {
        Matrix quick = Matrix.quick();
        List<Configuration> warmUp = quick.warmUp();
        assertEquals(
                warmUp.size(),
                warmUp.stream()
                        .map(c -> c.serverProcess() + c.workload() + c.openLoop())
                        .distinct()
                        .count(),
                "once each");
        assertEquals(
                quick.configurations().stream()
                        .map(c -> c.serverProcess() + c.workload() + c.openLoop())
                        .distinct()
                        .count(),
                warmUp.size(),
                "every server, workload and loop of the matrix");
        Configuration largest = new Configuration(ServerVariant.THREAD_PER_CONNECTION, Workload.PLAINTEXT, 10_000, 0);
        assertTrue(
                warmUp.contains(largest), "its 10,000 threads are started once before the counted rounds: " + warmUp);
        Configuration smaller = new Configuration(ServerVariant.THREAD_PER_CONNECTION, Workload.PLAINTEXT, 10, 0);
        assertEquals(
                Matrix.SECOND_ITERATION.multipliedBy(Matrix.WARM_UP_ROUND_ITERATIONS),
                quick.measurementOf(largest, 0),
                "a long trial in round 0");
        assertEquals(quick.measurementOf(largest), quick.measurementOf(largest, 1), "a counted one after it");
        assertEquals(quick.iterations(), quick.iterationsOf(smaller, 0), "round 0 visits the other counts too");
        assertEquals(quick.measurementOf(smaller), quick.measurementOf(smaller, 0), "as a counted round does");
        assertTrue(
                quick.configurations().stream().noneMatch(Configuration::openLoop)
                        && !quick.searches().isEmpty(),
                "the quick matrix's open loop is its capacity searches', which warm up with a probe of their own in "
                        + "round 0");
    }

    @Test
    void aLongWarmUpIsRunAgainWhileItsLastSecondStillRose() {
        JsonObject rising = JsonParser.parseString(
                "{\"primaryMetric\": {\"score\": 156500, \"rawData\": [[92000.0, 221000.0]]}}").getAsJsonObject();
        JsonObject steady = JsonParser.parseString(
                "{\"primaryMetric\": {\"score\": 296000, \"rawData\": [[309000.0, 277000.0]]}}").getAsJsonObject();
        JsonObject one = JsonParser.parseString(
                "{\"primaryMetric\": {\"score\": 1000, \"rawData\": [[1000.0]]}}").getAsJsonObject();
        assertTrue(Experiment.lastRise(rising) > Experiment.STILL_RISING, "92,000 then 221,000: still compiling");
        assertFalse(Experiment.lastRise(steady) > Experiment.STILL_RISING, "309,000 then 277,000: steady, or noise");
        assertTrue(Double.isNaN(Experiment.lastRise(one)), "one iteration says nothing of a rise");
        assertTrue(Double.isNaN(Experiment.lastRise(null)), "across hosts JMH did not run the trial");
    }

    @Test
    void aTrialIsDisturbedWhenACoreWasSlowOrSomethingElseRan() {
        assertEquals("", TrialRunner.disturbance(1.0, 1.2, 0.12, 0.07), "0.19 cores taken in all: not enough");
        assertTrue(TrialRunner.disturbance(1.3, 1.0, 0.0, 0.0).startsWith("calibration 1.30× on the server's core"));
        assertEquals(
                "other processes used 0.25 cores and steal 0.00", TrialRunner.disturbance(1.0, 1.0, 0.25, 0.0));
        assertEquals(
                "other processes used 0.12 cores and steal 0.10",
                TrialRunner.disturbance(1.0, 1.0, 0.12, 0.1),
                "neither is enough alone, both together are");
        assertTrue(
                TrialRunner.disturbance(Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                        .isEmpty(),
                "nothing known, nothing said");
    }

    @Test
    void theCalibrationReferenceIsTheCoreLeftToItselfEvenWhenTheRunStartedBesideABusyNeighbour() {
        Calibration.Reference reference = new Calibration.Reference();
        assertEquals(0, reference.millis().length, "no timing, no reference");
        for (int i = 0; i < 7; i++) {
            reference.add(new double[] {20.0 + i / 10.0, 19.0});
        }
        assertEquals(20.1, reference.millis()[0], 1e-9, "the start alone: busy, and all there is");
        // Round 0: a minute of trials, the neighbour busy in half of them.
        for (int i = 0; i < 16; i++) {
            reference.add(new double[] {i % 2 == 0 ? 14.0 + i / 100.0 : 17.0, i % 2 == 0 ? 14.5 : 18.0});
        }
        assertEquals(14.1, reference.millis()[0], 1e-9, "the lower quartile of 23: the 6th fastest");
        assertEquals(14.5, reference.millis()[1], 1e-9);
        Calibration.Reference unpinned = new Calibration.Reference();
        unpinned.add(new double[] {Double.NaN});
        assertTrue(Double.isNaN(unpinned.millis()[0]), "a core never timed has no reference");
    }

    @Test
    void aRunIsBusyWhenAQuarterOfItsTrialsWereDisturbedOrTheMedianTrialLostATenthOfACore() {
        assertEquals("", TrialRunner.busy(trials(100, 25, 0.02)), "a quarter disturbed, little taken: quiet enough");
        assertTrue(
                TrialRunner.busy(trials(100, 26, 0.02)).startsWith(
                        "the machine was busy during this run: 26 of 100 trials (26%) were disturbed, and other "
                                + "processes and steal took a median 0.02 cores"),
                TrialRunner.busy(trials(100, 26, 0.02)));
        assertTrue(
                TrialRunner.busy(trials(100, 2, 0.11)).contains("took a median 0.11 cores"),
                "few disturbed, but every trial had a tenth of a core taken");
        assertEquals("", TrialRunner.busy(trials(100, 2, 0.10)));
        assertEquals("", TrialRunner.busy(List.of()), "no trials, nothing said");
    }

    /** {@code n} trials, the first {@code disturbed} of them disturbed, other processes taking {@code other}. */
    private static List<iolab.runfiles.Trial> trials(int n, int disturbed, double other) {
        List<iolab.runfiles.Trial> trials = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            trials.add(new iolab.runfiles.Trial(
                    "plaintext_nio_c10_closed",
                    1 + i,
                    1,
                    1 + i,
                    true,
                    i < disturbed ? "other processes used 0.30 cores and steal 0.00" : "",
                    1000.0,
                    0,
                    new iolab.runfiles.Trial.Cost(null, null, null, null, null, other, 0.0, 0.0),
                    iolab.runfiles.Trial.Calibration.NONE,
                    ""));
        }
        return trials;
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
        assertRefused("iolab.slo", "fast", "slo is the capacity searches' p99 goal in milliseconds");
        assertRefused("iolab.slo", "0", "slo is the capacity searches' p99 goal in milliseconds");
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
        assertTrue(
                quick.configurations().contains(new Configuration(ServerVariant.POOL, Workload.PLAINTEXT, 1_000, 0)));
        for (ServerVariant model : List.of(
                ServerVariant.THREAD_PER_CONNECTION,
                ServerVariant.POOL,
                ServerVariant.VIRTUAL,
                ServerVariant.NIO,
                ServerVariant.NETTY_EPOLL)) {
            for (int connections : List.of(10, 100, 1_000, 10_000)) {
                assertTrue(
                        quick.configurations().contains(new Configuration(model, Workload.PLAINTEXT, connections, 0)),
                        "plaintext from 10 to 10,000 connections (C10k) on " + model.label() + ": " + connections);
            }
        }
        assertTrue(quick.configurations().stream().anyMatch(c -> c.workload() == Workload.ECHO_64));
        assertEquals(
                List.of(new Matrix.Search(
                        Workload.PLAINTEXT,
                        1_000,
                        10,
                        List.of(
                                ServerVariant.POOL,
                                ServerVariant.VIRTUAL,
                                ServerVariant.NIO,
                                ServerVariant.NETTY_EPOLL))),
                quick.searches(),
                "capacity at p99 <= 10 ms, plaintext at 1,000 connections");
        Matrix stricter = Matrix.fromProperties(props("iolab.slo", "2.5"));
        assertEquals(2.5, stricter.searches().get(0).sloMillis(), "-Dslo= sets the goal");
        assertEquals(
                50,
                Matrix.fromProperties(props("iolab.matrix", "full")).searches().stream()
                        .filter(s -> s.workload() == Workload.DELAY_10MS)
                        .findFirst()
                        .orElseThrow()
                        .sloMillis(),
                "/delay's own goal is 50 ms");
        assertTrue(quick.rounds() >= 6, "six rounds: the fewest whose order-statistic interval reaches 95%");

        Properties narrow = new Properties();
        narrow.setProperty("iolab.servers", "nio,virtual");
        narrow.setProperty("iolab.connections", "100,1000");
        Matrix narrowed = Matrix.fromProperties(narrow);
        assertTrue(
                narrowed.configurations().stream()
                        .allMatch(c -> (c.server() == ServerVariant.NIO || c.server() == ServerVariant.VIRTUAL)
                                && (c.connections() == 100 || c.connections() == 1000)),
                narrowed.configurations().toString());
        assertTrue(Matrix.fromProperties(props("iolab.matrix", "full")).trials() > quick.trials());
    }

    @Test
    void noServerIsPlannedForAWorkloadItDoesNotServe() {
        for (Configuration c : Matrix.full().configurations()) {
            assertTrue(c.workload().servedBy(c.server()), c.describe());
        }
        assertTrue(
                Matrix.full().configurations().stream()
                        .noneMatch(c -> c.server() == ServerVariant.NETTY_EPOLL && c.workload() == Workload.FILE_1M),
                "the references have no /files");
    }

    @Test
    void aDisturbedRoundIsMeasuredAgainInPassesUpToThreeAttemptsWhileTheBudgetHasRoom() {
        Configuration quietAgain = new Configuration(ServerVariant.NIO, Workload.PLAINTEXT, 10, 0);
        Configuration twiceMore = new Configuration(ServerVariant.POOL, Workload.PLAINTEXT, 10, 0);
        Configuration noRoomForAThird = new Configuration(ServerVariant.VIRTUAL, Workload.PLAINTEXT, 10, 0);
        Configuration noRoom = new Configuration(ServerVariant.NETTY_EPOLL, Workload.PLAINTEXT, 10, 0);
        List<String> measured = new ArrayList<>();
        Experiment.repeatPasses(
                List.of(quietAgain, twiceMore, noRoomForAThird, noRoom),
                (c, attempt) -> c != noRoom && !(c == noRoomForAThird && attempt == 3),
                (c, attempt) -> {
                    measured.add(c.server().label() + " " + attempt);
                    return c != quietAgain; // the others are still disturbed after every attempt
                });
        assertEquals(
                List.of("nio 2", "pool 2", "virtual 2", "pool 3"),
                measured,
                "a pass of second attempts, then a pass of thirds for those still disturbed; none beyond the "
                        + Experiment.ATTEMPTS + " attempts, none the budget has no room for");
    }

    private static void assertRefused(String key, String value, String message) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Matrix.fromProperties(props(key, value)));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
