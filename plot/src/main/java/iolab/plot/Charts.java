package iolab.plot;

import iolab.runfiles.RoundStatistics;

import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The charts of a run, each built from the rows that have what it needs. */
final class Charts {

    /** A chart and what the report says under it. */
    record Named(String name, String title, String caption, JFreeChart chart, int height) {

        Named(String name, String title, String caption, JFreeChart chart) {
            this(name, title, caption, chart, ChartFiles.HEIGHT);
        }
    }

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 22);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final double MAX_NINES = 5; // 99.999%

    private final List<Row> rows;
    private final Catalog catalog;
    private final Styles styles;
    private final String provenance;
    private final List<String> notes = new ArrayList<>();

    /** @param provenance the run, commit and machine, written under every chart's title */
    Charts(List<Row> rows, Catalog catalog, String provenance) {
        this.rows = rows;
        this.catalog = catalog;
        this.styles = new Styles(catalog);
        this.provenance = provenance;
    }

    /** Lines about charts that could not be drawn, for the report and the console. */
    List<String> notes() {
        return notes;
    }

    List<Named> all() {
        List<Named> charts = new ArrayList<>();
        for (String workload : workloads()) {
            List<Row> closed = rows.stream()
                    .filter(r -> r.workload().equals(workload) && r.closedLoop() && r.scored())
                    .toList();
            if (closed.isEmpty()) {
                notes.add(workload + ": no closed-loop configuration has a score; its charts are left out");
                continue;
            }
            charts.add(throughput(workload, closed));
            Named percentiles = percentileDistribution(workload, closed);
            if (percentiles != null) {
                charts.add(percentiles);
            }
            charts.add(latencyVsConnections(workload, closed));
            charts.add(cost(workload, closed));
            if (catalog.delayMillis(workload) > 0) {
                charts.add(littlesLaw(workload, closed));
            }
        }
        for (String workload : workloads()) {
            List<Row> open = rows.stream()
                    .filter(r -> r.workload().equals(workload) && !r.closedLoop() && r.scored() && r.p99() != null)
                    .toList();
            if (!open.isEmpty()) {
                charts.add(latencyVsLoad(workload, open));
            }
        }
        Named tls = tlsCost();
        if (tls != null) {
            charts.add(tls);
        }
        return charts;
    }

    /**
     * Server CPU per response with and without TLS, per server: each HTTPS workload beside its plain twin (its label
     * without {@code -tls}), at the fewest connections all of them were measured at (10 in the full matrix). Null when
     * the run had no HTTPS.
     */
    private Named tlsCost() {
        List<String> tlsWorkloads = workloads().stream().filter(catalog::tls).toList();
        if (tlsWorkloads.isEmpty()) {
            return null;
        }
        List<String> compared = new ArrayList<>();
        for (String w : tlsWorkloads) {
            String plain = plainTwin(w);
            if (workloads().contains(plain) && !compared.contains(plain)) {
                compared.add(plain);
            }
            compared.add(w);
        }
        List<Row> closed = rows.stream()
                .filter(r -> compared.contains(r.workload())
                        && r.closedLoop()
                        && r.scored()
                        && r.cpuMicrosPerRequest() != null
                        && r.cpuMicrosPerRequest() > 0)
                .toList();
        java.util.Optional<Integer> common = closed.stream()
                .map(Row::connections)
                .distinct()
                .sorted()
                .filter(n -> compared.stream()
                        .allMatch(
                                w -> closed.stream().anyMatch(r -> r.workload().equals(w) && r.connections() == n)))
                .findFirst();
        if (common.isEmpty()) {
            notes.add(
                    "HTTPS: no connection count at which every TLS workload and its plain twin were measured; the TLS "
                            + "cost chart is left out");
            return null;
        }
        int connections = common.get();
        org.jfree.data.category.DefaultCategoryDataset data = new org.jfree.data.category.DefaultCategoryDataset();
        List<String> servers = closed.stream()
                .map(Row::server)
                .distinct()
                .sorted(Comparator.comparingInt(styles::order))
                .toList();
        List<String> ratios = new ArrayList<>();
        for (String w : compared) {
            for (String server : servers) {
                closed.stream()
                        .filter(r ->
                                r.workload().equals(w) && r.server().equals(server) && r.connections() == connections)
                        .findFirst()
                        .ifPresent(r -> data.addValue(r.cpuMicrosPerRequest(), w, server));
            }
        }
        for (String server : servers) {
            for (String w : tlsWorkloads) {
                Number with = value(data, w, server);
                Number without =
                        value(data, plainTwin(w), catalog.plainTwin(server)); // BoringSSL's plain HTTP is Netty epoll's
                if (with != null && without != null) {
                    ratios.add(String.format(
                            Locale.ROOT,
                            "%s %s %.1f× (%.0f against %.0f µs)",
                            server,
                            w,
                            with.doubleValue() / without.doubleValue(),
                            with.doubleValue(),
                            without.doubleValue()));
                }
            }
        }
        org.jfree.chart.renderer.category.LineAndShapeRenderer renderer =
                new org.jfree.chart.renderer.category.LineAndShapeRenderer(false, true);
        // Kept alive in blues and circles, a connection per request in oranges and squares; darker with TLS.
        for (int i = 0; i < compared.size(); i++) {
            String w = compared.get(i);
            boolean close = catalog.connectionPerRequest(w);
            renderer.setSeriesPaint(
                    i,
                    catalog.tls(w) ? new Color(close ? 0xD55E00 : 0x0072B2) : new Color(close ? 0xF5B971 : 0x9ECAE1));
            renderer.setSeriesShape(
                    i,
                    close
                            ? new java.awt.geom.Rectangle2D.Double(-6, -6, 12, 12)
                            : new java.awt.geom.Ellipse2D.Double(-6, -6, 12, 12));
        }
        org.jfree.chart.axis.CategoryAxis x = new org.jfree.chart.axis.CategoryAxis("Server");
        x.setMaximumCategoryLabelLines(2);
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICKS);
        LogAxis y = new ReadableLogAxis("Server CPU per response (µs), log scale");
        y.setLabelFont(LABEL);
        y.setTickLabelFont(TICKS);
        org.jfree.chart.plot.CategoryPlot plot = new org.jfree.chart.plot.CategoryPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
        JFreeChart chart = chart("What TLS costs the server — /plaintext, " + connections + " connections", plot);
        return new Named(
                "tls-cost",
                "What TLS costs the server",
                "Server CPU time (user + system, from /proc) per response, closed loop at " + connections
                        + " connections, median over rounds. "
                        + "Kept alive, TLS adds the cipher on every byte; with a new connection per request, a full "
                        + "handshake (an ECDHE key "
                        + "exchange and a signature, no session resumed) per response. The servers use the JDK's TLS, "
                        + "but netty-epoll-boringssl: "
                        + "Netty epoll on BoringSSL (netty-tcnative), against Netty epoll's plain HTTP. TLS against "
                        + "plain: "
                        + String.join("; ", ratios) + ".",
                chart);
    }

    /** The workload an HTTPS one is compared with: {@code plaintext-tls-close} with {@code plaintext-close}. */
    static String plainTwin(String tlsWorkload) {
        return tlsWorkload.replace("-tls", "");
    }

    private static Number value(org.jfree.data.category.DefaultCategoryDataset data, String row, String column) {
        return data.getRowIndex(row) < 0 || data.getColumnIndex(column) < 0 ? null : data.getValue(row, column);
    }

    /** The workloads of the run, in the order the run lists them. */
    private List<String> workloads() {
        return rows.stream()
                .map(Row::workload)
                .distinct()
                .sorted(Comparator.comparingInt(catalog::workloadOrder))
                .toList();
    }

    private Named throughput(String workload, List<Row> closed) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        Map<String, List<Row>> servers = byServer(closed);
        int place = 0;
        for (Map.Entry<String, List<Row>> server : servers.entrySet()) {
            YIntervalSeries series = new YIntervalSeries(server.getKey());
            double dodge = dodge(place++, servers.size());
            for (Row r : server.getValue()) {
                RoundStatistics.Interval ci = r.interval();
                series.add(
                        r.connections() * dodge,
                        r.score(),
                        ci == null ? r.score() : ci.low(),
                        ci == null ? r.score() : ci.high());
            }
            data.addSeries(series);
        }
        XYErrorRenderer renderer = new XYErrorRenderer() {
            @Override
            public boolean getItemShapeFilled(int series, int item) {
                return !withErrors(
                        closed,
                        data.getSeriesKey(series),
                        servers.get((String) data.getSeriesKey(series))
                                .get(item)
                                .connections());
            }
        };
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setCapLength(8);
        renderer.setErrorStroke(new BasicStroke(1.5f));
        style(renderer, data);
        boolean churn = catalog.connectionPerRequest(workload);
        XYPlot plot = plot(
                data,
                connectionsAxis(
                        churn ? "Connections in progress at once (log scale)" : "Concurrent connections (log scale)"),
                new NumberAxis(churn ? "New connections per second (one request each)" : "Throughput (responses/s)"),
                renderer);
        for (Row r : closed) {
            if (r.clientBound()) {
                plot.addAnnotation(new Ring(
                        r.connections() * dodge(List.copyOf(servers.keySet()).indexOf(r.server()), servers.size()),
                        r.score()));
            }
        }
        if (closed.stream().anyMatch(Row::hadErrors)) {
            key(plot, "hollow: had errors", new Ellipse2D.Double(-5, -5, 10, 10), false);
        }
        if (closed.stream().anyMatch(Row::clientBound)) {
            key(plot, "ring: client-bound", new Ellipse2D.Double(-9, -9, 18, 18), false);
        }
        return new Named("throughput-" + workload, "Throughput vs connections: " + workload,
                "Closed loop: each connection sends its next request when the response arrives. The median over "
                        + "rounds; bars: its interval across rounds (see the tables for its coverage); "
                        + "the servers at one connection count are drawn a little apart so that each bar reads. "
                        + "A hollow marker: that configuration had errors (see the table); a black ring: client-bound "
                        + "(the load generator's core was the limit); "
                        + "a server missing at a connection count failed there.",
                chart(churn ? "Connections per second — " + workload + " (a new connection per request)"
                        : "Throughput vs connections — " + workload + " (closed loop)", plot));
    }

    private Named percentileDistribution(String workload, List<Row> closed) {
        List<Row> withHistograms = closed.stream().filter(r -> r.latency() != null).toList();
        if (withHistograms.isEmpty()) {
            notes.add(workload + ": no latency histogram (.hlog); the percentile-distribution chart is left out");
            return null;
        }
        // The connection count most servers have, the largest of those on a tie: the comparison is then fair.
        Map<Integer, Long> counts =
                withHistograms.stream().collect(Collectors.groupingBy(Row::connections, Collectors.counting()));
        int connections = counts.entrySet().stream()
                .max(Comparator.comparingLong((Map.Entry<Integer, Long> e) -> e.getValue())
                        .thenComparing(Map.Entry::getKey))
                .orElseThrow()
                .getKey();
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, String> legend = new HashMap<>();
        for (Row r : withHistograms.stream().filter(r -> r.connections() == connections)
                .sorted(Comparator.comparingInt(r -> styles.order(r.server()))).toList()) {
            data.addSeries(percentiles(r.server(), r.latency()));
            legend.put(r.server(), r.serverServed());
        }
        NumberAxis x = new NumberAxis("Percentile");
        x.setRange(0, MAX_NINES + 0.3); // room for the last tick's label
        x.setTickUnit(new NumberTickUnit(1, new NinesFormat()));
        XYLineAndShapeRenderer renderer = lines(data, false);
        // A server that starved connections says so where its curve is named: its curve holds censored waits.
        renderer.setLegendItemLabelGenerator((dataset, series) ->
                legend.getOrDefault((String) dataset.getSeriesKey(series), (String) dataset.getSeriesKey(series)));
        XYPlot plot = plot(data, x, valueAxis("Latency (ms)", data), renderer);
        return new Named(
                "percentiles-" + workload,
                "Latency by percentile: " + workload + ", " + connections + " connections",
                "HdrHistogram's percentile distribution of every response in the measurement iterations, closed loop "
                        + "at "
                        + connections + " connections. Each step to the right is ten times rarer: 90%, 99%, 99.9%…"
                        + " Requests never answered are in it at the wait they had (a lower bound), with the requests "
                        + "their connection"
                        + " would have sent meanwhile; a server that starved connections says how many it served.",
                chart("Latency by percentile — " + workload + ", " + connections + " connections", plot));
    }

    private Named latencyVsConnections(String workload, List<Row> closed) {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(connectionsAxis());
        combined.setGap(14);
        Map<String, Function<Row, Double>> percentiles = new LinkedHashMap<>();
        percentiles.put("p50", Row::p50);
        percentiles.put("p99", Row::p99);
        percentiles.put("p99.9", Row::p999);
        Map<String, Function<Row, RoundStatistics.Interval>> intervals = Map.of(
                "p50",
                r -> r.account().p50Interval(),
                "p99",
                r -> r.account().p99Interval(),
                "p99.9",
                r -> r.account().p999Interval());
        for (Map.Entry<String, Function<Row, Double>> p : percentiles.entrySet()) {
            YIntervalSeriesCollection data = new YIntervalSeriesCollection();
            Function<Row, RoundStatistics.Interval> across = intervals.getOrDefault(p.getKey(), r -> null);
            Map<String, List<Row>> servers = byServer(closed);
            List<String> order = List.copyOf(servers.keySet());
            for (Map.Entry<String, List<Row>> server : servers.entrySet()) {
                YIntervalSeries series = new YIntervalSeries(server.getKey());
                double dodge = dodge(order.indexOf(server.getKey()), order.size());
                for (Row r : server.getValue()) {
                    Double y = p.getValue().apply(r);
                    if (y != null && y > 0) {
                        RoundStatistics.Interval ci = across.apply(r);
                        series.add(
                                r.connections() * dodge,
                                y,
                                ci == null ? y : Math.min(y, ci.low()),
                                ci == null ? y : Math.max(y, ci.high()));
                    }
                }
                data.addSeries(series);
            }
            XYErrorRenderer renderer = new XYErrorRenderer();
            renderer.setDrawXError(false);
            renderer.setDefaultLinesVisible(true);
            renderer.setCapLength(6);
            style(renderer, data);
            XYPlot panel = plot(data, null, valueAxis(p.getKey() + " (ms)", data), renderer);
            for (Row r : closed) {
                Double y = p.getValue().apply(r);
                if (y != null && y > 0 && r.account().lowerBound(p.getKey())) {
                    // A lower bound: the censored waits of starved connections reach this percentile.
                    org.jfree.chart.annotations.XYTextAnnotation atLeast =
                            new org.jfree.chart.annotations.XYTextAnnotation(
                                    "≥", r.connections() * dodge(order.indexOf(r.server()), order.size()), y);
                    atLeast.setFont(LABEL);
                    atLeast.setTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_CENTER);
                    panel.addAnnotation(atLeast);
                }
            }
            combined.add(panel);
        }
        combined.setFixedLegendItems(((XYPlot) combined.getSubplots().get(0)).getLegendItems());
        if (closed.stream().anyMatch(r -> !r.account().lowerBounds().isEmpty())) {
            org.jfree.chart.LegendItemCollection items = combined.getFixedLegendItems();
            items.add(new org.jfree.chart.LegendItem("≥: a lower bound (starved connections' waits)", Color.BLACK));
            combined.setFixedLegendItems(items);
        }
        return new Named("latency-" + workload, "p50, p99 and p99.9 vs connections: " + workload,
                "Closed loop, so latency grows with the connections queued on the server (Little's law): compare the "
                        + "models at equal connections. "
                        + "p50 and p99 are the run's own, with bars for the interval of the rounds' values; "
                        + "≥ marks a lower bound: that percentile reaches into the requests never answered, counted at "
                        + "the wait they had.",
                chart("Latency vs connections — " + workload + " (closed loop)", combined));
    }

    private Named cost(String workload, List<Row> closed) {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(connectionsAxis());
        combined.setGap(14);
        XYSeriesCollection threads = series(closed, Row::threads);
        combined.add(plot(threads, null, valueAxis("Server threads", threads), lines(threads, true)));
        XYSeriesCollection rss = series(closed, Row::rssMiB);
        combined.add(plot(rss, null, new NumberAxis("Resident memory (MiB)"), lines(rss, true)));
        XYSeriesCollection cpu = series(closed, Row::cpuMicrosPerRequest);
        combined.add(plot(cpu, null, new NumberAxis("Server CPU (µs per response)"), lines(cpu, true)));
        combined.setFixedLegendItems(((XYPlot) combined.getSubplots().get(0)).getLegendItems());
        return new Named("cost-" + workload, "What the server spends: " + workload,
                "Sampled from /proc/PID of the server process while it was measured: live threads, resident memory "
                        + "(RSS) and "
                        + "CPU time (user + system) divided by the responses in the same interval.",
                chart("Server cost vs connections — " + workload + " (closed loop)", combined));
    }

    /**
     * Little's law as bars: each server's throughput at each connection count, and over its bar a line at its own
     * ceiling, N in service / the wait. A bar that reaches its line is bounded by its threads or workers; one below it,
     * by CPU.
     */
    private Named littlesLaw(String workload, List<Row> closed) {
        int delayMillis = catalog.delayMillis(workload);
        org.jfree.data.category.DefaultCategoryDataset measured = new org.jfree.data.category.DefaultCategoryDataset();
        org.jfree.data.category.DefaultCategoryDataset ceilings = new org.jfree.data.category.DefaultCategoryDataset();
        List<String> servers = List.copyOf(byServer(closed).keySet());
        for (Row r : closed.stream().sorted(Comparator.comparingInt(Row::connections)).toList()) {
            String column = String.format(Locale.ROOT, "%,d connections", r.connections());
            measured.addValue(r.score(), r.server(), column);
            double ceiling = catalog.inService(r.server(), r.connections()) * 1000.0 / delayMillis;
            ceilings.addValue(ceiling, r.server(), column);
        }
        org.jfree.chart.renderer.category.BarRenderer bars = new org.jfree.chart.renderer.category.BarRenderer();
        bars.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setItemMargin(0.1);
        org.jfree.chart.renderer.category.LevelRenderer level = new org.jfree.chart.renderer.category.LevelRenderer();
        level.setItemMargin(0.1);
        level.setMaximumItemWidth(1);
        level.setDefaultStroke(new BasicStroke(3f));
        for (int i = 0; i < servers.size(); i++) {
            Color color = styles.color(servers.get(i));
            int row = measured.getRowIndex(servers.get(i));
            bars.setSeriesPaint(row, new Color(color.getRed(), color.getGreen(), color.getBlue(), 170));
            level.setSeriesPaint(row, Color.BLACK);
            level.setSeriesStroke(row, new BasicStroke(3f));
            level.setSeriesVisibleInLegend(row, i == 0);
        }
        bars.setDefaultToolTipGenerator(new org.jfree.chart.labels.StandardCategoryToolTipGenerator(
                "{0} at {1}: {2} responses/s", new DecimalFormat("#,##0")));
        level.setDefaultToolTipGenerator(new org.jfree.chart.labels.StandardCategoryToolTipGenerator(
                "{0}'s ceiling at {1}: {2} responses/s", new DecimalFormat("#,##0")));
        level.setLegendItemLabelGenerator((dataset, series) -> "each server's ceiling, N in service / "
                + delayMillis + " ms");
        NumberAxis y = new NumberAxis("Throughput (responses/s)");
        y.setLabelFont(LABEL);
        y.setTickLabelFont(TICKS);
        org.jfree.chart.axis.CategoryAxis x = new org.jfree.chart.axis.CategoryAxis(null);
        x.setTickLabelFont(LABEL);
        org.jfree.chart.plot.CategoryPlot plot = new org.jfree.chart.plot.CategoryPlot(measured, x, y, bars);
        plot.setDataset(1, ceilings);
        plot.setRenderer(1, level);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
        return new Named(
                "littles-law-" + workload,
                "Little's law: " + workload,
                "Each request waits " + delayMillis + " ms on the server, so at most N requests in service give N / "
                        + delayMillis + " ms responses per second: the black line over each bar is that server's own "
                        + "ceiling, N being the connections, but at most " + limits() + ". A bar that reaches its "
                        + "line is bounded by its threads or workers; one below it, by CPU.",
                chart("Throughput against each server's Little's-law ceiling — " + workload, plot));
    }

    /** "200 for pool, 200 for nio": the servers whose threads or workers bound the requests in service. */
    private String limits() {
        return catalog.inServiceLimits().entrySet().stream()
                .filter(e -> rows.stream().anyMatch(r -> r.server().equals(e.getKey())))
                .map(e -> e.getValue() + " for " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    private Named latencyVsLoad(String workload, List<Row> open) {
        XYSeriesCollection sustained = new XYSeriesCollection();
        XYSeriesCollection unsustained = new XYSeriesCollection();
        Map<String, List<Row>> groups = open.stream()
                .collect(Collectors.groupingBy(
                        r -> r.server() + ", " + r.connections() + " conn.", LinkedHashMap::new, Collectors.toList()));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer hollow = new XYLineAndShapeRenderer(false, true);
        hollow.setDefaultShapesFilled(false);
        hollow.setUseOutlinePaint(false);
        int i = 0;
        for (Map.Entry<String, List<Row>> g : groups.entrySet().stream()
                .sorted(Comparator.comparingInt(e -> styles.order(e.getValue().get(0).server()))).toList()) {
            XYSeries line = new XYSeries(g.getKey(), true, true);
            XYSeries beyond = new XYSeries(g.getKey() + ": unsustainable", true, true);
            // A point the server could not keep up with has no steady-state p99: its marker is hollow, off the line.
            g.getValue().forEach(r -> (Boolean.FALSE.equals(r.sustainable()) ? beyond : line).add(r.rate(), r.p99()));
            sustained.addSeries(line);
            unsustained.addSeries(beyond);
            String server = g.getValue().get(0).server();
            for (XYLineAndShapeRenderer r : List.of(renderer, hollow)) {
                r.setSeriesPaint(i, styles.color(server));
                r.setSeriesStroke(i, styles.stroke(server));
                r.setSeriesShape(i, styles.shape(server));
            }
            hollow.setSeriesVisibleInLegend(i, beyond.getItemCount() > 0);
            i++;
        }
        NumberAxis x = new NumberAxis("Offered load (requests/s, on a fixed schedule)");
        XYSeriesCollection all = new XYSeriesCollection();
        for (int s = 0; s < sustained.getSeriesCount(); s++) {
            all.addSeries(sustained.getSeries(s));
            all.addSeries(unsustained.getSeries(s));
        }
        XYPlot plot = plot(sustained, x, valueAxis("p99 latency (ms)", all), renderer);
        plot.setDataset(1, unsustained);
        plot.setRenderer(1, hollow);
        return new Named("latency-vs-load-" + workload, "Latency vs offered load: " + workload,
                "Open loop: requests are sent on a fixed schedule at the rates shown, and latency counts from the "
                        + "scheduled time (no coordinated "
                        + "omission). A filled marker on the line: the server sustained that rate in every second of "
                        + "every round. A hollow marker "
                        + "off the line: it did not (it fell behind, its queue grew, or requests failed), and its p99 "
                        + "describes a backlog, not a "
                        + "steady state. Near a server's capacity the queue, and the p99, shoot up: the hockey stick.",
                chart("p99 latency vs offered load — " + workload + " (open loop)", plot));
    }

    /** A latency distribution (ns) as a line over the percentile axis, in ms, up to {@link #MAX_NINES} nines. */
    static XYSeries percentiles(String key, org.HdrHistogram.Histogram nanos) {
        XYSeries series = new XYSeries(key, false, true);
        if (nanos.getTotalCount() == 0) {
            return series;
        }
        for (HistogramIterationValue v : nanos.percentiles(5)) {
            double q = v.getPercentileLevelIteratedTo() / 100;
            double nines = -Math.log10(1 - q);
            if (q >= 1 || nines > MAX_NINES) {
                break;
            }
            series.add(nines, Math.max(v.getValueIteratedTo() / 1e6, 0.001));
        }
        return series;
    }

    /**
     * The factor that moves the {@code place}-th of {@code count} servers sideways on a log axis, so
     * that error bars at one connection count sit side by side instead of on top of each other.
     */
    static double dodge(int place, int count) {
        return Math.pow(10, (place - (count - 1) / 2.0) * 0.025);
    }

    /** Whether the configuration of {@code server} at {@code connections} had errors. */
    private static boolean withErrors(List<Row> rows, Comparable<?> server, double connections) {
        return rows.stream()
                .anyMatch(r -> r.server().equals(server) && r.connections() == connections && r.hadErrors());
    }

    private Map<String, List<Row>> byServer(List<Row> rows) {
        return rows.stream()
                .sorted(Comparator.comparingInt((Row r) -> styles.order(r.server()))
                        .thenComparingInt(Row::connections))
                .collect(Collectors.groupingBy(Row::server, LinkedHashMap::new, Collectors.toList()));
    }

    private XYSeriesCollection series(List<Row> rows, Function<Row, Double> y) {
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, List<Row>> servers = byServer(rows);
        int place = 0;
        for (Map.Entry<String, List<Row>> server : servers.entrySet()) {
            XYSeries series = new XYSeries(server.getKey());
            double dodge = dodge(place++, servers.size());
            server.getValue().stream()
                    .filter(r -> y.apply(r) != null && y.apply(r) > 0)
                    .forEach(r -> series.add(r.connections() * dodge, y.apply(r)));
            data.addSeries(series);
        }
        return data;
    }

    private XYLineAndShapeRenderer lines(XYSeriesCollection data, boolean shapes) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, shapes);
        style(renderer, data);
        return renderer;
    }

    private void style(XYLineAndShapeRenderer renderer, org.jfree.data.xy.XYDataset data) {
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String server = (String) data.getSeriesKey(i);
            renderer.setSeriesPaint(i, styles.color(server));
            renderer.setSeriesStroke(i, styles.stroke(server));
            renderer.setSeriesShape(i, styles.shape(server));
        }
    }

    static XYPlot plot(org.jfree.data.xy.XYDataset data, ValueAxis x, ValueAxis y, XYLineAndShapeRenderer renderer) {
        y.setLabelFont(LABEL);
        y.setTickLabelFont(TICKS);
        if (x != null) {
            x.setLabelFont(LABEL);
            x.setTickLabelFont(TICKS);
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xBBBBBB));
        plot.setRangeGridlinePaint(new Color(0xBBBBBB));
        return plot;
    }

    static LogAxis connectionsAxis() {
        return connectionsAxis("Concurrent connections (log scale)");
    }

    static LogAxis connectionsAxis(String label) {
        LogAxis x = new ReadableLogAxis(label);
        x.setNumberFormatOverride(new DecimalFormat("#,##0"));
        x.setSmallestValue(0.5);
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICKS);
        return x;
    }

    /**
     * A log axis where the values span more than a decade and a half, so that 0.1 ms and
     * 1 s both read; a linear one below that, where a log axis would label a single decade.
     */
    static ValueAxis valueAxis(String label, org.jfree.data.xy.XYDataset data) {
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                double y = data.getYValue(s, i);
                if (y > 0) {
                    min = Math.min(min, y);
                    max = Math.max(max, y);
                }
            }
        }
        if (max > 0 && max / min >= 30) {
            return logAxis(label);
        }
        NumberAxis linear = new NumberAxis(label);
        linear.setAutoRangeIncludesZero(true);
        return linear;
    }

    /** Adds to a chart's legend what a marker style means: hollow, a ring. */
    private static void key(XYPlot plot, String label, java.awt.Shape shape, boolean filled) {
        org.jfree.chart.LegendItemCollection items = plot.getLegendItems();
        items.add(new org.jfree.chart.LegendItem(
                label, null, null, null, true, shape, filled, Color.BLACK, true, Color.BLACK, new BasicStroke(1.5f),
                false, new java.awt.geom.Line2D.Double(), new BasicStroke(1f), Color.BLACK));
        plot.setFixedLegendItems(items);
    }

    private static LogAxis logAxis(String label) {
        LogAxis y = new ReadableLogAxis(label + ", log scale");
        y.setSmallestValue(1e-3);
        return y;
    }

    private JFreeChart chart(String title, org.jfree.chart.plot.Plot plot) {
        return chart(title, plot, provenance);
    }

    /** A chart that keeps its provenance when pasted alone: the run, commit and machine under its title. */
    static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, String provenance) {
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(LABEL);
        chart.setTitle(new TextTitle(title, TITLE));
        chart.addSubtitle(0, new TextTitle(provenance, SUBTITLE));
        return chart;
    }

    /** Tick labels of the percentile axis: x nines is the percentile 100 × (1 − 10^−x). */
    static final class NinesFormat extends NumberFormat {
        @Override
        public StringBuffer format(double nines, StringBuffer to, FieldPosition pos) {
            double percentile = 100 * (1 - Math.pow(10, -nines));
            String text = new DecimalFormat("0.#####").format(percentile) + "%";
            return to.append(text);
        }

        @Override
        public StringBuffer format(long nines, StringBuffer to, FieldPosition pos) {
            return format((double) nines, to, pos);
        }

        @Override
        public Number parse(String source, ParsePosition pos) {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * A black ring around a point: that configuration was client-bound (its score is the load generator's ceiling too).
     */
    private static final class Ring extends AbstractXYAnnotation {
        private static final double RADIUS = 10;
        private final double x;
        private final double y;

        Ring(double x, double y) {
            this.x = x;
            this.y = y;
        }

        @Override
        public void draw(
                Graphics2D g2,
                XYPlot plot,
                Rectangle2D area,
                ValueAxis domain,
                ValueAxis range,
                int index,
                PlotRenderingInfo info) {
            double px = domain.valueToJava2D(x, area, plot.getDomainAxisEdge());
            double py = range.valueToJava2D(y, area, plot.getRangeAxisEdge());
            g2.setStroke(new BasicStroke(2f));
            g2.setPaint(Color.BLACK);
            g2.draw(new Ellipse2D.Double(px - RADIUS, py - RADIUS, 2 * RADIUS, 2 * RADIUS));
        }
    }
}
