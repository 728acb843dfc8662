package iolab.plot;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A results folder as the experiment writes it, read as far as it goes: every file that is
 * missing or unreadable becomes a line in {@link #missing()}, never an exception.
 */
final class ResultsFolder {

    private final Path dir;
    private final List<String> missing = new ArrayList<>();
    private final JsonObject environment;
    private final List<Row> rows;

    private ResultsFolder(Path dir) {
        this.dir = dir;
        this.environment = readObject("environment.json", "the report has no environment table and no citation details");
        this.rows = readRows();
    }

    static ResultsFolder read(Path dir) {
        return new ResultsFolder(dir);
    }

    Path dir() {
        return dir;
    }

    List<Row> rows() {
        return rows;
    }

    /** Null when environment.json is missing. */
    JsonObject environment() {
        return environment;
    }

    List<String> missing() {
        return missing;
    }

    private List<Row> readRows() {
        Map<String, JsonObject> scores = new LinkedHashMap<>();
        JsonElement jmh = read("jmh.json", "no scores: the throughput and cost charts are left out");
        if (jmh != null && jmh.isJsonArray()) {
            for (JsonElement e : jmh.getAsJsonArray()) {
                JsonObject result = e.getAsJsonObject();
                JsonObject params = result.getAsJsonObject("params");
                String id = params.get("workload").getAsString() + "_" + params.get("server").getAsString() + "_c"
                        + params.get("connections").getAsString() + "_" + (Long.parseLong(params.get("rate").getAsString()) == 0
                        ? "closed" : "r" + params.get("rate").getAsString());
                scores.put(id, result);
            }
        }
        Map<String, String> failures = new LinkedHashMap<>();
        JsonElement failed = dir.resolve("failures.json").toFile().exists() ? read("failures.json", "") : null;
        if (failed != null && failed.isJsonArray()) {
            for (JsonElement e : failed.getAsJsonArray()) {
                failures.put(e.getAsJsonObject().get("id").getAsString(), e.getAsJsonObject().get("reason").getAsString());
            }
        }
        // Every configuration the run planned, measured or left a file for.
        TreeSet<String> ids = new TreeSet<>(Comparator.comparingInt((String id) -> Row.workloadOrder(Row.parseId(id)[0]))
                .thenComparing(id -> Row.parseId(id)[0])
                .thenComparingInt(id -> Styles.order(Row.parseId(id)[1])).thenComparing(id -> Row.parseId(id)[1]).thenComparingInt(id -> Integer.parseInt(Row.parseId(id)[2].substring(1)))
                .thenComparingLong(id -> Row.parseId(id)[3].equals("closed") ? 0 : Long.parseLong(Row.parseId(id)[3].substring(1))));
        scores.keySet().forEach(ids::add);
        failures.keySet().stream().filter(id -> Row.parseId(id) != null).forEach(ids::add);
        if (environment != null && environment.has("configurations")) {
            for (JsonElement c : environment.getAsJsonArray("configurations")) {
                String id = c.getAsJsonObject().get("id").getAsString();
                if (Row.parseId(id) != null) {
                    ids.add(id);
                }
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hlog"))
                    .map(n -> n.substring(0, n.length() - ".hlog".length())).filter(id -> Row.parseId(id) != null).forEach(ids::add);
        } catch (IOException e) {
            missing.add("cannot list " + dir + ": " + e.getMessage());
        }
        List<Row> result = new ArrayList<>();
        for (String id : ids) {
            result.add(row(id, scores.get(id), failures.get(id)));
        }
        return result;
    }

    private Row row(String id, JsonObject jmh, String failure) {
        String[] parts = Row.parseId(id);
        Double score = null, error = null, threads = null, rss = null, cpu = null, serverCores = null, clientCores = null;
        if (jmh != null) {
            JsonObject primary = jmh.getAsJsonObject("primaryMetric");
            score = primary.get("score").getAsDouble();
            error = number(primary.get("scoreError"));
            JsonObject secondary = jmh.getAsJsonObject("secondaryMetrics");
            threads = secondary(secondary, "serverThreads");
            rss = secondary(secondary, "serverRssMiB");
            cpu = secondary(secondary, "serverCpuMicrosPerRequest");
            serverCores = secondary(secondary, "serverCpuCores");
            clientCores = secondary(secondary, "clientCpuCores");
        } else if (failure == null) {
            failure = "no score in jmh.json";
        }
        Double p50 = null, p90 = null, p99 = null, p999 = null, max = null;
        Histogram latency = null;
        ErrorCounts errors = ErrorCounts.NONE;
        if (score != null) {
            JsonObject summary = readObjectQuietly(id + ".json");
            errors = ErrorCounts.of(summary);
            if (summary != null && summary.has("latencyMillis")) {
                JsonObject l = summary.getAsJsonObject("latencyMillis");
                p50 = number(l.get("p50"));
                p90 = number(l.get("p90"));
                p99 = number(l.get("p99"));
                p999 = number(l.get("p99.9"));
                max = number(l.get("max"));
            } else {
                missing.add(id + ".json: its latency percentiles are left out of the tables and latency charts");
            }
            latency = histogram(id + ".hlog");
        }
        return new Row(id, parts[0], parts[1], Integer.parseInt(parts[2].substring(1)),
                parts[3].equals("closed") ? 0 : Long.parseLong(parts[3].substring(1)),
                score, error, threads, rss, cpu, p50, p90, p99, p999, max, latency, serverCores, clientCores, errors.total(),
                errors.kinds(), failure);
    }

    private Histogram histogram(String name) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            missing.add(name + ": that configuration is left out of the percentile-distribution chart");
            return null;
        }
        try {
            HistogramLogReader reader = new HistogramLogReader(file.toFile());
            Histogram total = null;
            for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
                if (total == null) {
                    total = new Histogram(((Histogram) h).getNumberOfSignificantValueDigits());
                }
                total.add((Histogram) h);
            }
            if (total == null || total.getTotalCount() == 0) {
                missing.add(name + ": empty; that configuration is left out of the percentile-distribution chart");
                return null;
            }
            return total;
        } catch (IOException | RuntimeException e) {
            missing.add(name + ": unreadable (" + e.getMessage() + "); left out of the percentile-distribution chart");
            return null;
        }
    }

    private static Double secondary(JsonObject secondary, String name) {
        return secondary != null && secondary.has(name) ? number(secondary.getAsJsonObject(name).get("score")) : null;
    }

    private static Double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        try {
            double d = e.getAsDouble(); // JMH writes "NaN" as a string when it has no error
            return Double.isNaN(d) ? null : d;
        } catch (RuntimeException notANumber) {
            return null;
        }
    }

    private JsonObject readObject(String name, String consequence) {
        JsonElement e = read(name, consequence);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private JsonObject readObjectQuietly(String name) {
        try {
            return JsonParser.parseString(Files.readString(dir.resolve(name))).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private JsonElement read(String name, String consequence) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            missing.add(name + " is missing: " + consequence);
            return null;
        }
        try {
            return JsonParser.parseString(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            missing.add(name + " is unreadable (" + e.getMessage() + "): " + consequence);
            return null;
        }
    }
}
