package iolab.plot;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.AttributedString;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * A base-10 log axis that labels enough ticks to read a value off it: 1, 2, 3, 5 and 7 of each
 * decade when the axis spans little more than one, 1, 2 and 5 up to six, the powers of
 * ten beyond; the other multiples are unlabelled minor ticks. (JFreeChart's labels only the powers
 * of ten, so an axis from 40 to 900 had one label.)
 */
final class ReadableLogAxis extends LogAxis {

    ReadableLogAxis(String label) {
        super(label);
        setBase(10);
        setMinorTickMarksVisible(true);
        setNumberFormatOverride(new DecimalFormat("#,##0.###"));
    }

    @Override
    protected List refreshTicksHorizontal(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        return ticks(edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER);
    }

    @Override
    protected List refreshTicksVertical(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        return ticks(edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT);
    }

    /** The multiples of each power of ten that carry a label, for an axis spanning {@code decades}. */
    static List<Integer> labelled(double decades) {
        return decades <= 1.5 ? List.of(1, 2, 3, 5, 7) : decades <= 6 ? List.of(1, 2, 5) : List.of(1);
    }

    private List<ValueTick> ticks(TextAnchor anchor) {
        Range range = getRange();
        double low = Math.max(range.getLowerBound(), getSmallestValue());
        double high = range.getUpperBound();
        List<Integer> labelled = labelled(Math.log10(high / low));
        NumberFormat format = getNumberFormatOverride();
        List<ValueTick> ticks = new ArrayList<>();
        for (int power = (int) Math.floor(Math.log10(low)); power <= (int) Math.ceil(Math.log10(high)); power++) {
            for (int multiple = 1; multiple <= 9; multiple++) {
                double value = multiple * Math.pow(10, power);
                if (value < low * (1 - 1e-9) || value > high * (1 + 1e-9)) {
                    continue;
                }
                boolean major = labelled.contains(multiple);
                ticks.add(new LogTick(major ? TickType.MAJOR : TickType.MINOR, value,
                        major ? new AttributedString(format.format(value)) : null, anchor));
            }
        }
        return ticks;
    }
}
