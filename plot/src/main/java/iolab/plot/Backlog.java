package iolab.plot;

import iolab.runfiles.BacklogPoint;

import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The listen-backlog sweep of a run: for each backlog, the connect times of a storm of short
 * connections against a server slow to accept, the connects that failed, and the kernel's
 * {@code ListenOverflows} and {@code ListenDrops} over it. The experiment writes it, the plotter draws it.
 */
public final class Backlog {

    /** The latencies (connect to response) by percentile, one line per backlog. */
    static Charts.Named chart(List<BacklogPoint> points, String provenance) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (BacklogPoint p : points) {
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
        String each = points.stream()
                .map(p -> String.format(
                        Locale.ROOT,
                        "backlog %d: %,d connections answered, p50 %.1f ms, p99 %.1f ms, "
                                + "%d still unanswered at the end, %d failed connects, connect() p99 %.2f ms, "
                                + "ListenOverflows +%,d, ListenDrops +%,d",
                        p.backlog(),
                        p.answered(),
                        p.millis(50),
                        p.millis(99),
                        p.unanswered(),
                        p.failedConnects(),
                        BacklogPoint.millis(p.connectTime(), 99),
                        p.listenOverflows(),
                        p.listenDrops()))
                .collect(Collectors.joining("; "));
        return new Charts.Named(
                "backlog",
                "Latency by listen backlog",
                "A storm of short connections (one echo each, "
                        + "from connect to response) against nio made slow to accept. The kernel "
                        + "completes each handshake before the server accepts, so connect() itself returns at once; a "
                        + "connection that finds "
                        + "the accept queue full has its handshake's last ACK dropped (ListenOverflows), and the "
                        + "kernel sends its SYN-ACK again "
                        + "after 1 s, then 3 s, longer each time: the steps, and the connections still unanswered when "
                        + "the run ends, which a full "
                        + "queue keeps losing to newcomers. A backlog that holds the whole storm turns those stalls "
                        + "into a queue. The kernel's "
                        + "counters are machine-wide. " + each + ". somaxconn "
                        + (points.isEmpty() ? "?" : points.getFirst().somaxconn())
                        + " caps any backlog.",
                Charts.chart("Latency by listen backlog", plot, provenance));
    }
}
