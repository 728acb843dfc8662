package iolab.clients.cli;

import iolab.clients.LoadSettings;
import iolab.clients.TestServers;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.servers.Model;
import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.Servers;
import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: wrk-like flags, exit statuses, files, and {@code get}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandLineTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.start(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "-c 0 127.0.0.1:1",
                "-t 2 -c 1 127.0.0.1:1",
                "--rate -5 127.0.0.1:1",
                "-d 10x 127.0.0.1:1",
                "-c 1.5k2 127.0.0.1:1",
                "-c 0.5 127.0.0.1:1",
                "--protocol smtp 127.0.0.1:1",
                "nohost",
                "--insecure http://127.0.0.1:1/",
                "--tls-resume 127.0.0.1:1",
                "-H NoColon http://127.0.0.1:1/",
                "--frob 127.0.0.1:1",
                "--poisson 127.0.0.1:1",
                "--udp --rate 10 --files x 127.0.0.1:1",
                "--start-at soon 127.0.0.1:1"
            })
    void aWrongFlagGetsAReasonAndStatus2(String args) {
        Run run = run(args.isEmpty() ? new String[0] : args.split(" "));
        assertEquals(2, run.status(), run.err());
        assertFalse(run.err().split("\n")[0].isBlank());
        assertTrue(run.err().contains("Usage: "), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }

    @Test
    void helpExplainsTheFlags() {
        Run run = run("--help");
        assertEquals(0, run.status());
        for (String flag : new String[] {
            "--threads",
            "--connections",
            "--duration",
            "--rate",
            "--timeout",
            "--pipeline",
            "--hlog",
            "--hgrm",
            "--json",
            "--warmup",
            "--poisson"
        }) {
            assertTrue(run.out().contains(flag), flag);
        }
    }

    @Test
    void poissonArrivalsDeliverTheAskedRate() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Path json = dir.resolve("poisson.json");
            Run run = run(
                    "-c", "4", "-R", "2000", "--poisson", "-d", "2s", "-q", "--json", json.toString(), server.url("/"));
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("open loop at 2000 req/s (Poisson arrivals)"), run.out());
            // The schedule's slots, answered or not: about 4,000 in 2 s (a Poisson count's spread is 63, so ±400 is six
            // of it).
            JsonObject summary = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            long slots = summary.get("requests").getAsLong()
                    + summary.getAsJsonObject("errors").entrySet().stream()
                            .mapToLong(e -> e.getValue().getAsLong())
                            .sum();
            assertEquals(4_000, slots, 400, "the mean rate is the asked one: " + summary);
        }
    }

    @Test
    void aRunPrintsProgressASummaryAndWritesItsFiles() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Path json = dir.resolve("run.json");
            Path hgrm = dir.resolve("run.hgrm");
            Path hlog = dir.resolve("run.hlog");
            Run run = run("-c", "4", "-d", "2s", "--latency", "--json", json.toString(), "--hgrm", hgrm.toString(),
                    "--hlog", hlog.toString(), server.url("/plaintext"));
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("req/s"), run.out());
            assertTrue(run.out().contains("Requests/sec:"), run.out());
            assertTrue(run.out().contains("Percentile"), run.out());
            JsonObject summary = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            assertTrue(summary.get("requestsPerSecond").getAsDouble() > 0, summary.toString());
            assertEquals(0, summary.getAsJsonObject("errors").get("connect").getAsLong(), summary.toString());
            assertTrue(summary.get("bytesRead").getAsLong() > 0, summary.toString());
            assertTrue(Files.size(hgrm) > 0 && Files.size(hlog) > 0);
        }
    }

    /**
     * What a load host of a run across hosts runs: the load waits for the agreed instant, and leaves the files a trial
     * of the experiment leaves.
     */
    @Test
    void aLoadStartsNoSoonerThanTheAgreedInstantAndLeavesATrialsFiles() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            long agreed = System.currentTimeMillis() + 1_500;
            Run run = run("-c", "4", "--warmup", "200ms", "-d", "1s", "--quiet", "--start-at", String.valueOf(agreed),
                    "--files", dir.resolve("part").toString(), server.url("/plaintext"));
            assertEquals(0, run.status(), run.err());
            for (String file : List.of(".hlog", ".json", ".hgrm", ".sendlag.hlog", ".service.hlog", ".censored.hlog",
                    ".load.json")) {
                assertTrue(Files.size(dir.resolve("part" + file)) > 0, file);
            }
            List<org.HdrHistogram.Histogram> intervals = iolab.runfiles.IntervalLog.read(dir.resolve("part.hlog"));
            assertTrue(intervals.get(0).getStartTimeStamp() >= agreed + 200,
                    "measured from the agreed instant and its warm-up on, not before: "
                            + (intervals.get(0).getStartTimeStamp() - agreed) + " ms after the instant");
            JsonObject usage = JsonParser.parseString(Files.readString(dir.resolve("part.load.json")))
                    .getAsJsonObject();
            assertTrue(usage.get("cpuCores").getAsDouble() > 0, usage.toString());
        }
    }

    @Test
    void wrk2sLatencyAndVersionFlagsWork() throws Exception {
        for (String version : new String[] {"-v", "-V", "--version"}) {
            Run run = run(version);
            assertEquals(0, run.status(), version + ": " + run.err());
            assertTrue(run.out().startsWith("iolab-client "), version + ": " + run.out());
        }
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Run open = run("-c", "2", "-d", "1s", "-R", "200", "-L", "-U", "-q", server.url("/plaintext"));
            assertEquals(0, open.status(), open.err());
            int corrected = open.out().indexOf("Percentile");
            int uncorrected = open.out().indexOf("Uncorrected latency (ms");
            assertTrue(corrected >= 0 && uncorrected > corrected, open.out());
            assertTrue(open.out().indexOf("Percentile", uncorrected) > uncorrected, "-U prints its own distribution");
            Run closed = run("-c", "2", "-d", "500ms", "--u_latency", "--latency", "-q", server.url("/plaintext"));
            assertEquals(0, closed.status(), closed.err());
            assertTrue(closed.out().contains("the closed loop times each request from its actual send"), closed.out());
        }
    }

    @Test
    void nothingSucceededIsStatus1() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Run run = run("-c", "1", "-d", "500ms", "-q", "127.0.0.1:" + port);
        assertEquals(1, run.status(), run.out());
        assertTrue(
                run.out().matches("(?s).*\n  Socket errors: connect [1-9]\\d*, read 0, write 0, timeout 0\n.*"),
                run.out());
    }

    @ParameterizedTest
    @CsvSource({"10, PT10S", "2.5, PT2.5S", "500ms, PT0.5S", "10s, PT10S", "2m, PT2M", "1h, PT1H", "0, PT0S"})
    void durationsAreReadAsWrkReadsThem(String text, String expected) {
        assertEquals(Duration.parse(expected), new Main.DurationConverter().convert(text));
    }

    @ParameterizedTest
    @CsvSource({"100, 100", "10k, 10000", "10K, 10000", "1.5k, 1500", "2M, 2000000", "1g, 1000000000"})
    void countsAndRatesTakeWrksMetricSuffixes(String text, long expected) {
        assertEquals(expected, (long) new Main.CountConverter().convert(text));
        assertEquals(expected, new Main.RateConverter().convert(text), 0.0);
    }

    @Test
    void wrksFormsReachTheSettings() {
        Main main = new Main();
        new picocli.CommandLine(main).parseArgs("-c", "10k", "-R", "20k", "-d", "2m", "-t", "2", "127.0.0.1:9");
        LoadSettings settings = main.settings();
        assertEquals(10_000, settings.connections());
        assertEquals(20_000, settings.ratePerSecond(), 0.0);
        assertEquals(Duration.ofMinutes(2), settings.duration());
    }

    @Test
    void theSummaryHasWrksLinesSoThatWrksParsersReadIt() throws Exception {
        try (Server server = Servers.create(
                ServerSettings.defaults(Model.NIO, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new HttpProtocol(HttpSettings.defaults(dir)),
                null)) {
            server.start();
            String base = "http://127.0.0.1:" + ((InetSocketAddress) server.address()).getPort();
            Run found = run("-c", "2", "-d", "1", "-q", base + "/plaintext");
            assertEquals(0, found.status(), found.err());
            Matcher requests = Pattern.compile("\n  (\\d+) requests in ([0-9.]+)s, ([0-9.]+)([KMGT]?)B read\n")
                    .matcher(found.out());
            assertTrue(requests.find(), found.out());
            Matcher perSecond =
                    Pattern.compile("\nRequests/sec:\\s+([0-9.]+)\n").matcher(found.out());
            assertTrue(perSecond.find(), found.out());
            assertEquals(
                    Double.parseDouble(requests.group(1)) / Double.parseDouble(requests.group(2)),
                    Double.parseDouble(perSecond.group(1)),
                    0.01 * Double.parseDouble(perSecond.group(1)));
            assertTrue(found.out().matches("(?s).*\nTransfer/sec:\\s+[0-9.]+[KMGT]?B\n.*"), found.out());
            assertFalse(found.out().contains("Non-2xx"), found.out());
            assertFalse(found.out().contains("Socket errors"), found.out());

            Run missing = run("-c", "1", "-d", "1", "-q", base + "/missing");
            assertTrue(missing.out().matches("(?s).*\n  Non-2xx or 3xx responses: [1-9]\\d*\n.*"), missing.out());
        }
    }

    @Test
    void anEchoTargetPointedAtAnHttpServerIsToldSo() throws Exception {
        try (Server server = Servers.create(
                ServerSettings.defaults(Model.NIO, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                new HttpProtocol(HttpSettings.defaults(dir)),
                null)) {
            server.start();
            Run run = run(
                    "-c", "1", "-d", "500ms", "-q", "127.0.0.1:" + ((InetSocketAddress) server.address()).getPort());
            assertEquals(1, run.status(), run.out());
            assertTrue(
                    run.err().contains("the server answered in HTTP (\"HTTP/1.1 400 Bad Request\"), not echo"),
                    run.err());
            assertTrue(run.err().contains("give http://HOST:PORT/PATH"), run.err());
        }
    }

    @Test
    void getPrintsTheBodyAndWithIncludeTheHead() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Run body = run("get", server.url("/x"));
            assertEquals(0, body.status(), body.err());
            assertEquals("ok", body.out());
            Run include = run("get", "-i", server.url("/x"));
            assertTrue(include.out().startsWith("HTTP/1.1 200 OK\n"), include.out());
            assertTrue(include.out().endsWith("\n\nok"), include.out());
        }
    }

    @Test
    void getEndsEveryBadExchangeWithOneLineAndStatus1() throws Exception {
        byte[] ok = "HTTP/1.1 200 OK\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.Map<String, TestServers.Behaviour> servers = new java.util.LinkedHashMap<>();
        servers.put(
                "malformed chunk size",
                answering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        servers.put("not an HTTP/1.x response", answering("HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok"));
        servers.put("no response within 500 ms", socket -> {
            socket.getInputStream().read(new byte[4096]);
            Thread.sleep(5_000);
        });
        servers.put("response over 1000000 bytes", socket -> {
            socket.getInputStream().read(new byte[4096]);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(ok);
            out.write("Content-Length: 100000000000\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] endless = new byte[64 * 1024];
            for (int i = 0; i < 1_000; i++) { // bounded: 64 MiB at most, of which the client takes 1 MB
                out.write(endless);
            }
        });
        for (var entry : servers.entrySet()) {
            try (TestServers.Raw server = new TestServers.Raw(entry.getValue())) {
                long started = System.nanoTime();
                Run run = run("get", "--timeout", "500ms", "--max-bytes", "1000000", server.url("/x"));
                assertEquals(1, run.status(), entry.getKey() + ": " + run.err());
                assertTrue(run.err().contains(entry.getKey()), run.err());
                assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
                assertTrue(System.nanoTime() - started < 3_000_000_000L, entry.getKey() + " took too long");
            }
        }
    }

    private static TestServers.Behaviour answering(String response) {
        return socket -> {
            socket.getInputStream().read(new byte[4096]);
            socket.getOutputStream().write(response.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        };
    }
}
