package iolab.plot;

import iolab.runfiles.BacklogPoint;

import iolab.runfiles.UdpTrial;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlotTest {

    private static final List<String> CHARTS = List.of(
            "throughput-plaintext", "percentiles-plaintext", "latency-plaintext", "cost-plaintext",
            "throughput-delay-10ms", "percentiles-delay-10ms", "latency-delay-10ms", "cost-delay-10ms",
            "littles-law-delay-10ms", "latency-vs-load-delay-10ms", "verdicts");

    @TempDir
    Path dir;

    @Test
    void aRunAcrossHostsNamesTheServerHostAndTheRolesWhereItsChartsSayWhereTheyWereMeasured() throws Exception {
        SampleResults.write(dir);
        Path env = dir.resolve("environment.json");
        Files.writeString(env, Files.readString(env).replaceFirst("\\{", """
                {
                  "hosts": {
                    "roles": "across hosts: 1 server host, 2 load host(s)",
                    "server": {"role": "server", "cpuModel": " Server CPU @ 3.0GHz", "cores": "64"}
                  },
                """));
        assertEquals(
                "run 20261125-060000, commit 0123456789ab, Server CPU @ 3.0GHz, 64 cores, Java 25.0.3; across hosts: "
                        + "1 server host, 2 load host(s)",
                ReportWriter.provenance(ResultsFolder.read(dir)));
    }

    @Test
    void aWholeFolderGetsEveryChartTheReportAndTheSummaries() throws Exception {
        SampleResults.write(dir);
        List<String> problems =
                Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(), problems);

        try (Stream<Path> files = Files.list(dir.resolve("charts"))) {
            assertEquals(CHARTS.size() * 2, files.count(), "a PNG and an SVG per chart, nothing else");
        }
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setFeature(
                "http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // well-formed, not fetched
        for (String chart : CHARTS) {
            BufferedImage png =
                    ImageIO.read(dir.resolve("charts/" + chart + ".png").toFile());
            assertEquals(1200, png.getWidth(), chart);
            if (!chart.equals("verdicts")) { // the forest plot is as tall as its rows
                assertEquals(800, png.getHeight(), chart);
            }
            assertTrue(colours(png) > 8, chart + " has more on it than a background");
            var svg = xml.newDocumentBuilder()
                    .parse(dir.resolve("charts/" + chart + ".svg").toFile());
            assertEquals("svg", svg.getDocumentElement().getNodeName(), chart);
            assertEquals(
                    "0.0 0.0 1200.0 " + png.getHeight() + ".0",
                    svg.getDocumentElement().getAttribute("viewBox"),
                    chart + " scales to any box");
            // A pasted chart keeps its provenance: run, commit and machine under the title.
            assertTrue(
                    Files.readString(dir.resolve("charts/" + chart + ".svg"))
                            .contains("run 20261125-060000, commit 0123456789ab, Test CPU"),
                    chart);
        }

        String html = Files.readString(dir.resolve("report.html"));
        for (String chart : CHARTS) {
            assertTrue(html.contains("src=\"charts/" + chart + ".png\""), chart);
        }
        for (String section : List.of(
                "href=\"method.html\"",
                "id=\"findings\"",
                "id=\"numbers\"",
                "id=\"environment\"",
                "id=\"cite\"",
                "Test CPU @ 2.0GHz",
                "0123456789ab",
                "20261125-060000",
                "<td>plaintext</td><td>nio</td><td>1,000</td><td>closed</td>",
                "<td>delay-10ms</td><td>virtual</td><td>1,000</td><td>open</td><td>17,100</td>",
                "<a href=\"configurations/plaintext_nio_c1000_closed.hlog\">hlog</a>",
                "<area shape=")) {
            assertTrue(html.contains(section), section);
        }
        assertTrue(Files.readString(dir.resolve("method.html")).contains("order-statistic interval"));
        assertTrue(
                html.indexOf("id=\"findings\"") < html.indexOf("id=\"verdicts\""),
                "the report opens with the findings");
        List<String> findings = Files.readAllLines(dir.resolve("findings.md"));
        assertTrue(!findings.isEmpty() && findings.size() <= Findings.MOST, findings.toString());
        assertTrue(
                findings.get(0).startsWith("- At 1,000 connections (plaintext, closed loop), against "),
                "the main workload at its most connections first: " + findings.get(0));
        assertFalse(html.contains("id=\"missing\""), "nothing is missing");

        List<String> csv = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals(1 + 18 + 6, csv.size(), "a header and one row per configuration");
        assertTrue(
                csv.get(0)
                        .startsWith(
                                "id,workload,server,connections,loop,offered_req_per_s,median_req_per_s,"
                                        + "ci95_low_req_per_s,"
                                        + "ci95_high_req_per_s,ci_half_width_pct,ci_coverage_pct,rounds,"
                                        + "disturbed_rounds,sustainable,p50_ms,p90_ms,p99_ms,p99_9_ms"),
                csv.get(0));
        assertTrue(csv.get(0).contains(",errors,") && csv.get(0).contains(",client_bound,"), csv.get(0));
        // Five rounds at 0.97 to 1.03 of 52,000: the median, and the range as the interval (93.75%: the most five
        // rounds give).
        assertTrue(
                csv.stream()
                        .anyMatch(
                                l -> l.startsWith(
                                        "plaintext_nio_c100_closed,plaintext,nio,100,closed,,52000,50440,53560,3.0,"
                                                + "93.8,5,0,,")),
                String.join("\n", csv));
        assertTrue(
                csv.stream()
                        .anyMatch(l -> l.startsWith("delay-10ms_nio_c1000_r17100,delay-10ms,nio,1000,open,17100,")
                                && l.contains(",5,0,true,")),
                "an open loop that delivered its rate is sustainable: " + String.join("\n", csv));
        List<String> ratios = Files.readAllLines(dir.resolve("ratios.csv"));
        assertEquals(
                "workload,connections,loop,offered_req_per_s,figure,server,baseline,rounds,ratio_median,ci95_low,"
                        + "ci95_high,coverage_pct,verdict,caveat",
                ratios.get(0));
        assertTrue(
                ratios.contains(
                        "plaintext,100,closed,,throughput,pool,nio,5,1.0000,1.0000,1.0000,93.8,"
                                + "too_few_rounds_to_tell,"),
                String.join("\n", ratios));
        assertTrue(
                ratios.stream()
                        .anyMatch(l -> l.startsWith("delay-10ms,1000,open,17100,cpu_per_response,virtual,nio,5,")),
                "the cost of the same work where both sustained it: " + String.join("\n", ratios));
        assertTrue(
                html.indexOf("id=\"verdicts\"") < html.indexOf("id=\"charts\""), "the report leads with the verdicts");
        int clientBoundColumn = List.of(csv.get(0).split(",")).indexOf("client_bound");
        for (String line : csv.subList(1, csv.size())) {
            String[] fields = line.split(",", -1);
            boolean expected =
                    fields[0].equals("plaintext_nio_c10_closed") || fields[0].equals("delay-10ms_nio_c10_closed");
            assertEquals(String.valueOf(expected), fields[clientBoundColumn], "client_bound of " + fields[0]);
        }
        List<String> md = Files.readAllLines(dir.resolve("summary.md"));
        assertEquals(csv.size() + 1, md.size(), "a header, its rule and the rows");
        assertTrue(md.get(0).startsWith("| configuration | workload | server |"));
    }

    @Test
    void aFolderMissingPartsSaysWhatIsMissingAndDrawsTheRest() throws Exception {
        SampleResults.write(dir);
        Files.delete(dir.resolve("configurations/plaintext_nio_c100_closed.hlog"));
        Files.delete(dir.resolve("environment.json"));
        Files.writeString(
                dir.resolve("failures.json"),
                "[{\"id\": \"plaintext_pool_c5000_closed\", \"reason\": \"812 errors (812 timeout)\"}]");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> problems = Plot.render(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String output = printed.toString(StandardCharsets.UTF_8);

        assertTrue(
                output.contains(
                        "missing: configurations/plaintext_nio_c100_closed.hlog: that configuration is left out of the "
                                + "percentile-distribution chart"),
                output);
        assertTrue(output.contains("missing: environment.json is missing"), output);
        assertTrue(
                output.contains("missing: plaintext_pool_c5000_closed has no score: 812 errors (812 timeout)"), output);
        assertEquals(3, problems.size(), problems.toString());
        for (String chart : CHARTS) {
            // Without environment.json the workloads' delays are unknown: no Little's-law ceiling to draw.
            if (!chart.equals("verdicts")) {
                assertEquals(
                        !chart.startsWith("littles-law"),
                        Files.exists(dir.resolve("charts/" + chart + ".png")),
                        chart);
            }
        }
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("id=\"missing\""));
        assertTrue(html.contains("812 errors (812 timeout)"));
        assertTrue(Files.readString(dir.resolve("summary.csv"))
                .contains("plaintext_pool_c5000_closed,plaintext,pool,5000,closed,,,"));
    }

    @Test
    void aLogAxisLabelsEnoughTicksToReadAValue() {
        ReadableLogAxis axis = new ReadableLogAxis("latency");
        axis.setRange(40, 900);
        List<String> labels = new java.util.ArrayList<>();
        for (Object tick : axis.refreshTicks(
                null,
                new org.jfree.chart.axis.AxisState(),
                new java.awt.geom.Rectangle2D.Double(0, 0, 100, 800),
                org.jfree.chart.ui.RectangleEdge.LEFT)) {
            String text = ((org.jfree.chart.axis.ValueTick) tick).getText();
            if (tick instanceof org.jfree.chart.axis.LogTick log && log.getAttributedLabel() != null) {
                var it = log.getAttributedLabel().getIterator();
                StringBuilder b = new StringBuilder();
                for (char c = it.first(); c != java.text.CharacterIterator.DONE; c = it.next()) {
                    b.append(c);
                }
                text = b.toString();
            }
            if (text != null && !text.isEmpty()) {
                labels.add(text);
            }
        }
        assertEquals(
                List.of("50", "70", "100", "200", "300", "500", "700"),
                labels,
                "one power of ten alone (JFreeChart's own) reads nothing");
        assertEquals(List.of(1, 2, 3, 5, 7), ReadableLogAxis.labelled(1.0));
        assertEquals(List.of(1), ReadableLogAxis.labelled(8));
    }

    @Test
    void aBacklogSweepIsReadBackAndDrawn() throws Exception {
        SampleResults.write(dir);
        Files.createDirectories(dir.resolve(BacklogPoint.FOLDER));
        List<BacklogPoint> points = new java.util.ArrayList<>();
        for (int backlog : List.of(1, 4096)) {
            org.HdrHistogram.Histogram connects = new org.HdrHistogram.Histogram(3);
            for (int i = 0; i < 1000; i++) {
                connects.recordValue(
                        backlog == 1 && i % 10 == 0 ? 1_020_000_000L : 80_000L + i); // a tenth waited for a SYN again
            }
            points.add(new BacklogPoint(
                    backlog,
                    4096,
                    1000,
                    990,
                    backlog == 1 ? 150 : 0,
                    0,
                    backlog == 1 ? 250 : 0,
                    backlog == 1 ? 250 : 0,
                    connects,
                    connects));
            try (PrintStream hlog = new PrintStream(
                    Files.newOutputStream(dir.resolve(BacklogPoint.FOLDER).resolve(BacklogPoint.file(backlog))))) {
                org.HdrHistogram.HistogramLogWriter writer = new org.HdrHistogram.HistogramLogWriter(hlog);
                writer.outputLogFormatVersion();
                writer.outputIntervalHistogram(connects);
            }
        }
        BacklogPoint.write(points, dir.resolve(BacklogPoint.CSV));

        List<BacklogPoint> read = BacklogPoint.read(dir);
        assertEquals(2, read.size());
        assertEquals(1000, read.get(0).latency().getTotalCount(), "the latencies come back from backlog/b1.hlog");
        assertEquals(250, read.get(0).listenOverflows());
        assertTrue(
                Files.readAllLines(dir.resolve(BacklogPoint.CSV)).get(1).startsWith("1,4096,1000,990,150,0,250,250,"));

        Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(Files.size(dir.resolve("charts/backlog.png")) > 10_000);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("Latency by listen backlog"));
    }

    @Test
    void aUdpSweepIsReadBackDrawnAndItsKneeNamed() throws Exception {
        SampleResults.write(dir);
        List<UdpTrial> trials = new java.util.ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (long rate : List.of(20_000L, 80_000L, 160_000L)) {
                // nio keeps up to 80,000/s and loses 5% at 160,000/s; pool already loses 2% at 80,000/s.
                long nioLost = rate == 160_000L ? rate / 20 : 0;
                long poolLost = rate >= 80_000L ? rate / 50 : 0;
                trials.add(new UdpTrial(
                        "nio",
                        rate,
                        round,
                        rate,
                        rate - nioLost,
                        nioLost,
                        0,
                        0,
                        0.2,
                        1.5,
                        3,
                        0.1,
                        false,
                        6.0,
                        nioLost,
                        0));
                trials.add(new UdpTrial(
                        "pool",
                        rate,
                        round,
                        rate,
                        rate - poolLost,
                        poolLost,
                        500,
                        0,
                        0.2,
                        2.5,
                        4,
                        0.1,
                        rate == 160_000L,
                        8.0,
                        poolLost,
                        0));
            }
        }
        UdpTrial.write(trials, dir.resolve(UdpTrial.CSV));

        List<UdpTrial> read = UdpTrial.read(dir);
        assertEquals(trials, read, "udp.csv holds every trial as it was measured");
        Map<String, List<Udp.Point>> points = Udp.points(read, java.util.Comparator.naturalOrder());
        assertEquals(80_000L, Udp.knee(points.get("nio")).orElseThrow().offered());
        assertEquals(20_000L, Udp.knee(points.get("pool")).orElseThrow().offered());

        Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(Files.size(dir.resolve("charts/udp.png")) > 10_000);
        String report = Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("UDP echo: latency and loss"), "the report shows the chart");
        assertTrue(
                report.contains("nio: 80,000/s") && report.contains("pool: 20,000/s"), "the caption names each knee");
    }

    @Test
    void httpsWorkloadsGetTheTlsCostChartBesideTheirPlainTwins() throws Exception {
        SampleResults.write(dir, server -> 1.0, List.of("plaintext", "plaintext-tls"));
        Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertTrue(Files.size(dir.resolve("charts/tls-cost.png")) > 10_000);
        String report = Files.readString(dir.resolve("report.html"));
        assertTrue(report.contains("What TLS costs the server"), "the report shows the chart");
        assertTrue(
                report.matches("(?s).*nio plaintext-tls 2\\.[45]× \\(2[56] against 1[01] µs\\).*"),
                "the caption gives each ratio");
        assertEquals("plaintext-close", Charts.plainTwin("plaintext-tls-close"));
    }

    @Test
    void anEmptyFolderGetsAReportThatSaysSo() throws IOException {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> problems = Plot.render(dir, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("rounds.csv is missing")), problems.toString());
        assertTrue(Files.readString(dir.resolve("report.html")).contains("rounds.csv is missing"));
    }

    private static int colours(BufferedImage image) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
