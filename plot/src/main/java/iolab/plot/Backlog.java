package iolab.plot;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The listen-backlog sweep of a run: for each backlog, the connect times of a storm of short
 * connections against a server slow to accept, the connects that failed, and the kernel's
 * {@code ListenOverflows} and {@code ListenDrops} over it. The experiment writes it, the plotter draws it.
 */
public final class Backlog {

    public static final String CSV = "backlog.csv";
    public static final String FOLDER = "backlog";
    private static final String HEADER = "backlog,somaxconn,connects,answered,unanswered,failed_connects,listen_overflows,listen_drops,"
            + "p50_ms,p99_ms,p99_9_ms,max_ms,connect_p99_ms";

    /**
     * @param somaxconn       the kernel's cap on any backlog (-1 unknown)
     * @param connects        connects that completed while it was measured
     * @param answered        requests answered (one per connection)
     * @param unanswered      connections still waiting for their response when the run ended (their handshake stalled)
     * @param listenOverflows the kernel's count over the run, machine-wide (-1 unknown)
     * @param latency         from each connect's start to its response, in nanoseconds: what a user of such a client waits
     * @param connectTime     how long each {@code connect} took, in nanoseconds; short even when the server's queue was
     *                        full, since the kernel answers the handshake before the application accepts
     */
    public record Point(int backlog, int somaxconn, long connects, long answered, long unanswered, long failedConnects, long listenOverflows,
                        long listenDrops, Histogram latency, Histogram connectTime) {

        double millis(double percentile) {
            return millis(latency, percentile);
        }

        static double millis(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private Backlog() {
    }

    /** The file of one backlog's latencies in the run's {@link #FOLDER}. */
    public static String file(int backlog) {
        return "b" + backlog + ".hlog";
    }

    /** The file of one backlog's connect times in the run's {@link #FOLDER}. */
    public static String connectFile(int backlog) {
        return "b" + backlog + ".connect.hlog";
    }

    public static void write(List<Point> points, Path csv) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Point p : points) {
            text.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f%n", p.backlog(), p.somaxconn(), p.connects(),
                    p.answered(), p.unanswered(), p.failedConnects(), p.listenOverflows(), p.listenDrops(), p.millis(50), p.millis(99), p.millis(99.9),
                    p.millis(100), Point.millis(p.connectTime(), 99)));
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
    }

    /** The run's sweep, or empty when it made none; a backlog whose connect times are unreadable is left out. */
    static List<Point> read(Path runDir) throws IOException {
        Path csv = runDir.resolve(CSV);
        if (!Files.exists(csv)) {
            return List.of();
        }
        List<Point> points = new ArrayList<>();
        for (String line : Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).toList()) {
            String[] f = line.split(",");
            int backlog = Integer.parseInt(f[0]);
            points.add(new Point(backlog, Integer.parseInt(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), histogram(runDir.resolve(FOLDER).resolve(file(backlog))),
                    histogram(runDir.resolve(FOLDER).resolve(connectFile(backlog)))));
        }
        return points;
    }

    private static Histogram histogram(Path hlog) throws IOException {
        Histogram all = new Histogram(3);
        if (Files.exists(hlog)) {
            HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
            for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
                all.add((Histogram) h);
            }
        }
        return all;
    }

    /** The latencies (connect to response) by percentile, one line per backlog. */
    static Charts.Named chart(List<Point> points, String provenance) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Point p : points) {
            // The lines show the connections that got through; those still stalled at the end are named beside them.
            data.addSeries(Charts.percentiles("backlog " + p.backlog() + (p.unanswered() > 0 ? " (" + p.unanswered()
                    + " stalled to the end)" : ""), p.latency()));
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        Color[] colours = {new Color(0xD55E00), new Color(0xE69F00), new Color(0x009E73), new Color(0x0072B2)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colours[i % colours.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.5f));
        }
        NumberAxis x = new NumberAxis("Percentile");
        x.setRange(0, Charts.MAX_NINES + 0.3);
        x.setTickUnit(new NumberTickUnit(1, new Charts.NinesFormat()));
        XYPlot plot = Charts.plot(data, x, Charts.valueAxis("From connect to response (ms)", data), renderer);
        String each = points.stream().map(p -> String.format(Locale.ROOT, "backlog %d: %,d connections answered, p50 %.1f ms, p99 %.1f ms, "
                + "%d still unanswered at the end, %d failed connects, connect() p99 %.2f ms, ListenOverflows +%,d, ListenDrops +%,d",
                p.backlog(), p.answered(), p.millis(50), p.millis(99), p.unanswered(), p.failedConnects(), Point.millis(p.connectTime(), 99), p.listenOverflows(), p.listenDrops()))
                .collect(Collectors.joining("; "));
        return new Charts.Named("backlog", "Latency by listen backlog",
                "A storm of short connections (one echo each, " + "from connect to response) against nio made slow to accept. The kernel "
                        + "completes each handshake before the server accepts, so connect() itself returns at once; a connection that finds "
                        + "the accept queue full has its handshake's last ACK dropped (ListenOverflows), and the kernel sends its SYN-ACK again "
                        + "after 1 s, then 3 s, longer each time: the steps, and the connections still unanswered when the run ends, which a full "
                        + "queue keeps losing to newcomers. A backlog that holds the whole storm turns those stalls into a queue. The kernel's "
                        + "counters are machine-wide. " + each + ". somaxconn " + (points.isEmpty() ? "?" : points.getFirst().somaxconn())
                        + " caps any backlog.",
                Charts.chart("Latency by listen backlog", plot, provenance));
    }
}
