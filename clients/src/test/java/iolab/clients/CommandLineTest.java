package iolab.clients;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    @ValueSource(strings = {"", "-c 0 127.0.0.1:1", "-t 2 -c 1 127.0.0.1:1", "--rate -5 127.0.0.1:1", "-d 10 127.0.0.1:1",
            "--protocol smtp 127.0.0.1:1", "nohost", "https://example/", "-H NoColon http://127.0.0.1:1/", "--frob 127.0.0.1:1",
            "--poisson 127.0.0.1:1"})
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
        for (String flag : new String[] {"--threads", "--connections", "--duration", "--rate", "--timeout", "--pipeline",
                "--hlog", "--hgrm", "--json", "--warmup", "--poisson"}) {
            assertTrue(run.out().contains(flag), flag);
        }
    }

    @Test
    void poissonArrivalsDeliverTheAskedRate() throws Exception {
        try (TestServers.Counting server = new TestServers.Counting(-1, 0)) {
            Run run = run("-c", "4", "-R", "2000", "--poisson", "-d", "2s", "-q", server.url("/"));
            assertEquals(0, run.status(), run.err());
            assertTrue(run.out().contains("open loop at 2000 req/s (Poisson arrivals)"), run.out());
            double achieved = Double.parseDouble(run.out().replaceAll("(?s).*achieved ([0-9.]+) req/s.*", "$1"));
            assertEquals(2000, achieved, 200, "the mean rate is the asked one: " + run.out());
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
            String summary = Files.readString(json);
            assertTrue(summary.contains("\"requestsPerSecond\": "), summary);
            assertTrue(summary.contains("\"errors\": {\"connect\": 0"), summary);
            assertTrue(Files.size(hgrm) > 0 && Files.size(hlog) > 0);
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
        assertTrue(run.out().contains("connect "), run.out());
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
}
