package iolab.plot;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.entity.StandardEntityCollection;
import org.jfree.chart.imagemap.ImageMapUtils;
import org.jfree.chart.imagemap.StandardToolTipTagFragmentGenerator;
import org.jfree.chart.labels.StandardXYToolTipGenerator;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chart as PNG (for the page and slides) and SVG (for print, at any size), and gives the PNG's image map: a
 * tooltip on every point, naming its series and its values, for the report.
 */
final class ChartFiles {

    static final int WIDTH = 1200;
    static final int HEIGHT = 800;

    private ChartFiles() {
    }

    /** @return the HTML {@code <map>} named {@code NAME-map} whose areas carry each point's tooltip */
    static String write(Charts.Named c, Path dir) throws IOException {
        return write(c.chart(), dir, c.name(), c.height());
    }

    static String write(JFreeChart chart, Path dir, String name) throws IOException {
        return write(chart, dir, name, HEIGHT);
    }

    private static String write(JFreeChart chart, Path dir, String name, int height) throws IOException {
        Files.createDirectories(dir);
        tooltips(chart);
        ChartRenderingInfo info = new ChartRenderingInfo(new StandardEntityCollection());
        ChartUtils.saveChartAsPNG(dir.resolve(name + ".png").toFile(), chart, WIDTH, height, info);
        SVGGraphics2D svg = new SVGGraphics2D(WIDTH, height);
        chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, height));
        // With a viewBox the SVG scales to any box it is put in (a slide, a page), not only its pixel size.
        String element = svg.getSVGElement(null, true, new ViewBox(0, 0, WIDTH, height), null, null);
        Files.writeString(
                dir.resolve(name + ".svg"), "<?xml version=\"1.0\"?>\n" + element + "\n", StandardCharsets.UTF_8);
        return ImageMapUtils.getImageMap(name + "-map", info, new StandardToolTipTagFragmentGenerator(), url -> "");
    }

    /** Every XY renderer without a tooltip of its own gets "series: x, y" in its axes' number formats. */
    private static void tooltips(JFreeChart chart) {
        List<XYPlot> plots = new ArrayList<>();
        if (chart.getPlot() instanceof CombinedDomainXYPlot combined) {
            plots.addAll(combined.getSubplots());
        } else if (chart.getPlot() instanceof XYPlot xy) {
            plots.add(xy);
        }
        for (XYPlot plot : plots) {
            ValueAxis domain = plot.getDomainAxis() != null
                    ? plot.getDomainAxis()
                    : chart.getPlot() instanceof CombinedDomainXYPlot combined ? combined.getDomainAxis() : null;
            for (int i = 0; i < plot.getRendererCount(); i++) {
                XYItemRenderer renderer = plot.getRenderer(i);
                if (renderer != null && renderer.getDefaultToolTipGenerator() == null) {
                    renderer.setDefaultToolTipGenerator(new StandardXYToolTipGenerator(
                            "{0}: {1}, {2}", format(domain), format(plot.getRangeAxis())));
                }
            }
        }
    }

    private static NumberFormat format(ValueAxis axis) {
        if (axis instanceof NumberAxis n && n.getNumberFormatOverride() != null) {
            return n.getNumberFormatOverride();
        }
        if (axis instanceof org.jfree.chart.axis.LogAxis log && log.getNumberFormatOverride() != null) {
            return log.getNumberFormatOverride();
        }
        return new DecimalFormat("#,##0.###");
    }
}
