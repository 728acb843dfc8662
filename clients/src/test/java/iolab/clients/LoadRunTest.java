package iolab.clients;

import iolab.clients.echo.EchoWorkload;

import iolab.clients.http.HttpWorkload;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A load read while it runs, as the bench module reads it inside JMH iterations. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadRunTest {

    @Test
    void nothingIsRecordedBeforeStartRecordingAndEverythingAfter() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Target target = Target.parse(server.url("/"));
            LoadSettings settings = new LoadSettings(
                    target,
                    new HttpWorkload("GET", "/", target.host(), List.of(), new byte[0]),
                    1,
                    4,
                    0,
                    1,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                await("the server to see the warm-up", () -> server.requests.get(), 200);
                assertEquals(0, run.completed(), "warm-up responses are not recorded");
                run.startRecording();
                await("recorded responses", run::completed, 500);
                Histogram interval = run.intervalHistogram(null);
                assertTrue(interval.getTotalCount() >= 500, "interval count " + interval.getTotalCount());
                run.stop();
                long recorded = run.completed();
                assertTrue(
                        recorded < server.requests.get(),
                        "the warm-up's requests reached the server but were not counted");
                assertEquals(0, run.errorCount(), run.errors().toString());
                assertEquals(recorded, run.statuses().get(200));
            }
        }
    }

    @Test
    void aMalformedChunkIsItsConnectionsBadResponseAndTheLoopServesTheOthersOn() throws Exception {
        try (TestServers.Raw server = new TestServers.Raw(TestServers.negativeChunkOnThirdResponse())) {
            Target target = Target.parse(server.url("/"));
            LoadSettings settings = new LoadSettings(
                    target,
                    new HttpWorkload("GET", "/", target.host(), List.of(), new byte[0]),
                    1,
                    4,
                    0,
                    1,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.startRecording();
                // Each connection is remade after its bad response: two good responses per connection made, many times
                // over.
                await("good responses on remade connections", run::completed, 200);
                run.stop();
                long bad = run.errors().getOrDefault(ErrorKind.BAD_RESPONSE, 0L);
                assertTrue(
                        bad >= 90 && Math.abs(run.completed() - 2 * bad) <= 8,
                        "two good, then one bad, per connection: " + run.completed() + " good, " + run.errors());
                assertTrue(run.badResponse().contains("malformed chunk size '-100'"), run.badResponse());
            }
        }
    }

    @Test
    void everyPipelinedRequestOnAFailedConnectionIsCountedOnce() throws Exception {
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
        try (TestServers.Raw server = new TestServers.Raw(TestServers.resettingAfterFour(seen))) {
            Target target = Target.parse(server.url("/"));
            // Eight in flight per connection, in one write; four answered, then a reset: four lost each time.
            LoadSettings settings = new LoadSettings(
                    target,
                    new HttpWorkload("GET", "/", target.host(), List.of(), new byte[0]),
                    1,
                    2,
                    0,
                    8,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.startRecording();
                await("responses", run::completed, 400);
                run.stop();
                RequestAccount account = run.account();
                assertTrue(account.balances(), account.toString());
                long errors = run.errors().getOrDefault(ErrorKind.READ, 0L);
                assertTrue(
                        Math.abs(run.completed() - errors) <= 64,
                        "as many lost as answered: " + run.completed() + " answered, " + run.errors());
                // Every request the server read is accounted for; those it did not read before its reset are among the
                // failed.
                await("requests the server read", seen::get, account.issued() - account.failed());
                assertTrue(seen.get() <= account.issued(), "the server read " + seen.get() + " of " + account);
            }
        }
    }

    @Test
    void whatIsStillAwaitedOrOwedWhenTheRunEndsIsCountedNotDropped() throws Exception {
        // A server that reads and never answers: each connection's first request waits, and every later slot is owed.
        try (TestServers.Raw server =
                new TestServers.Raw(socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()))) {
            Target target = Target.parse(server.url("/"));
            LoadSettings settings = new LoadSettings(
                    target,
                    new HttpWorkload("GET", "/", target.host(), List.of(), new byte[0]),
                    1,
                    2,
                    1_000,
                    1,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
            long started;
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                started = System.nanoTime();
                Thread.sleep(500);
                double seconds = (System.nanoTime() - started) / 1e9; // no slot comes once the load stops
                run.stop(Duration.ofMillis(100));
                assertEquals(
                        2,
                        run.errors().get(ErrorKind.UNANSWERED),
                        "one request in flight on each connection: " + run.errors());
                long unsent = run.errors().get(ErrorKind.UNSENT);
                long due = Math.round(1_000 * seconds);
                assertTrue(
                        unsent >= due - 2 - 20 && unsent <= due + 20,
                        "every slot of the schedule but the two sent is owed: " + unsent + " of about " + due);
                assertEquals(0, run.completed());
            }
        }
    }

    @Test
    void aRequestSentInTheWarmUpThatFailsInTheMeasurementIsCountedThere() throws Exception {
        // A server that reads and never answers: each connection's first request is sent before the recording starts
        // and times out after it; it waited into the measurement, as an unanswered one does, and is not dropped.
        AtomicInteger received = new AtomicInteger(); // connections whose request has arrived
        try (TestServers.Raw server = new TestServers.Raw(socket -> {
            if (socket.getInputStream().read() >= 0) {
                received.incrementAndGet();
            }
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        })) {
            LoadSettings settings = new LoadSettings(
                    Target.parse(server.target()),
                    new EchoWorkload(8),
                    1,
                    4,
                    0,
                    1,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(5),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                run.startRecording();
                await("a request on each connection made again after its first timed out", received::get, 8);
                run.stop(Duration.ofMillis(100));
                assertEquals(4, run.errors().get(ErrorKind.TIMEOUT), "the warm-up's four requests: " + run.errors());
                assertEquals(
                        4,
                        run.errors().get(ErrorKind.UNANSWERED),
                        "the four sent again, still awaited: " + run.errors());
                RequestAccount account = run.account();
                assertEquals(8, account.issued(), account.toString());
                assertTrue(account.balances(), account.toString());
            }
        }
    }

    @Test
    void poissonArrivalsKeepTheMeanRateWithExponentialGaps() throws Exception {
        Target target = Target.parse("127.0.0.1:9");
        Workload echo = new EchoWorkload(8);
        ClientLoop fixed = new ClientLoop(
                new LoadSettings(
                        target,
                        echo,
                        1,
                        10,
                        1_000,
                        1,
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1)),
                LoadRun.Recorders.create(),
                10,
                0,
                System.nanoTime());
        ClientLoop poisson = new ClientLoop(
                new LoadSettings(
                                target,
                                echo,
                                1,
                                10,
                                1_000,
                                1,
                                Duration.ZERO,
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1),
                                Duration.ofSeconds(1))
                        .withPoisson(),
                LoadRun.Recorders.create(),
                10,
                0,
                System.nanoTime());
        assertEquals(10_000_000, fixed.nextGapNanos(), "10 connections at 1,000/s: a slot each 10 ms");
        int n = 200_000;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++) {
            double gap = poisson.nextGapNanos();
            sum += gap;
            squares += gap * gap;
        }
        double mean = sum / n;
        double cv = Math.sqrt(squares / n - mean * mean) / mean;
        assertEquals(10_000_000, mean, 100_000, "the same mean gap");
        assertEquals(1.0, cv, 0.02, "exponential gaps: their standard deviation equals their mean");
    }

    @Test
    void connectionsThatGetNoAnswerAreCountedAsStarvedAndTheirWaitsEnterTheLatencyAsLowerBounds() throws Exception {
        // Like a pool of 2 threads behind 10 connections: the first two connections are echoed, the others only read.
        try (TestServers.Raw server = new TestServers.Raw(TestServers.servingOnlyTheFirst(2))) {
            LoadSettings settings = new LoadSettings(
                    Target.parse(server.target()),
                    new EchoWorkload(8),
                    1,
                    10,
                    0,
                    1,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                Thread.sleep(200);
                run.startRecording();
                await("recorded responses", run::completed, 1_000);
                Thread.sleep(300);
                run.stop(Duration.ofMillis(100));
                ConnectionShares shares = run.connections();
                assertEquals(10, shares.connections());
                assertEquals(2, shares.served(), shares.toString());
                assertEquals(8, shares.starved());
                assertEquals(0, shares.min());
                assertTrue(
                        shares.fairness() > 0.15 && shares.fairness() <= 0.2 + 1e-9,
                        "two of ten served alike: Jain's index near 2/10, " + shares);
                Histogram latency = run.intervalHistogram(null);
                Histogram censored = run.censored();
                assertTrue(censored.getTotalCount() > 0, "the eight blocked connections are in the record");
                double share = (double) censored.getTotalCount() / latency.getTotalCount();
                assertTrue(
                        share > 0.6 && share < 0.95,
                        "about 8 of 10 connections' worth of the record is censored: " + share);
                assertTrue(LoadResult.lowerBound(latency, censored, 50), "the p50 reaches into the censored share");
                assertTrue(
                        latency.getValueAtPercentile(50) >= 100_000_000L,
                        "a blocked request waited at least the drain: " + latency.getValueAtPercentile(50) / 1e6
                                + " ms");
                assertTrue(
                        !LoadResult.lowerBound(latency, censored, 1), "the served connections' fast answers are exact");
                assertEquals(
                        8, run.errors().get(ErrorKind.UNANSWERED), run.errors().toString());
            }
        }
    }

    @Test
    void aStarvedConnectionsWaitRunsOnThroughItsTimeoutsAndReconnects() throws Exception {
        // Two of ten connections served, the others only read, with a timeout far shorter than the window: each starved
        // connection times out and is made again, still unserved, several times. Its user has waited since its first
        // request, so the censored waits reach past the timeout; cut at each timeout, the p50 could never exceed it.
        try (TestServers.Raw server = new TestServers.Raw(TestServers.servingOnlyTheFirst(2))) {
            Duration timeout = Duration.ofMillis(150);
            LoadSettings settings = new LoadSettings(
                    Target.parse(server.target()),
                    new EchoWorkload(8),
                    1,
                    10,
                    0,
                    1,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(2),
                    timeout,
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                run.startRecording();
                await("recorded responses", run::completed, 1_000);
                Thread.sleep(800); // the window: about five timeouts long
                run.stop(Duration.ofMillis(100));
                assertTrue(
                        run.errors().get(ErrorKind.TIMEOUT) >= 8 * 3,
                        "each starved connection timed out again and again: " + run.errors());
                assertEquals(2, run.connections().served(), run.connections().toString());
                Histogram latency = run.intervalHistogram(null);
                assertTrue(
                        LoadResult.lowerBound(latency, run.censored(), 50), "the p50 reaches into the censored share");
                assertTrue(
                        latency.getValueAtPercentile(50) >= 2 * timeout.toNanos(),
                        "the p50 is a wait through several timeouts: " + latency.getValueAtPercentile(50) / 1e6
                                + " ms");
                assertTrue(run.account().balances(), run.account().toString());
            }
        }
    }

    @Test
    void connectionsLeftWaitingThroughTheWindowAndAnsweredInTheDrainEnterTheLatencyAtTheWaitsTheyHad()
            throws Exception {
        // Like thread-per-connection with more runnable threads than the core turns over: two connections are echoed at
        // once, eight only 1.5 s after they connect, which is after the window and inside the drain.
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServers.Raw server = new TestServers.Raw(socket -> {
            if (accepted.incrementAndGet() > 2) {
                try {
                    Thread.sleep(1_500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            socket.getInputStream().transferTo(socket.getOutputStream());
        })) {
            LoadSettings settings = new LoadSettings(
                    Target.parse(server.target()),
                    new EchoWorkload(8),
                    1,
                    10,
                    0,
                    1,
                    Duration.ofMillis(200),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                Thread.sleep(200);
                run.startRecording();
                Thread.sleep(600);
                run.stop(Duration.ofSeconds(3));
                Histogram latency = run.intervalHistogram(null);
                assertEquals(0, run.censored().getTotalCount(), "every request was answered: nothing is censored");
                assertEquals(
                        0,
                        run.errors().values().stream()
                                .mapToLong(Long::longValue)
                                .sum(),
                        run.errors().toString());
                assertTrue(
                        latency.getValueAtPercentile(50) >= 300_000_000L,
                        "eight of ten connections waited through the window: p50 "
                                + latency.getValueAtPercentile(50) / 1e6 + " ms");
                assertTrue(
                        latency.getValueAtPercentile(5) < 50_000_000L, "the two served connections' answers are fast");
            }
        }
    }

    @Test
    void aPipelinedBatchLeavesInOneWrite() throws Exception {
        try (TestServers.Raw server =
                new TestServers.Raw(socket -> socket.getInputStream().transferTo(socket.getOutputStream()))) {
            LoadSettings settings = new LoadSettings(
                    Target.parse(server.target()),
                    new EchoWorkload(8),
                    1,
                    2,
                    0,
                    16,
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                await("responses", run::answered, 16 * 100);
                run.stop(Duration.ofSeconds(1));
                long answered = run.answered();
                long written = 16 * run.writes();
                assertTrue(written >= answered && written - answered <= 2 * 16,
                        "a write per batch of 16: " + run.writes() + " writes for " + answered + " responses");
                assertEquals(0, run.errorCount(), run.errors().toString());
            }
        }
    }

    private static void await(String what, LongSupplier count, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out waiting for " + atLeast + " " + what + ", got " + count.getAsLong());
            }
            Thread.sleep(5);
        }
    }
}
