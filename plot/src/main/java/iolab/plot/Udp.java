package iolab.plot;

import iolab.runfiles.UdpTrial;

import iolab.runfiles.RoundStatistics;

import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The UDP sweep of a run: each server echoing datagrams at rising offered rates, in rounds, and
 * what came back. The experiment writes {@code udp.csv}, one line per trial; the plotter draws the
 * datagrams echoed and the share lost against the offered rate, and names each server's loss knee.
 */
public final class Udp {

    /** The loss a server may show and still count as keeping up: the knee is the last rate below it. */
    public static final double KNEE_LOSS = 0.01;

    /** One server at one offered rate: the median over rounds and the range. */
    record Point(String server, long offered, double p99Millis, double p99Low, double p99High, double lossMedian,
                 double lossLow, double lossHigh, double cpuMicros, boolean clientLate, int rounds) {
    }

    private Udp() {
    }

    /** Per server, in the order given, its points by rising rate. */
    static Map<String, List<Point>> points(List<UdpTrial> trials, Comparator<String> serverOrder) {
        Map<String, List<Point>> byServer = new LinkedHashMap<>();
        Map<String, Map<Long, List<UdpTrial>>> grouped = trials.stream()
                .collect(Collectors.groupingBy(
                        UdpTrial::server,
                        TreeMap::new,
                        Collectors.groupingBy(UdpTrial::offered, TreeMap::new, Collectors.toList())));
        grouped.keySet().stream().sorted(serverOrder).forEach(server -> {
            List<Point> points = new ArrayList<>();
            grouped.get(server).forEach((offered, ts) -> {
                double[] p99 = ts.stream().mapToDouble(UdpTrial::p99Millis).toArray();
                double[] loss = ts.stream().mapToDouble(UdpTrial::lossRatio).toArray();
                double[] cpu = ts.stream()
                        .mapToDouble(UdpTrial::cpuMicrosPerDatagram)
                        .filter(Double::isFinite)
                        .toArray();
                points.add(new Point(
                        server,
                        offered,
                        RoundStatistics.median(p99),
                        min(p99),
                        max(p99),
                        RoundStatistics.median(loss),
                        min(loss),
                        max(loss),
                        cpu.length == 0 ? Double.NaN : RoundStatistics.median(cpu),
                        ts.stream().anyMatch(UdpTrial::clientLate),
                        ts.size()));
            });
            byServer.put(server, points);
        });
        return byServer;
    }

    /** The highest offered rate at which the median loss stayed under {@link #KNEE_LOSS}, if any did. */
    static Optional<Point> knee(List<Point> points) {
        Point knee = null;
        for (Point p : points) {
            if (p.lossMedian() >= KNEE_LOSS) {
                break;
            }
            knee = p;
        }
        return Optional.ofNullable(knee);
    }

    private static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return java.util.Arrays.stream(values).max().orElse(Double.NaN);
    }

    /**
     * The p99 latency of the datagrams echoed (top) and the share lost (bottom) against the offered rate, one line per
     * server.
     */
    static Charts.Named chart(List<UdpTrial> trials, Catalog catalog, String provenance) {
        Styles styles = new Styles(catalog);
        Map<String, List<Point>> points = points(trials, Comparator.comparingInt(styles::order));
        YIntervalSeriesCollection latency = new YIntervalSeriesCollection();
        YIntervalSeriesCollection lost = new YIntervalSeriesCollection();
        int place = 0;
        for (Map.Entry<String, List<Point>> server : points.entrySet()) {
            YIntervalSeries p99 = new YIntervalSeries(server.getKey());
            YIntervalSeries l = new YIntervalSeries(server.getKey());
            double dodge = Charts.dodge(place++, points.size());
            for (Point p : server.getValue()) {
                p99.add(p.offered() * dodge, p.p99Millis(), p.p99Low(), p.p99High());
                l.add(p.offered() * dodge, 100 * p.lossMedian(), 100 * p.lossLow(), 100 * p.lossHigh());
            }
            latency.addSeries(p99);
            lost.addSeries(l);
        }
        LogAxis x = Charts.connectionsAxis("Offered rate (datagrams/s, on a fixed schedule; log scale)");
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(x);
        combined.setGap(14);
        XYPlot top = Charts.plot(
                latency, null, Charts.valueAxis("p99 latency (ms)", latency), renderer(latency, styles, points));
        combined.add(top, 1);
        NumberAxis lossAxis = new NumberAxis("Lost (% of sent)");
        lossAxis.setNumberFormatOverride(new DecimalFormat("0.#"));
        XYPlot bottom = Charts.plot(lost, null, lossAxis, renderer(lost, styles, points));
        ValueMarker kneeLine = new ValueMarker(
                100 * KNEE_LOSS,
                Color.GRAY,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
        kneeLine.setLabel(Math.round(100 * KNEE_LOSS) + "% lost ");
        kneeLine.setLabelFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        kneeLine.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
        kneeLine.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_RIGHT);
        bottom.addRangeMarker(kneeLine);
        combined.add(bottom, 1);
        combined.setFixedLegendItems(top.getLegendItems());
        String knees = points.entrySet().stream()
                .map(e -> e.getKey() + ": "
                        + knee(e.getValue())
                                .map(k -> String.format(Locale.ROOT, "%,d/s", k.offered()))
                                .orElse("below the lowest rate"))
                .collect(Collectors.joining(", "));
        String cpu = points.entrySet().stream()
                .map(e -> e.getKey() + " "
                        + e.getValue().stream()
                                .map(Point::cpuMicros)
                                .filter(Double::isFinite)
                                .findFirst()
                                .map(c -> String.format(Locale.ROOT, "%.1f µs", c))
                                .orElse("?"))
                .collect(Collectors.joining(", "));
        String where = trials.stream()
                .collect(Collectors.groupingBy(UdpTrial::server, LinkedHashMap::new, Collectors.toList()))
                .entrySet()
                .stream()
                .sorted(Comparator.comparingInt(e -> styles.order(e.getKey())))
                .map(e -> String.format(
                        Locale.ROOT,
                        "%s %,d lost: %s at the server, %s at the client",
                        e.getKey(),
                        e.getValue().stream().mapToLong(UdpTrial::lost).sum(),
                        known(e.getValue().stream().mapToLong(UdpTrial::serverDrops)),
                        known(e.getValue().stream().mapToLong(UdpTrial::clientDrops))))
                .collect(Collectors.joining("; "));
        int rounds = points.values().stream()
                .flatMap(List::stream)
                .mapToInt(Point::rounds)
                .max()
                .orElse(0);
        return new Charts.Named(
                "udp",
                "UDP echo: latency and loss against the offered rate",
                "An open loop sends 64-byte datagrams on a fixed schedule; each server echoes them on one core. The "
                        + "p99 latency of the datagrams "
                        + "that came back (from each one's intended send time) and the share that did not: the median "
                        + "of "
                        + rounds
                        + " rounds, bars: the range over the rounds. A hollow marker: the "
                        + "client could not keep the schedule there (its own send lag was comparable to the latency), "
                        + "so that rate measures the "
                        + "client. UDP has no flow control: what the server cannot read in time overflows its socket's "
                        + "receive buffer and is gone, "
                        + "so loss, not latency, is how a UDP server says it is full. Loss knee (the highest rate with "
                        + "median loss under "
                        + Math.round(100 * KNEE_LOSS) + "%): " + knees
                        + ". Server CPU per datagram at the lowest rate: " + cpu + ". Where the kernel "
                        + "dropped them (per-socket drops in /proc/net/udp, over all trials): " + where + ".",
                Charts.chart("UDP echo: p99 latency and loss vs offered rate", combined, provenance));
    }

    /** A sum of counts, "?" when any is unknown (-1). */
    private static String known(java.util.stream.LongStream counts) {
        long[] all = counts.toArray();
        return java.util.Arrays.stream(all).anyMatch(c -> c < 0)
                ? "?"
                : String.format(Locale.ROOT, "%,d", java.util.Arrays.stream(all).sum());
    }

    private static XYErrorRenderer renderer(
            YIntervalSeriesCollection data, Styles styles, Map<String, List<Point>> points) {
        List<String> servers = List.copyOf(points.keySet());
        XYErrorRenderer renderer = new XYErrorRenderer() {
            @Override
            public boolean getItemShapeFilled(int series, int item) {
                return series >= servers.size() || !points.get(servers.get(series)).get(item).clientLate();
            }
        };
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setCapLength(6);
        renderer.setErrorStroke(new BasicStroke(1.5f));
        for (int i = 0; i < data.getSeriesCount(); i++) {
            if (i < servers.size()) {
                renderer.setSeriesPaint(i, styles.color(servers.get(i)));
                renderer.setSeriesStroke(i, styles.stroke(servers.get(i)));
                renderer.setSeriesShape(i, styles.shape(servers.get(i)));
            } else {
                renderer.setSeriesPaint(i, Color.GRAY);
                renderer.setSeriesStroke(i, new BasicStroke(1f));
                renderer.setSeriesShapesVisible(i, false);
                renderer.setSeriesVisibleInLegend(i, false);
            }
        }
        return renderer;
    }
}
