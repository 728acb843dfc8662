package iolab.plot;

import iolab.runfiles.RoundStatistics;
import iolab.runfiles.CapacityProbe;
import iolab.runfiles.CapacityRound;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Capacity at a latency goal: each server's highest open-loop rate with p99 within the goal, one
 * search per round ({@link CapacityRound}), as a median with its interval across rounds, paired
 * ratios against the yardstick like throughput, a bar chart, and the latency-vs-load chart that
 * the searches' probes draw ({@link CapacityProbe}): p99 against the rate achieved, the goal as a
 * line, each server's capacity marked.
 */
final class Capacity {

    static final String CSV = "capacity.csv";

    /** One server's capacity over its rounds; {@code limitedBy} is what its rounds' searches failed on most often. */
    record Result(
            String workload,
            int connections,
            double sloMillis,
            String server,
            RoundStatistics.Interval interval,
            String limitedBy) {

        String where() {
            return String.format(
                    Locale.ROOT, "%s c=%d p99 <= %s ms", workload, connections, CapacityRound.number(sloMillis));
        }
    }

    private Capacity() {
    }

    static List<Result> of(List<CapacityRound> rounds) {
        List<Result> results = new ArrayList<>();
        for (List<CapacityRound> server : byServer(rounds).values()) {
            CapacityRound first = server.get(0);
            double[] capacities =
                    server.stream().mapToDouble(CapacityRound::capacity).toArray();
            String limitedBy = server.stream()
                    .map(CapacityRound::limitedBy)
                    .filter(l -> !l.isEmpty())
                    .collect(Collectors.groupingBy(Function.identity(), LinkedHashMap::new, Collectors.counting()))
                    .entrySet()
                    .stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse("");
            results.add(new Result(
                    first.workload(),
                    first.connections(),
                    first.sloMillis(),
                    first.server(),
                    RoundStatistics.median(capacities, ResultsFolder.LEVEL),
                    limitedBy));
        }
        return results;
    }

    /** Each server's capacity in each round against the yardstick's in the same round. */
    static List<Ratios.Ratio> ratios(List<CapacityRound> rounds, List<String> yardsticks) {
        Map<String, List<CapacityRound>> searches = rounds.stream()
                .collect(Collectors.groupingBy(
                        r -> r.workload() + "_c" + r.connections(), LinkedHashMap::new, Collectors.toList()));
        List<Ratios.Ratio> ratios = new ArrayList<>();
        for (List<CapacityRound> search : searches.values()) {
            Map<String, List<CapacityRound>> servers = byServer(search);
            String baseline = yardsticks.stream()
                    .filter(y -> servers.keySet().stream().anyMatch(k -> k.endsWith("_" + y)))
                    .findFirst()
                    .orElse(null);
            if (baseline == null || servers.size() < 2) {
                continue;
            }
            Map<Integer, Long> yardstick = byRound(
                    servers.get(search.get(0).workload() + "_c" + search.get(0).connections() + "_" + baseline));
            for (List<CapacityRound> server : servers.values()) {
                CapacityRound first = server.get(0);
                if (first.server().equals(baseline)) {
                    continue;
                }
                Map<Integer, Long> mine = byRound(server);
                // A round where the yardstick found no capacity at all has no ratio.
                List<Integer> paired = mine.keySet().stream()
                        .filter(r -> yardstick.getOrDefault(r, 0L) > 0)
                        .sorted()
                        .toList();
                if (paired.isEmpty()) {
                    continue;
                }
                ratios.add(new Ratios.Ratio(
                        first.workload(),
                        first.connections(),
                        0,
                        Ratios.Figure.CAPACITY,
                        first.server(),
                        baseline,
                        RoundStatistics.pairedRatio(
                                paired.stream().mapToDouble(mine::get).toArray(),
                                paired.stream().mapToDouble(yardstick::get).toArray(),
                                ResultsFolder.LEVEL),
                        first.sloMillis()));
            }
        }
        return ratios;
    }

    static void write(List<Result> results, Path file) throws IOException {
        StringBuilder csv =
                new StringBuilder("workload,server,connections,slo_p99_ms,rounds,capacity_req_per_s,ci95_low_req_per_s,"
                        + "ci95_high_req_per_s,coverage_pct,limited_by\n");
        for (Result r : results) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%d,%s,%d,%.0f,%.0f,%.0f,%.1f,%s%n",
                    r.workload(),
                    r.server(),
                    r.connections(),
                    CapacityRound.number(r.sloMillis()),
                    r.interval().rounds(),
                    r.interval().median(),
                    r.interval().low(),
                    r.interval().high(),
                    100 * r.interval().coverage(),
                    r.limitedBy()));
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    /** One chart per search: a marker per server at its median capacity, its interval as a bar. */
    static List<Charts.Named> charts(
            List<Result> results, List<CapacityProbe> probes, Styles styles, String provenance) {
        List<Charts.Named> charts = new ArrayList<>();
        Map<String, List<Result>> searches =
                results.stream().collect(Collectors.groupingBy(Result::where, LinkedHashMap::new, Collectors.toList()));
        for (List<Result> search : searches.values()) {
            charts.add(bars(search, styles, provenance));
            Result first = search.get(0);
            List<CapacityProbe> mine = probes.stream()
                    .filter(p -> p.round() > 0
                            && p.workload().equals(first.workload())
                            && p.connections() == first.connections()
                            && p.p99Millis() > 0)
                    .toList();
            if (!mine.isEmpty()) {
                charts.add(latencyVsLoad(search, mine, styles, provenance));
            }
        }
        return charts;
    }

    private static Charts.Named bars(List<Result> search, Styles styles, String provenance) {
        Result first = search.get(0);
        List<Result> sorted = search.stream().sorted(Comparator.comparingInt(r -> styles.order(r.server()))).toList();
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        String[] names = sorted.stream().map(Result::server).toArray(String[]::new);
        org.jfree.chart.axis.SymbolAxis servers = new org.jfree.chart.axis.SymbolAxis("Server", names);
        for (int i = 0; i < sorted.size(); i++) {
            Result r = sorted.get(i);
            YIntervalSeries series = new YIntervalSeries(
                    r.server() + (r.limitedBy().isEmpty() ? "" : " (limited by " + r.limitedBy() + ")"));
            series.add(
                    i, r.interval().median(), r.interval().low(), r.interval().high());
            data.addSeries(series);
        }
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setCapLength(14);
        renderer.setErrorStroke(new BasicStroke(2f));
        for (int i = 0; i < sorted.size(); i++) {
            renderer.setSeriesPaint(i, styles.color(sorted.get(i).server()));
            renderer.setSeriesShape(i, new java.awt.geom.Rectangle2D.Double(-9, -9, 18, 18));
        }
        servers.setGridBandsVisible(false);
        servers.setTickLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 14));
        NumberAxis y =
                new NumberAxis("Capacity (requests/s) with p99 ≤ " + CapacityRound.number(first.sloMillis()) + " ms");
        y.setAutoRangeIncludesZero(true);
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        XYPlot plot = Charts.plot(data, servers, y, renderer);
        plot.setDomainGridlinesVisible(false);
        String slo = CapacityRound.number(first.sloMillis());
        return new Charts.Named("capacity-" + first.workload() + "-c" + first.connections(),
                "Capacity at p99 <= " + slo + " ms: " + first.workload() + ", " + first.connections() + " connections",
                "For each server, the highest open-loop rate (requests on a fixed schedule, latency from each "
                        + "request's scheduled time) "
                        + "that it sustained with no error and a p99 within " + slo
                        + " ms, the client keeping its schedule: found in each "
                        + "round by a search that brackets the rate and bisects to within 5%. The square: the median "
                        + "over rounds; the bar: "
                        + "its interval across rounds (capacity.csv gives its coverage). In the legend, what failed "
                        + "just above the capacity "
                        + "most often: latency, errors or the client.",
                Charts.chart(
                        "Capacity at p99 ≤ " + slo + " ms — " + first.workload() + ", " + first.connections()
                                + " connections",
                        plot,
                        provenance));
    }

    /**
     * Every probe of every round: p99 against the rate the server achieved, each server's probes joined in order of
     * rate (the knee, sampled densely where the searches bisected), the goal as a horizontal line, each server's median
     * capacity a vertical one. A probe that failed on errors or on the client is hollow: its p99 is not the server's
     * steady state.
     */
    private static Charts.Named latencyVsLoad(
            List<Result> search, List<CapacityProbe> probes, Styles styles, String provenance) {
        Result first = search.get(0);
        XYSeriesCollection passed = new XYSeriesCollection();
        XYSeriesCollection failed = new XYSeriesCollection();
        List<Result> sorted = search.stream().sorted(Comparator.comparingInt(r -> styles.order(r.server()))).toList();
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer hollow = new XYLineAndShapeRenderer(false, true);
        hollow.setDefaultShapesFilled(false);
        for (int i = 0; i < sorted.size(); i++) {
            String server = sorted.get(i).server();
            XYSeries line = new XYSeries(
                    server + ": capacity "
                            + String.format(
                                    Locale.ROOT,
                                    "%,.0f",
                                    sorted.get(i).interval().median()) + " req/s",
                    true,
                    true);
            XYSeries off = new XYSeries(server + ": errors or client-limited", true, true);
            // One point per rate probed: the median p99 of the rounds that probed it, at their median achieved rate.
            Map<Long, List<CapacityProbe>> byRate = probes.stream().filter(p -> p.server().equals(server))
                    .collect(Collectors.groupingBy(CapacityProbe::rate, java.util.TreeMap::new, Collectors.toList()));
            for (List<CapacityProbe> at : byRate.values()) {
                double achieved = RoundStatistics.median(
                        at.stream().mapToDouble(CapacityProbe::achieved).toArray());
                double p99 = RoundStatistics.median(
                        at.stream().mapToDouble(CapacityProbe::p99Millis).toArray());
                boolean notServer = at.stream()
                        .allMatch(p ->
                                p.limitedBy().equals("errors") || p.limitedBy().equals("client"));
                (notServer ? off : line).add(Math.max(1, achieved), Math.max(0.001, p99));
            }
            passed.addSeries(line);
            failed.addSeries(off);
            for (XYLineAndShapeRenderer r : List.of(lines, hollow)) {
                r.setSeriesPaint(i, styles.color(server));
                r.setSeriesStroke(i, styles.stroke(server));
                r.setSeriesShape(i, styles.shape(server));
            }
            hollow.setSeriesVisibleInLegend(i, off.getItemCount() > 0);
        }
        LogAxis x = new ReadableLogAxis("Achieved load (responses/s, log scale)");
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        LogAxis y = new ReadableLogAxis("p99 latency (ms), log scale");
        y.setSmallestValue(1e-3);
        XYPlot plot = Charts.plot(passed, x, y, lines);
        plot.setDataset(1, failed);
        plot.setRenderer(1, hollow);
        ValueMarker goal = new ValueMarker(
                first.sloMillis(),
                Color.BLACK,
                new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        goal.setLabel("goal: p99 " + CapacityRound.number(first.sloMillis()) + " ms");
        goal.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        goal.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        goal.setLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        plot.addRangeMarker(goal);
        for (Result r : sorted) {
            if (r.interval().median() > 0) {
                Color c = styles.color(r.server());
                IntervalMarker band = new IntervalMarker(
                        Math.max(1, r.interval().low()),
                        Math.max(1, r.interval().high()),
                        new Color(c.getRed(), c.getGreen(), c.getBlue(), 40));
                plot.addDomainMarker(band, Layer.BACKGROUND);
                plot.addDomainMarker(
                        new ValueMarker(r.interval().median(), c, new BasicStroke(1.5f)), Layer.BACKGROUND);
            }
        }
        String slo = CapacityRound.number(first.sloMillis());
        return new Charts.Named("latency-vs-load-" + first.workload() + "-c" + first.connections(),
                "Latency vs load: " + first.workload() + ", " + first.connections() + " connections",
                "The capacity searches' probes: open loop, requests on a fixed schedule, latency from each request's "
                        + "scheduled time (no "
                        + "coordinated omission). x: the rate the server achieved; y: its p99, the median of the "
                        + "rounds that probed that "
                        + "rate; a server's probes joined in order of rate. The dashed line is the goal (" + slo
                        + " ms); a vertical line "
                        + "marks each server's median capacity, the shaded band its interval. Near capacity the queue, "
                        + "and the p99, shoot "
                        + "up: the knee. A hollow marker failed on errors or because the client fell behind its "
                        + "schedule.",
                Charts.chart(
                        "p99 latency vs load — " + first.workload() + ", " + first.connections()
                                + " connections (open loop)",
                        plot,
                        provenance));
    }

    private static Map<String, List<CapacityRound>> byServer(List<CapacityRound> rounds) {
        return rounds.stream()
                .collect(Collectors.groupingBy(CapacityRound::key, LinkedHashMap::new, Collectors.toList()));
    }

    private static Map<Integer, Long> byRound(List<CapacityRound> rounds) {
        Map<Integer, Long> values = new LinkedHashMap<>();
        rounds.forEach(r -> values.put(r.round(), r.capacity()));
        return values;
    }
}
