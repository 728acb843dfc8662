package iolab.clients;



import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The ways a result is written: a wrk-style summary, HdrHistogram's percentile file, and JSON. */
public final class Report {

    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    /** Percentile distributions are written in milliseconds. */
    private static final double NANOS_PER_MILLI = 1e6;

    private Report() {
    }

    public static void summary(LoadResult r, PrintStream out) {
        LoadSettings s = r.settings();
        out.printf(
                Locale.ROOT,
                "%s on %s: %d connection(s), %d thread(s), %s%s%n",
                s.workload().describe(),
                s.target(),
                s.connections(),
                s.threads(),
                s.openLoop()
                        ? String.format(
                                Locale.ROOT,
                                "open loop at %.0f req/s%s",
                                s.ratePerSecond(),
                                s.poisson() ? " (Poisson arrivals)" : "")
                        : "closed loop",
                s.pipeline() > 1
                        ? ", pipeline " + s.pipeline()
                        : s.reconnect() ? ", a new connection per request" : "");
        out.printf(
                Locale.ROOT,
                "  Latency (ms)   p50 %s   p90 %s   p99 %s   p99.9 %s   max %s   mean %.3f%n",
                latency(r, 50),
                latency(r, 90),
                latency(r, 99),
                latency(r, 99.9),
                latency(r, 100),
                r.latencyNanos().getMean() / NANOS_PER_MILLI);
        ConnectionShares c = r.connections();
        if (c != null) {
            out.printf(
                    Locale.ROOT,
                    "  Connections: %,d of %,d served (%,d starved); responses per connection min %,d, median %,.0f, "
                            + "max %,d;"
                            + " fairness %s%n",
                    c.served(),
                    c.connections(),
                    c.starved(),
                    c.min(),
                    c.median(),
                    c.max(),
                    Double.isNaN(c.fairness())
                            ? "none (no response)"
                            : String.format(Locale.ROOT, "%.3f", c.fairness()));
        }
        if (r.censoredNanos().getTotalCount() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  Censored: %.2f%% of the latency record is requests never answered, at the wait they had"
                            + " (a lower bound); a percentile marked >= reaches into them%n",
                    r.censoredPercent());
        }
        // wrk's lines, as wrk prints them, so that scripts that read wrk's output read these too.
        out.printf(
                Locale.ROOT,
                "  %d requests in %.2fs, %sB read%n",
                r.requests(),
                r.durationSeconds(),
                binary(r.bytesRead()));
        if (r.handshakes() != null) {
            LoadResult.Handshakes h = r.handshakes();
            out.printf(
                    Locale.ROOT,
                    "  TLS: %d handshakes (%d resumed), handshake p50 %.3f ms, p99 %.3f ms%n",
                    h.completed(),
                    h.resumed(),
                    h.nanos().getTotalCount() == 0 ? 0 : h.nanos().getValueAtPercentile(50) / NANOS_PER_MILLI,
                    h.nanos().getTotalCount() == 0 ? 0 : h.nanos().getValueAtPercentile(99) / NANOS_PER_MILLI);
        }
        Map<ErrorKind, Long> errors = r.errors();
        if (errors.get(ErrorKind.CONNECT)
                        + errors.get(ErrorKind.READ)
                        + errors.get(ErrorKind.WRITE)
                        + errors.get(ErrorKind.TIMEOUT)
                > 0) {
            out.printf(
                    Locale.ROOT,
                    "  Socket errors: connect %d, read %d, write %d, timeout %d%n",
                    errors.get(ErrorKind.CONNECT),
                    errors.get(ErrorKind.READ),
                    errors.get(ErrorKind.WRITE),
                    errors.get(ErrorKind.TIMEOUT));
        }
        long non2xx3xx = r.statuses().entrySet().stream()
                .filter(e -> e.getKey() < 200 || e.getKey() > 399)
                .mapToLong(Map.Entry::getValue)
                .sum();
        if (non2xx3xx > 0) {
            out.printf(Locale.ROOT, "  Non-2xx or 3xx responses: %d%n", non2xx3xx);
        }
        if (!r.statuses().isEmpty()) {
            out.println("  Statuses: " + r.statuses().entrySet().stream()
                    .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.println("  Errors: " + errors.entrySet().stream()
                .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", ")));
        if (r.badResponse() != null) {
            out.println("  First bad response: " + r.badResponse());
        }
        out.printf(Locale.ROOT, "Requests/sec: %9.2f%n", r.requestsPerSecond());
        out.printf(Locale.ROOT, "Transfer/sec: %10sB%n", binary(r.bytesRead() / r.durationSeconds()));
        if (s.openLoop()) {
            out.printf(
                    Locale.ROOT,
                    "Asked rate: %.2f req/s; achieved %.2f req/s (%.2f%%)%n",
                    s.ratePerSecond(),
                    r.requestsPerSecond(),
                    100 * r.requestsPerSecond() / s.ratePerSecond());
            out.printf(
                    Locale.ROOT,
                    "Service time (ms, from the actual send, uncorrected): p50 %.3f   p99 %.3f   p99.9 %.3f   max "
                            + "%.3f%n",
                    r.serviceTimeMillis(50),
                    r.serviceTimeMillis(99),
                    r.serviceTimeMillis(99.9),
                    r.serviceTimeMillis(100));
            out.printf(
                    Locale.ROOT,
                    "Send lag (ms, the client's own lateness): p50 %.3f   p99 %.3f   p99.9 %.3f   max %.3f%n",
                    r.sendLagMillis(50),
                    r.sendLagMillis(99),
                    r.sendLagMillis(99.9),
                    r.sendLagMillis(100));
            if (r.clientLimited()) {
                out.printf(
                        Locale.ROOT,
                        "Warning: client-limited: the client's own send lag (p99 %.3f ms) is more than a tenth of the "
                                + "latency it"
                                + " reports (p99 %.3f ms): these latencies are partly the client's%n",
                        r.sendLagMillis(99),
                        r.latencyMillis(99));
            }
        }
    }


    /** A latency percentile in milliseconds, {@code >=} before it when it is a lower bound. */
    private static String latency(LoadResult r, double percentile) {
        return (r.latencyIsLowerBound(percentile) ? ">=" : "")
                + String.format(Locale.ROOT, "%.3f", r.latencyMillis(percentile));
    }

    /**
     * wrk's binary units: {@code 512.00}, {@code 1.50K}, {@code 133.81M} (powers of 1024; "B" is appended by the
     * caller).
     */
    static String binary(double bytes) {
        String[] units = {"", "K", "M", "G", "T"};
        int unit = 0;
        while (bytes >= 1024 && unit < units.length - 1) {
            bytes /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f%s", bytes, units[unit]);
    }

    /** HdrHistogram's own percentile distribution of the latency, in milliseconds. */
    public static void percentiles(LoadResult r, PrintStream out) {
        percentiles(r.latencyNanos(), out);
    }

    /** wrk2's {@code -U}: the open loop's service times, from each request's actual send. */
    public static void uncorrectedPercentiles(LoadResult r, PrintStream out) {
        if (!r.settings().openLoop()) {
            out.println("Uncorrected latency: the closed loop times each request from its actual send; its "
                    + "distribution is the one above (-L).");
            return;
        }
        out.println("Uncorrected latency (ms, from each request's actual send, not its intended time):");
        percentiles(r.serviceTimeNanos(), out);
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

    /**
     * The files one trial leaves, wherever its load ran ({@code dir/<files>.*}): the summary ({@code .json}), the
     * percentiles ({@code .hgrm}) and one-interval logs of the send lag, the service time and the censored values (the
     * requests never answered, at their wait: the lower bounds among the latencies of the trial's {@code .hlog}). The
     * experiment merges them over rounds, and over the load hosts of a run across hosts; empty logs where the loop has
     * no such values (the closed loop's send lag).
     */
    public static void writeTrialFiles(LoadResult r, Path dir, String files) throws IOException {
        writeJson(r, dir.resolve(files + ".json"));
        writePercentiles(r, dir.resolve(files + ".hgrm"));
        Map<String, org.HdrHistogram.Histogram> logs = new LinkedHashMap<>();
        logs.put(".sendlag.hlog", r.sendLagNanos());
        logs.put(".service.hlog", r.serviceTimeNanos());
        logs.put(".censored.hlog", r.censoredNanos());
        for (Map.Entry<String, org.HdrHistogram.Histogram> log : logs.entrySet()) {
            try (PrintStream out =
                    new PrintStream(Files.newOutputStream(dir.resolve(files + log.getKey())), false, "UTF-8")) {
                Intervals.startLog(out, r.settings()).outputIntervalHistogram(log.getValue());
            }
        }
    }

    /** A summary a program can read: settings, counts, throughput, percentiles in ms, errors by kind. */
    public static void writeJson(LoadResult r, Path file) throws IOException {
        LoadSettings s = r.settings();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", s.target().toString());
        json.put("workload", s.workload().describe());
        json.put("threads", s.threads());
        json.put("connections", s.connections());
        json.put("pipeline", s.pipeline());
        json.put("loop", s.openLoop() ? "open" : "closed");
        json.put("askedRatePerSecond", s.ratePerSecond());
        json.put("arrivals", s.openLoop() ? (s.poisson() ? "poisson" : "fixed") : "closed loop");
        json.put("connectionPerRequest", s.reconnect());
        if (r.handshakes() != null) {
            Map<String, Object> tls = new LinkedHashMap<>();
            tls.put("insecure", s.tls().insecure());
            tls.put("resume", s.tls().resume());
            tls.put("handshakes", r.handshakes().completed());
            tls.put("resumed", r.handshakes().resumed());
            tls.put("handshakeMillis", percentilesMillis(r.handshakes().nanos()));
            json.put("tls", tls);
        }
        json.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        json.put("durationSeconds", r.durationSeconds());
        json.put("requests", r.requests());
        json.put("requestsPerSecond", finite(r.requestsPerSecond()));
        json.put("bytesRead", r.bytesRead());
        json.put("latencyMillis", percentilesMillis(r.latencyNanos()));
        Map<String, Boolean> lowerBound = new LinkedHashMap<>();
        for (double p : PERCENTILES) {
            lowerBound.put(percentileName(p), r.latencyIsLowerBound(p));
        }
        json.put("latencyLowerBound", lowerBound);
        ConnectionShares c = r.connections();
        if (c != null) {
            Map<String, Object> connections = new LinkedHashMap<>();
            connections.put("total", c.connections());
            connections.put("served", c.served());
            connections.put("starved", c.starved());
            connections.put("fairness", finite(c.fairness()));
            connections.put("perConnectionMin", c.min());
            connections.put("perConnectionMedian", c.median());
            connections.put("perConnectionMax", c.max());
            connections.put("censored", r.censoredNanos().getTotalCount());
            connections.put("censoredPct", r.censoredPercent());
            json.put("connections", connections);
        }
        if (s.openLoop()) {
            json.put("sendLagMillis", percentilesMillis(r.sendLagNanos()));
            json.put("serviceTimeMillis", percentilesMillis(r.serviceTimeNanos()));
        }
        json.put("clientLimited", r.clientLimited());
        json.put(
                "errors",
                r.errors().entrySet().stream()
                        .collect(Collectors.toMap(
                                e -> e.getKey().label(), Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new)));
        json.put(
                "statuses",
                r.statuses().entrySet().stream()
                        .collect(Collectors.toMap(
                                e -> String.valueOf(e.getKey()),
                                Map.Entry::getValue,
                                (a, b) -> a,
                                LinkedHashMap::new)));
        if (r.badResponse() != null) {
            json.put("badResponse", r.badResponse());
        }
        Files.writeString(file, JSON.toJson(json) + "\n");
    }


    private static final double[] PERCENTILES = {50, 75, 90, 99, 99.9, 99.99, 100};

    private static String percentileName(double p) {
        return p == 100 ? "max" : "p" + (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p));
    }

    /** The connection shares a summary written by {@link #writeJson(LoadResult, Path)} holds; null when it has none. */
    public static ConnectionShares connectionShares(com.google.gson.JsonObject summary) {
        if (summary == null || !summary.has("connections") || !summary.get("connections").isJsonObject()) {
            return null;
        }
        com.google.gson.JsonObject c = summary.getAsJsonObject("connections");
        com.google.gson.JsonElement fairness = c.get("fairness");
        return new ConnectionShares(
                c.get("total").getAsInt(),
                c.get("served").getAsInt(),
                c.get("perConnectionMin").getAsLong(),
                c.get("perConnectionMedian").getAsDouble(),
                c.get("perConnectionMax").getAsLong(),
                fairness == null || fairness.isJsonNull() ? Double.NaN : fairness.getAsDouble());
    }

    /** {"p50": ..., ..., "max": ..., "mean": ...} in milliseconds; zeros for an empty histogram. */
    /** A summary written as pretty JSON, as every summary of the lab is. */
    public static void writeJson(Map<String, Object> json, Path file) throws IOException {
        Files.writeString(file, JSON.toJson(json) + "\n");
    }

    /** The percentiles a summary gives, in ms, keyed {@code p50} ... {@code max}. */
    public static Map<String, Double> percentilesMillis(org.HdrHistogram.Histogram nanos) {
        Map<String, Double> json = new LinkedHashMap<>();
        boolean empty = nanos.getTotalCount() == 0;
        for (double p : PERCENTILES) {
            json.put(percentileName(p), empty ? 0.0 : nanos.getValueAtPercentile(p) / NANOS_PER_MILLI);
        }
        json.put("mean", empty ? 0.0 : nanos.getMean() / NANOS_PER_MILLI);
        return json;
    }

    /** JSON has no NaN or infinity: a figure that has none (no time measured) is null. */
    /** {@code value}, or null where it is not a number (JSON has no NaN). */
    public static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
