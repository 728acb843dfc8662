package iolab.plot;

import iolab.runfiles.ConfigurationId;
import iolab.runfiles.RoundStatistics;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Run B against run A, configuration by configuration: the factor B/A with its interval and a
 * verdict, how a student shows the effect of a change and how a regression is caught. The two
 * runs' rounds are not paired (they ran at different times), so the interval is the unpaired one
 * of {@link RoundStatistics#unpairedRatio}. Closed loops compare throughput; open loops compare
 * the server's CPU time per response where both runs sustained the rate (the same work).
 */
final class Compare {

    /** @param ratio B/A, or null when the configuration cannot be compared ({@code why} says why) */
    record Comparison(
            ConfigurationId id, Ratios.Figure figure, Row a, Row b, RoundStatistics.Interval ratio, String why) {

        RoundStatistics.Verdict verdict() {
            return ratio == null
                    ? RoundStatistics.Verdict.CANNOT_TELL
                    : RoundStatistics.Verdict.of(ratio, ResultsFolder.LEVEL);
        }

        String verdictWords() {
            if (ratio == null) {
                return why;
            }
            return switch (verdict()) {
                case FASTER -> figure.above + " in B";
                case SLOWER -> figure.below + " in B";
                case CANNOT_TELL ->
                    ratio.reaches(ResultsFolder.LEVEL) ? "no difference these runs can tell" : "too few rounds to tell";
            };
        }
    }

    private final ResultsFolder a;
    private final ResultsFolder b;
    private final List<Comparison> comparisons = new ArrayList<>();

    private Compare(ResultsFolder a, ResultsFolder b) {
        this.a = a;
        this.b = b;
        Map<String, Row> inA = new LinkedHashMap<>();
        a.rows().forEach(r -> inA.put(r.id(), r));
        for (Row rb : b.rows()) {
            Row ra = inA.get(rb.id());
            if (ra != null) {
                comparisons.add(compare(ra, rb));
            }
        }
    }

    static Compare of(ResultsFolder a, ResultsFolder b) {
        return new Compare(a, b);
    }

    List<Comparison> comparisons() {
        return comparisons;
    }

    private Comparison compare(Row ra, Row rb) {
        Ratios.Figure figure = ra.closedLoop() ? Ratios.Figure.THROUGHPUT : Ratios.Figure.CPU_PER_RESPONSE;
        if (!ra.scored() || !rb.scored()) {
            return new Comparison(
                    ra.key(),
                    figure,
                    ra,
                    rb,
                    null,
                    "not scored in " + (ra.scored() ? "B" : rb.scored() ? "A" : "either run"));
        }
        if (!ra.closedLoop() && !(Boolean.TRUE.equals(ra.sustainable()) && Boolean.TRUE.equals(rb.sustainable()))) {
            return new Comparison(
                    ra.key(), figure, ra, rb, null, "the rate was not sustained in both runs: not the same work");
        }
        double[] va = values(a, ra, figure);
        double[] vb = values(b, rb, figure);
        if (va.length == 0 || vb.length == 0) {
            return new Comparison(ra.key(), figure, ra, rb, null, "no rounds with " + figure.words);
        }
        return new Comparison(
                ra.key(), figure, ra, rb, RoundStatistics.unpairedRatio(vb, va, ResultsFolder.LEVEL), null);
    }

    /** The rounds' figures, positive only: the ratio is taken on their logarithms. */
    private static double[] values(ResultsFolder run, Row r, Ratios.Figure figure) {
        return Ratios.byRound(run.trials(r.id()), figure).values().stream()
                .filter(v -> v > 0)
                .mapToDouble(Double::doubleValue)
                .toArray();
    }

    /**
     * Writes {@code compare.csv}, the overlaid charts and {@code compare.html} into {@code out}, and prints the
     * verdicts.
     */
    void write(Path out, PrintStream console) throws IOException {
        Files.createDirectories(out);
        writeCsv(out.resolve("compare.csv"));
        List<Charts.Named> charts = charts();
        for (Charts.Named c : charts) {
            ChartFiles.write(c, out.resolve("charts"));
        }
        writeHtml(out.resolve("compare.html"), charts);
        console.printf(
                "B = %s against A = %s: %d configurations in both%n", describe(b), describe(a), comparisons.size());
        busy().ifPresent(w -> console.println("warning: " + w));
        for (Comparison c : comparisons) {
            console.printf(
                    Locale.ROOT,
                    "  %-46s %s%n",
                    c.id(),
                    c.ratio() == null
                            ? c.why()
                            : String.format(
                                    Locale.ROOT,
                                    "B/A %.3f× %s (%.0f%% CI %.3f–%.3f): %s",
                                    c.ratio().median(),
                                    c.figure().words,
                                    100 * c.ratio().coverage(),
                                    c.ratio().low(),
                                    c.ratio().high(),
                                    c.verdictWords()));
        }
        console.printf(
                "%d charts in %s; report: %s%n", charts.size(), out.resolve("charts"), out.resolve("compare.html"));
    }

    private void writeCsv(Path file) throws IOException {
        StringBuilder csv =
                new StringBuilder("id,workload,server,connections,loop,offered_req_per_s,figure,a_median,b_median,"
                        + "a_rounds,b_rounds,ratio_b_over_a,ci95_low,ci95_high,coverage_pct,verdict\n");
        for (Comparison c : comparisons) {
            RoundStatistics.Interval r = c.ratio();
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%s,%d,%s,%s,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s%n",
                    c.id(),
                    c.id().workload(),
                    c.id().server(),
                    c.id().connections(),
                    c.id().closedLoop() ? "closed" : "open",
                    c.id().closedLoop() ? "" : String.valueOf(c.id().rate()),
                    c.figure().label,
                    median(c.a(), c.figure()),
                    median(c.b(), c.figure()),
                    c.a().rounds(),
                    c.b().rounds(),
                    r == null ? "" : String.format(Locale.ROOT, "%.4f", r.median()),
                    r == null ? "" : String.format(Locale.ROOT, "%.4f", r.low()),
                    r == null ? "" : String.format(Locale.ROOT, "%.4f", r.high()),
                    r == null ? "" : String.format(Locale.ROOT, "%.1f", 100 * r.coverage()),
                    c.verdictWords().replace(' ', '_').replace(",", "")));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    private static String median(Row r, Ratios.Figure figure) {
        Double v = figure == Ratios.Figure.THROUGHPUT ? r.score() : r.cpuMicrosPerRequest();
        return v == null ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * Per workload: throughput against connections, both runs; per closed-loop block: the percentile distributions of
     * both.
     */
    private List<Charts.Named> charts() {
        Styles styles = new Styles(b.catalog());
        List<Charts.Named> charts = new ArrayList<>();
        List<String> workloads =
                comparisons.stream().map(c -> c.id().workload()).distinct().toList();
        for (String workload : workloads) {
            List<Comparison> closed = comparisons.stream()
                    .filter(c -> c.id().workload().equals(workload)
                            && c.id().closedLoop()
                            && c.a().scored()
                            && c.b().scored())
                    .toList();
            if (closed.isEmpty()) {
                continue;
            }
            charts.add(throughput(workload, closed, styles));
            closed.stream().map(c -> c.id().connections()).distinct().sorted().forEach(connections -> {
                List<Comparison> block = closed.stream().filter(c -> c.id().connections() == connections
                        && c.a().latency() != null && c.b().latency() != null).toList();
                if (!block.isEmpty()) {
                    charts.add(percentiles(workload, connections, block, styles));
                }
            });
        }
        return charts;
    }

    private Charts.Named throughput(String workload, List<Comparison> closed, Styles styles) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        Map<String, List<Comparison>> byServer = new LinkedHashMap<>();
        closed.stream().sorted(java.util.Comparator.comparingInt(c -> styles.order(c.id().server())))
                .forEach(c -> byServer.computeIfAbsent(c.id().server(), k -> new ArrayList<>()).add(c));
        int place = 0;
        for (Map.Entry<String, List<Comparison>> e : byServer.entrySet()) {
            for (String run : List.of("A", "B")) {
                YIntervalSeries series = new YIntervalSeries(e.getKey() + " (" + run + ")");
                double dodge = Charts.dodge(place++, 2 * byServer.size());
                for (Comparison c : e.getValue()) {
                    Row r = run.equals("A") ? c.a() : c.b();
                    RoundStatistics.Interval ci = r.interval();
                    double x = c.id().connections() * dodge;
                    series.add(x, r.score(), ci == null ? r.score() : ci.low(), ci == null ? r.score() : ci.high());
                }
                data.addSeries(series);
            }
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setCapLength(8);
        renderer.setErrorStroke(new BasicStroke(1.5f));
        styleRuns(renderer, data, styles);
        XYPlot plot = Charts.plot(data, Charts.connectionsAxis(), new NumberAxis("Throughput (responses/s)"), renderer);
        return new Charts.Named(
                "compare-throughput-" + workload,
                "Throughput, A (dashed, hollow) and B (solid): " + workload,
                "The median over each run's rounds, bars: its interval across rounds. Each server's A sits just left "
                        + "of its B, the servers side by side, so that every bar reads.",
                Charts.chart("Throughput, A vs B — " + workload + " (closed loop)", plot, provenance()));
    }

    private Charts.Named percentiles(String workload, int connections, List<Comparison> block, Styles styles) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Comparison c : block.stream()
                .sorted(java.util.Comparator.comparingInt(c -> styles.order(c.id().server())))
                .toList()) {
            for (String run : List.of("A", "B")) {
                data.addSeries(Charts.percentiles(
                        c.id().server() + " (" + run + ")", (run.equals("A") ? c.a() : c.b()).latency()));
            }
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        styleRuns(renderer, data, styles);
        NumberAxis x = new NumberAxis("Percentile");
        x.setRange(0, Charts.MAX_NINES + 0.3);
        x.setTickUnit(new NumberTickUnit(1, new Charts.NinesFormat()));
        XYPlot plot = Charts.plot(data, x, Charts.valueAxis("Latency (ms)", data), renderer);
        return new Charts.Named("compare-percentiles-" + workload + "_c" + connections,
                "Latency by percentile, A (dashed) and B (solid): " + workload + ", " + connections + " connections",
                "HdrHistogram's percentile distribution of every recorded response of each run, closed loop.",
                Charts.chart(
                        "Latency by percentile, A vs B — " + workload + ", " + connections + " connections",
                        plot,
                        provenance()));
    }

    /** Each server keeps its colour in both runs; A is dashed and hollow, B solid and filled. */
    private static void styleRuns(XYLineAndShapeRenderer renderer, org.jfree.data.xy.XYDataset data, Styles styles) {
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String key = (String) data.getSeriesKey(i);
            String server = key.substring(0, key.lastIndexOf(" ("));
            boolean runA = key.endsWith("(A)");
            renderer.setSeriesPaint(i, styles.color(server));
            renderer.setSeriesShape(i, styles.shape(server));
            renderer.setSeriesShapesFilled(i, !runA);
            renderer.setSeriesStroke(
                    i,
                    runA
                            ? new BasicStroke(
                                    2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                            : new BasicStroke(2.5f));
        }
    }

    private String provenance() {
        return "A: " + ReportWriter.provenance(a) + "; B: " + ReportWriter.provenance(b);
    }

    private void writeHtml(Path file, List<Charts.Named> charts) throws IOException {
        String rows = comparisons.stream()
                .map(c -> "<tr" + css(c) + ">" + cells(c) + "</tr>\n")
                .collect(Collectors.joining());
        String figures = charts.stream()
                .map(c -> "<h2>" + Page.esc(c.title()) + "</h2>\n<img src=\"charts/" + c.name() + ".png\" alt=\""
                        + Page.esc(c.title()) + "\">\n<p>" + Page.esc(c.caption()) + "</p>\n")
                .collect(Collectors.joining());
        Files.writeString(
                file,
                Page.fill("compare.html", Map.of(
                        "css", Page.css(),
                        "a", Page.esc(describe(a)),
                        "b", Page.esc(describe(b)),
                        "busy",
                        busy().map(w -> "<div class=\"box warn\" id=\"busy\"><p>" + Page.esc(w) + "</p></div>\n")
                                .orElse(""),
                        "rows", rows,
                        "charts", figures)),
                StandardCharsets.UTF_8);
    }

    private String cells(Comparison c) {
        RoundStatistics.Interval r = c.ratio();
        return "<td>" + Page.esc(c.id().toString()) + "</td><td>" + c.figure().label + "</td><td>"
                + median(c.a(), c.figure()) + "</td><td>" + median(c.b(), c.figure()) + "</td><td>"
                + (r == null ? "" : String.format(Locale.ROOT, "%.3f", r.median())) + "</td><td>"
                + (r == null ? "" : String.format(Locale.ROOT, "%.3f–%.3f", r.low(), r.high())) + "</td><td>"
                + (r == null ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * r.coverage())) + "</td><td>"
                + c.a().rounds() + ", " + c.b().rounds() + "</td><td>" + Page.esc(c.verdictWords()) + "</td>";
    }

    /** B's row marked better or worse: faster throughput is better, costlier CPU per response worse. */
    private static String css(Comparison c) {
        boolean better = c.figure() == Ratios.Figure.CPU_PER_RESPONSE
                ? c.verdict() == RoundStatistics.Verdict.SLOWER
                : c.verdict() == RoundStatistics.Verdict.FASTER;
        boolean worse = c.figure() == Ratios.Figure.CPU_PER_RESPONSE
                ? c.verdict() == RoundStatistics.Verdict.FASTER
                : c.verdict() == RoundStatistics.Verdict.SLOWER;
        return better ? " class=\"faster\"" : worse ? " class=\"slower\"" : "";
    }

    /**
     * When one run was busy and the other not, that the machine alone moves B/A: a verdict may be the neighbours, not
     * the change. Two busy runs are left alone: each says so in its own report.
     */
    Optional<String> busy() {
        boolean busyA = a.busy().isPresent();
        boolean busyB = b.busy().isPresent();
        if (busyA == busyB) {
            return Optional.empty();
        }
        return Optional.of("run " + (busyA ? "A" : "B") + " was measured on a busy machine and run "
                + (busyA ? "B" : "A") + " was not (their reports say how busy): the busy run's throughput is likely "
                + "lower for that alone, so a closed loop's verdict here may be the machine's, not the change's");
    }

    /** "run 20261129-123206, commit 55b3d3b1c2d3, AMD EPYC 7B13, 2 cores, Java 25.0.3 (results/reference)". */
    static String describe(ResultsFolder run) {
        return ReportWriter.provenance(run) + " (" + run.dir() + ")";
    }
}
