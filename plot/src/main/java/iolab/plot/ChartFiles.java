package iolab.plot;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a chart as PNG (for the page and slides) and SVG (for print, at any size). */
final class ChartFiles {

    static final int WIDTH = 1200;
    static final int HEIGHT = 800;

    private ChartFiles() {
    }

    static void write(JFreeChart chart, Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        ChartUtils.saveChartAsPNG(dir.resolve(name + ".png").toFile(), chart, WIDTH, HEIGHT);
        SVGGraphics2D svg = new SVGGraphics2D(WIDTH, HEIGHT);
        chart.draw(svg, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        // With a viewBox the SVG scales to any box it is put in (a slide, a page), not only its pixel size.
        String element = svg.getSVGElement(null, true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
        Files.writeString(
                dir.resolve(name + ".svg"), "<?xml version=\"1.0\"?>\n" + element + "\n", StandardCharsets.UTF_8);
    }
}
