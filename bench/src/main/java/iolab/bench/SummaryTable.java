package iolab.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The table printed at the end of a run: one row per configuration, score beside its cost. */
final class SummaryTable {

    private static final String ROW = "%-42s %12s %7s %9s %9s %9s %8s %8s %9s%n";

    private final List<Experiment.Outcome> outcomes;
    private final Path runDir;

    SummaryTable(List<Experiment.Outcome> outcomes, Path runDir) {
        this.outcomes = outcomes;
        this.runDir = runDir;
    }

    void print(PrintStream out) {
        out.printf(ROW, "configuration", "req/s", "± %", "p50 ms", "p99 ms", "p99.9 ms", "threads", "RSS MiB", "CPU µs/r");
        for (Experiment.Outcome o : outcomes) {
            String id = o.configuration().id();
            if (o.failed()) {
                out.printf("%-42s FAILED: %s%n", id, o.failure());
                continue;
            }
            JsonObject latency = latency(id);
            out.printf(Locale.ROOT, ROW, id, String.format(Locale.ROOT, "%,.0f", o.score()),
                    String.format(Locale.ROOT, "%.1f", 100 * o.error() / o.score()),
                    ms(latency, "p50"), ms(latency, "p99"), ms(latency, "p99.9"),
                    number(o, "serverThreads", "%.0f"), number(o, "serverRssMiB", "%.0f"), number(o, "serverCpuMicrosPerRequest", "%.1f"));
        }
    }

    private JsonObject latency(String id) {
        try {
            return JsonParser.parseString(Files.readString(runDir.resolve(id + ".json"))).getAsJsonObject().getAsJsonObject("latencyMillis");
        } catch (IOException | RuntimeException e) {
            return new JsonObject();
        }
    }

    private static String ms(JsonObject latency, String key) {
        return latency.has(key) ? String.format(Locale.ROOT, "%.3f", latency.get(key).getAsDouble()) : "-";
    }

    private static String number(Experiment.Outcome o, String key, String format) {
        Double value = o.cost().get(key);
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }
}
