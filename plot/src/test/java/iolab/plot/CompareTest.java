package iolab.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code iolab-plot compare A B} on two small runs built here: nio made 1.5× faster in B, the rest unchanged. */
class CompareTest {

    @TempDir
    Path dir;

    @Test
    void aChangedServerGetsAVerdictAndTheUnchangedOnesDoNot() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        SampleResults.write(a);
        SampleResults.write(b, server -> server.equals("nio") ? 1.5 : 1.0);
        Path out = dir.resolve("out");
        StringWriter printed = new StringWriter();
        int status = Main.start(new String[] {"compare", a.toString(), b.toString(), "--out", out.toString()},
                new PrintWriter(printed, true), new PrintWriter(printed, true));
        assertEquals(0, status, printed.toString());

        List<String> csv = Files.readAllLines(out.resolve("compare.csv"));
        assertTrue(
                csv.getFirst()
                        .startsWith("id,workload,server,connections,loop,offered_req_per_s,figure,a_median,b_median"),
                csv.getFirst());
        String nio = line(csv, "plaintext_nio_c100_closed");
        assertTrue(nio.contains(",1.5000,") && nio.endsWith(",faster_in_B"), nio);
        String pool = line(csv, "plaintext_pool_c100_closed");
        assertTrue(pool.contains(",1.0000,") && pool.endsWith(",no_difference_these_runs_can_tell"), pool);
        assertEquals(
                SampleResults.SERVERS.size() * SampleResults.CONNECTIONS.size() * SampleResults.WORKLOADS.size(),
                csv.stream()
                        .filter(l -> l.endsWith("_closed") || l.contains("_closed,"))
                        .count(),
                "every closed loop of both runs");

        String html = Files.readString(out.resolve("compare.html"));
        assertTrue(html.contains("faster in B") && html.contains("charts/compare-throughput-plaintext.png"), html);
        assertTrue(Files.size(out.resolve("charts/compare-throughput-plaintext.png")) > 10_000);
        assertTrue(Files.exists(out.resolve("charts/compare-percentiles-plaintext_c1000.svg")));
        assertTrue(printed.toString().contains("plaintext_nio_c1000_closed"), printed.toString());
    }

    @Test
    void aBusyRunBesideAQuietOneIsSaidInTheReportsAndOnTheConsole() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        SampleResults.write(a);
        SampleResults.write(b, server -> 0.87);
        Path env = b.resolve("environment.json");
        Files.writeString(env, Files.readString(env).replaceFirst(
                "\\{", "{\"stability\": {\"busy\": \"the machine was busy during this run: 120 of 300 trials\"},"));
        StringWriter printed = new StringWriter();
        Path out = dir.resolve("out");
        assertEquals(0, Main.start(new String[] {"compare", a.toString(), b.toString(), "--out", out.toString()},
                new PrintWriter(printed, true), new PrintWriter(printed, true)), printed.toString());
        assertTrue(printed.toString().contains("warning: run B was measured on a busy machine and run A was not"),
                printed.toString());
        assertTrue(Files.readString(out.resolve("compare.html")).contains("id=\"busy\""));

        assertEquals(0, Main.start(new String[] {b.toString()},
                new PrintWriter(printed, true), new PrintWriter(printed, true)), printed.toString());
        String report = Files.readString(b.resolve("report.html"));
        assertTrue(report.contains("<h2>A busy machine</h2><p>The machine was busy during this run: 120 of 300 trials"),
                report);
        Main.start(new String[] {a.toString()}, new PrintWriter(printed, true), new PrintWriter(printed, true));
        assertFalse(Files.readString(a.resolve("report.html")).contains("A busy machine"), "a quiet run says nothing");

        StringWriter both = new StringWriter();
        Main.start(new String[] {"compare", b.toString(), b.toString(), "--out", dir.resolve("bb").toString()},
                new PrintWriter(both, true), new PrintWriter(both, true));
        assertFalse(both.toString().contains("busy"), "two busy runs: each report says so, the comparison need not");
    }

    @Test
    void aWrongFolderIsAUsageError() {
        StringWriter err = new StringWriter();
        int status = Main.start(new String[] {"compare", dir.resolve("nope").toString(), dir.toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, status);
        assertTrue(err.toString().contains("not a results folder: "), err.toString());
    }

    @Test
    void helpNamesTheCommands() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.start(new String[] {"--help"}, new PrintWriter(out, true), new PrintWriter(out, true)));
        assertTrue(out.toString().contains("compare") && out.toString().contains("RESULTS_DIR"), out.toString());
    }

    private static String line(List<String> csv, String id) {
        return csv.stream()
                .filter(l -> l.startsWith(id + ","))
                .findFirst()
                .orElseThrow(() -> new AssertionError(id + " not in " + csv));
    }
}
