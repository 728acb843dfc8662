package iolab.plot;

import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XIntervalSeries;
import org.jfree.data.xy.XIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every verdict of a run on one chart: each ratio against its yardstick with its interval, one row per server, the rows
 * of one block (workload, connections, figure) together on a shaded band, and the line at 1.0 where a ratio means no
 * difference. An interval that crosses the line is a ratio this run cannot tell from 1.
 */
final class ForestPlot {

    static final String NAME = "verdicts";

    private static final int ROW_PIXELS = 26;

    private ForestPlot() {
    }

    static Charts.Named chart(List<Ratios.Ratio> ratios, Styles styles, String provenance) {
        Map<String, List<Ratios.Ratio>> blocks = Ratios.byBlock(ratios);
        Map<String, XIntervalSeries> series = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        List<double[]> bands = new ArrayList<>();
        Map<Integer, String> headings = new LinkedHashMap<>();
        Map<Integer, Ratios.Ratio> byRow = new LinkedHashMap<>();
        // A log axis has no 0: a ratio of 0 (a server that carried nothing) sits at the axis's left end.
        double low = Math.min(1, ratios.stream().mapToDouble(r -> r.ratio().low()).filter(v -> v > 0).min().orElse(1));
        double high = 1;
        double floor = low / 1.15;
        for (Map.Entry<String, List<Ratios.Ratio>> block : blocks.entrySet()) {
            int first = labels.size();
            labels.add(""); // the block's heading is drawn on its own row
            for (Ratios.Ratio r : block.getValue()) {
                int y = labels.size();
                byRow.put(y, r);
                labels.add(Findings.name(r.server()) + String.format(Locale.ROOT, "  %.2f×", r.ratio().median()));
                series.computeIfAbsent(r.server(), XIntervalSeries::new)
                        .add(
                                Math.max(floor, r.ratio().median()),
                                Math.max(floor, r.ratio().low()),
                                Math.max(floor, r.ratio().high()),
                                y);
                high = Math.max(high, r.ratio().high());
            }
            bands.add(new double[] {first - 0.5, labels.size() - 0.5});
            headings.put(first, block.getKey());
        }
        XIntervalSeriesCollection data = new XIntervalSeriesCollection();
        series.values().forEach(data::addSeries);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawYError(false);
        renderer.setDrawXError(true);
        renderer.setCapLength(8);
        renderer.setErrorStroke(new BasicStroke(2f));
        renderer.setDefaultLinesVisible(false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String server = (String) data.getSeriesKey(i);
            renderer.setSeriesPaint(i, styles.color(server));
            renderer.setSeriesShape(i, styles.shape(server));
        }
        renderer.setDefaultToolTipGenerator((dataset, seriesIndex, item) -> {
            Ratios.Ratio r = byRow.get((int) dataset.getYValue(seriesIndex, item));
            return r.block() + ": " + r.sentence();
        });
        LogAxis x = new ReadableLogAxis("Ratio to the yardstick measured in the same rounds (log scale; 1 = the same)");
        x.setRange(floor, high * 1.15);
        SymbolAxis y = new SymbolAxis(null, labels.toArray(String[]::new));
        y.setInverted(true);
        y.setGridBandsVisible(false);
        y.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        XYPlot plot = Charts.plot(data, x, y, renderer);
        plot.setRangeGridlinesVisible(false);
        for (int i = 0; i < bands.size(); i++) {
            IntervalMarker band = new IntervalMarker(bands.get(i)[0], bands.get(i)[1]);
            band.setPaint(i % 2 == 0 ? new Color(0xF2F2F2) : Color.WHITE);
            plot.addRangeMarker(band, Layer.BACKGROUND);
        }
        ValueMarker one = new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f));
        plot.addDomainMarker(one);
        headings.forEach((row, text) -> {
            XYTextAnnotation heading = new XYTextAnnotation(text, x.getLowerBound() * 1.01, row);
            heading.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            heading.setTextAnchor(TextAnchor.CENTER_LEFT);
            plot.addAnnotation(heading);
        });
        int height = Math.max(ChartFiles.HEIGHT / 2, 170 + ROW_PIXELS * labels.size());
        return new Charts.Named(
                NAME,
                "Every verdict: each server against its yardstick",
                "Each row a server's median ratio to the yardstick measured in the same rounds, the bar its interval "
                        + "across rounds (coverage in the verdict table); a bar that crosses the line at 1 is a "
                        + "difference this run cannot tell. Rows grouped by workload, connections and figure "
                        + "(throughput, server CPU per response, capacity at the latency goal).",
                Charts.chart("Verdicts: each server against the yardstick", plot, provenance),
                height);
    }
}
