package iolab.plot;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.jfree.data.xy.XYSeries;

import java.util.Map;

/**
 * {@code percentiles.html}: the percentile curves of the configurations a reader picks, overlaid on one chart with
 * HdrHistogram's own axis (1/(1−p): 90%, 99%, 99.9% evenly apart), drawn in the page from the curves it carries, so
 * that it works offline from {@code file://}.
 */
final class PercentilesPage {

    private PercentilesPage() {
    }

    static String html(ResultsFolder results, String provenance) {
        JsonArray curves = new JsonArray();
        for (Row r : results.rows()) {
            if (r.latency() == null || r.latency().getTotalCount() == 0) {
                continue;
            }
            JsonObject curve = new JsonObject();
            curve.addProperty("id", r.id());
            curve.addProperty("workload", r.workload());
            curve.addProperty("connections", r.connections());
            curve.addProperty("lowerBound", !r.account().lowerBounds().isEmpty());
            JsonArray points = new JsonArray();
            XYSeries series = Charts.percentiles(r.id(), r.latency());
            for (int i = 0; i < series.getItemCount(); i++) {
                JsonArray point = new JsonArray();
                point.add(Math.round(series.getX(i).doubleValue() * 1e4) / 1e4);
                point.add(Math.round(series.getY(i).doubleValue() * 1e3) / 1e3);
                points.add(point);
            }
            curve.add("points", points);
            curves.add(curve);
        }
        return Page.fill("percentiles.html", Map.of(
                "css", Page.css(),
                "provenance", Page.esc(provenance),
                "curves", curves.toString().replace("</", "<\\/")));
    }
}
