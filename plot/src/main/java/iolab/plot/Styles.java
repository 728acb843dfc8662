package iolab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * One look per server on every chart: a colour for the screen, and a marker and a dash
 * pattern that still tell the lines apart when printed in grey. A server's look follows its
 * place in the run's list of servers ({@link Catalog}), so it is the same on every chart of a run.
 */
final class Styles {

    private static final Color[] COLORS = {
            new Color(0xD55E00), new Color(0xE69F00), new Color(0x009E73), new Color(0x0072B2),
            new Color(0x56B4E9), new Color(0xCC79A7), new Color(0x7F3C8D), new Color(0x999933), new Color(0x444444)};
    private static final float[][] DASHES = {
            null, {12f, 6f}, {3f, 4f}, null, {12f, 4f, 3f, 4f}, {6f, 6f}, {2f, 2f}, {8f, 3f, 2f, 3f}, {18f, 6f}};

    private final Catalog catalog;

    Styles(Catalog catalog) {
        this.catalog = catalog;
    }

    int order(String server) {
        return catalog.serverOrder(server);
    }

    Color color(String server) {
        return COLORS[order(server) % COLORS.length];
    }

    Stroke stroke(String server) {
        float[] dash = DASHES[order(server) % DASHES.length];
        return dash == null
                ? new BasicStroke(2.5f)
                : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
    }

    Shape shape(String server) {
        double s = 9;
        return switch (order(server) % 9) {
            case 0 -> new Rectangle2D.Double(-s / 2, -s / 2, s, s);
            case 1 -> polygon(new double[]{0, s / 2, -s / 2}, new double[]{-s / 2, s / 2, s / 2});
            case 2 -> new Ellipse2D.Double(-s / 2, -s / 2, s, s);
            case 3 -> polygon(new double[]{0, s / 2, 0, -s / 2}, new double[]{-s / 2 - 1, 0, s / 2 + 1, 0});
            case 4 -> polygon(new double[]{-s / 2, s / 2, 0}, new double[]{-s / 2, -s / 2, s / 2});
            case 5 -> new Rectangle2D.Double(-s / 2, -s / 4, s, s / 2);
            case 6 -> new Ellipse2D.Double(-s / 2, -s / 4, s, s / 2);
            case 7 -> polygon(new double[] {-s / 2, s / 2, -s / 2}, new double[] {-s / 2, 0, s / 2});
            default ->
                polygon(
                        new double[] {-s / 2, -s / 6, s / 6, s / 2, s / 6, -s / 6},
                        new double[] {0, -s / 2, -s / 2, 0, s / 2, s / 2});
        };
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            p.lineTo(xs[i], ys[i]);
        }
        p.closePath();
        return p;
    }
}
