package iolab.clients;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The ways a result is written: a wrk-style summary, HdrHistogram's percentile file, and JSON. */
public final class Report {

    /** Percentile distributions are written in milliseconds. */
    private static final double NANOS_PER_MILLI = 1e6;

    private Report() {
    }

    public static void summary(LoadResult r, PrintStream out) {
        LoadSettings s = r.settings();
        out.printf(Locale.ROOT, "%s on %s: %d connection(s), %d thread(s), %s%s%n", s.workload().describe(), s.target(),
                s.connections(), s.threads(),
                s.openLoop() ? String.format(Locale.ROOT, "open loop at %.0f req/s%s", s.ratePerSecond(), s.poisson() ? " (Poisson arrivals)" : "") : "closed loop",
                s.pipeline() > 1 ? ", pipeline " + s.pipeline() : "");
        out.printf(Locale.ROOT, "  Latency (ms)   p50 %.3f   p90 %.3f   p99 %.3f   p99.9 %.3f   max %.3f   mean %.3f%n",
                r.latencyMillis(50), r.latencyMillis(90), r.latencyMillis(99), r.latencyMillis(99.9),
                r.latencyNanos().getMaxValue() / NANOS_PER_MILLI, r.latencyNanos().getMean() / NANOS_PER_MILLI);
        out.printf(Locale.ROOT, "  %d requests in %.2fs%n", r.requests(), r.durationSeconds());
        if (!r.statuses().isEmpty()) {
            out.println("  Statuses: " + r.statuses().entrySet().stream()
                    .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.println("  Errors: " + r.errors().entrySet().stream()
                .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", ")));
        out.printf(Locale.ROOT, "Requests/sec: %.2f%n", r.requestsPerSecond());
        if (s.openLoop()) {
            out.printf(Locale.ROOT, "Asked rate: %.2f req/s; achieved %.2f req/s (%.2f%%)%n", s.ratePerSecond(),
                    r.requestsPerSecond(), 100 * r.requestsPerSecond() / s.ratePerSecond());
            out.printf(Locale.ROOT, "Service time (ms, from the actual send, uncorrected): p50 %.3f   p99 %.3f   p99.9 %.3f   max %.3f%n",
                    r.serviceTimeMillis(50), r.serviceTimeMillis(99), r.serviceTimeMillis(99.9), r.serviceTimeMillis(100));
            out.printf(Locale.ROOT, "Send lag (ms, the client's own lateness): p50 %.3f   p99 %.3f   p99.9 %.3f   max %.3f%n",
                    r.sendLagMillis(50), r.sendLagMillis(99), r.sendLagMillis(99.9), r.sendLagMillis(100));
            if (r.clientLate()) {
                out.printf(Locale.ROOT, "Warning: the client's own send lag (p99 %.3f ms) is comparable to the latency it reports"
                        + " (p99 %.3f ms): these latencies are partly the client's%n", r.sendLagMillis(99), r.latencyMillis(99));
            }
        }
    }

    /** HdrHistogram's own percentile distribution of the latency, in milliseconds. */
    public static void percentiles(LoadResult r, PrintStream out) {
        percentiles(r.latencyNanos(), out);
    }

    private static void percentiles(org.HdrHistogram.Histogram nanos, PrintStream out) {
        nanos.outputPercentileDistribution(out, 5, NANOS_PER_MILLI);
    }

    public static void writePercentiles(LoadResult r, Path file) throws IOException {
        writePercentiles(r.latencyNanos(), file);
    }

    /** HdrHistogram's percentile distribution of {@code nanos}, in milliseconds (a {@code .hgrm} file). */
    public static void writePercentiles(org.HdrHistogram.Histogram nanos, Path file) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, "UTF-8")) {
            percentiles(nanos, out);
        }
    }

    /** A summary a program can read: settings, counts, throughput, percentiles in ms, errors by kind. */
    public static void writeJson(LoadResult r, Path file) throws IOException {
        LoadSettings s = r.settings();
        StringBuilder json = new StringBuilder("{\n");
        field(json, "target", quote(s.target().toString()));
        field(json, "workload", quote(s.workload().describe()));
        field(json, "threads", s.threads());
        field(json, "connections", s.connections());
        field(json, "pipeline", s.pipeline());
        field(json, "loop", quote(s.openLoop() ? "open" : "closed"));
        field(json, "askedRatePerSecond", s.ratePerSecond());
        field(json, "arrivals", quote(s.openLoop() ? (s.poisson() ? "poisson" : "fixed") : "closed loop"));
        field(json, "warmupSeconds", s.warmup().toMillis() / 1000.0);
        field(json, "durationSeconds", r.durationSeconds());
        field(json, "requests", r.requests());
        field(json, "requestsPerSecond", r.requestsPerSecond());
        field(json, "latencyMillis", percentilesMillis(r.latencyNanos()));
        if (s.openLoop()) {
            field(json, "sendLagMillis", percentilesMillis(r.sendLagNanos()));
            field(json, "serviceTimeMillis", percentilesMillis(r.serviceTimeNanos()));
            field(json, "clientLate", r.clientLate());
        }
        field(json, "errors", map(r.errors().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().label(), Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new))));
        json.append("  \"statuses\": ").append(map(r.statuses().entrySet().stream()
                .collect(Collectors.toMap(e -> String.valueOf(e.getKey()), Map.Entry::getValue, (a, b) -> a, java.util.LinkedHashMap::new))));
        json.append("\n}\n");
        Files.writeString(file, json);
    }

    /** {"p50": ..., ..., "max": ..., "mean": ...} in milliseconds; zeros for an empty histogram. */
    private static StringBuilder percentilesMillis(org.HdrHistogram.Histogram nanos) {
        StringBuilder json = new StringBuilder("{");
        double[] percentiles = {50, 75, 90, 99, 99.9, 99.99, 100};
        boolean empty = nanos.getTotalCount() == 0;
        for (int i = 0; i < percentiles.length; i++) {
            json.append(i == 0 ? "" : ", ").append('"').append(percentiles[i] == 100 ? "max" : "p" + trim(percentiles[i]))
                    .append("\": ").append(empty ? 0.0 : nanos.getValueAtPercentile(percentiles[i]) / NANOS_PER_MILLI);
        }
        return json.append(", \"mean\": ").append(empty ? 0.0 : nanos.getMean() / NANOS_PER_MILLI).append('}');
    }

    private static void field(StringBuilder json, String name, Object value) {
        json.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static String map(Map<String, Long> values) {
        return values.entrySet().stream().map(e -> quote(e.getKey()) + ": " + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String trim(double percentile) {
        return percentile == Math.rint(percentile) ? String.valueOf((long) percentile) : String.valueOf(percentile);
    }

    /** A JSON string; escapes quotes, backslashes and control characters. */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
