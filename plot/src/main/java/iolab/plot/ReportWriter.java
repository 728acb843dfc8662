package iolab.plot;

import iolab.runfiles.CapacityRound;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** The report page and the two summaries (CSV for spreadsheets, Markdown for coursework). */
final class ReportWriter {

    /** A column of the summaries: heading and how to print a row's value ("" when absent). */
    /**
     * @param value what summary.csv holds
     * @param shown what summary.md, the report and the terminal show (a lower-bound percentile with {@code >=} before
     *     it)
     * @param inTables false for a column only summary.csv has (what the tables show another way)
     */
    private record Column(
            String heading,
            String csvName,
            Function<Row, String> value,
            Function<Row, String> shown,
            boolean inTables) {

        Column(String heading, String csvName, Function<Row, String> value) {
            this(heading, csvName, value, value, true);
        }

        /** A latency percentile: the number in the CSV, with {@code >=} in the tables when it is a lower bound. */
        static Column percentile(String heading, String csvName, String name, Function<Row, Double> millis) {
            return new Column(
                    heading,
                    csvName,
                    r -> fmt(millis.apply(r), "%.3f"),
                    r -> r.percentile(name, millis.apply(r)),
                    true);
        }

        static Column csvOnly(String csvName, Function<Row, String> value) {
            return new Column(csvName, csvName, value, value, false);
        }
    }

    private static final List<Column> TABLE_COLUMNS;

    private static final List<Column> COLUMNS = List.of(
            new Column("configuration", "id", Row::id),
            new Column("workload", "workload", Row::workload),
            new Column("server", "server", Row::server),
            new Column("connections", "connections", r -> String.valueOf(r.connections())),
            new Column("loop", "loop", Row::loop),
            new Column("offered req/s", "offered_req_per_s", r -> r.closedLoop() ? "" : String.valueOf(r.rate())),
            new Column("req/s (median)", "median_req_per_s", r -> fmt(r.score(), "%.0f")),
            new Column(
                    "CI low",
                    "ci95_low_req_per_s",
                    r -> r.interval() == null ? "" : fmt(r.interval().low(), "%.0f")),
            new Column(
                    "CI high",
                    "ci95_high_req_per_s",
                    r -> r.interval() == null ? "" : fmt(r.interval().high(), "%.0f")),
            new Column("CI ± %", "ci_half_width_pct", r -> fmt(r.halfWidthPercent(), "%.1f")),
            new Column(
                    "CI coverage %",
                    "ci_coverage_pct",
                    r -> r.interval() == null ? "" : fmt(100 * r.interval().coverage(), "%.1f")),
            new Column("rounds", "rounds", r -> String.valueOf(r.rounds())),
            new Column(
                    "disturbed rounds", "disturbed_rounds", r -> r.scored() ? String.valueOf(r.disturbedRounds()) : ""),
            new Column(
                    "sustainable", "sustainable", r -> r.sustainable() == null ? "" : String.valueOf(r.sustainable())),
            Column.percentile("p50 ms", "p50_ms", "p50", Row::p50),
            Column.percentile("p90 ms", "p90_ms", "p90", Row::p90),
            Column.percentile("p99 ms", "p99_ms", "p99", Row::p99),
            Column.percentile("p99.9 ms", "p99_9_ms", "p99.9", Row::p999),
            Column.percentile("max ms", "max_ms", "max", Row::max),
            Column.csvOnly(
                    "p50_censored", r -> r.scored() ? String.valueOf(r.account().lowerBound("p50")) : ""),
            Column.csvOnly(
                    "p99_censored", r -> r.scored() ? String.valueOf(r.account().lowerBound("p99")) : ""),
            Column.csvOnly(
                    "p50_ci95_low_ms",
                    r -> r.account().p50Interval() == null
                            ? ""
                            : fmt(r.account().p50Interval().low(), "%.3f")),
            Column.csvOnly(
                    "p50_ci95_high_ms",
                    r -> r.account().p50Interval() == null
                            ? ""
                            : fmt(r.account().p50Interval().high(), "%.3f")),
            Column.csvOnly(
                    "p99_ci95_low_ms",
                    r -> r.account().p99Interval() == null
                            ? ""
                            : fmt(r.account().p99Interval().low(), "%.3f")),
            Column.csvOnly(
                    "p99_ci95_high_ms",
                    r -> r.account().p99Interval() == null
                            ? ""
                            : fmt(r.account().p99Interval().high(), "%.3f")),
            Column.csvOnly(
                    "p999_ci95_low_ms",
                    r -> r.account().p999Interval() == null
                            ? ""
                            : fmt(r.account().p999Interval().low(), "%.3f")),
            Column.csvOnly(
                    "p999_ci95_high_ms",
                    r -> r.account().p999Interval() == null
                            ? ""
                            : fmt(r.account().p999Interval().high(), "%.3f")),
            new Column(
                    "connections served",
                    "connections_served",
                    r -> r.account().served() == null
                            ? ""
                            : String.valueOf(r.account().served())),
            new Column(
                    "connections starved",
                    "connections_starved",
                    r -> r.account().served() == null || r.account().connections() == null
                            ? ""
                            : String.valueOf(
                                    r.account().connections() - r.account().served())),
            new Column("fairness", "fairness", r -> fmt(r.account().fairness(), "%.3f")),
            new Column("censored %", "censored_pct", r -> fmt(r.account().censoredPct(), "%.3f")),
            new Column(
                    "send lag p99 ms", "send_lag_p99_ms", r -> fmt(r.account().sendLagP99(), "%.3f")),
            new Column(
                    "client-limited",
                    "client_limited",
                    r -> r.account().clientLimited() == null
                            ? ""
                            : String.valueOf(r.account().clientLimited())),
            new Column("server threads", "server_threads", r -> fmt(r.threads(), "%.0f")),
            new Column("server RSS MiB", "server_rss_mib", r -> fmt(r.rssMiB(), "%.0f")),
            new Column("server CPU µs/resp", "server_cpu_us_per_response", r -> fmt(r.cpuMicrosPerRequest(), "%.2f")),
            new Column("server CPU cores", "server_cpu_cores", r -> fmt(r.serverCores(), "%.2f")),
            new Column("client CPU cores", "client_cpu_cores", r -> fmt(r.clientCores(), "%.2f")),
            new Column(
                    "client-bound",
                    "client_bound",
                    r -> r.scored() && r.serverCores() != null ? String.valueOf(r.clientBound()) : ""),
            new Column("errors", "errors", r -> r.scored() ? String.valueOf(r.errors()) : ""),
            new Column("error %", "error_pct", r -> r.scored() ? fmt(r.errorRatePercent(), "%.3f") : ""),
            new Column(
                    "status",
                    "status",
                    r -> !r.scored() ? "failed: " + r.failure() : r.hadErrors() ? "errors: " + r.errorKinds() : "ok"));

    static {
        TABLE_COLUMNS = COLUMNS.stream().filter(Column::inTables).toList();
    }

    private final ResultsFolder results;
    private final List<Ratios.Ratio> ratios;
    private final List<Charts.Named> charts;
    private final List<String> problems;

    ReportWriter(ResultsFolder results, List<Ratios.Ratio> ratios, List<Charts.Named> charts, List<String> problems) {
        this.results = results;
        this.ratios = ratios;
        this.charts = charts;
        this.problems = problems;
    }

    /** The verdicts for a terminal, one pair a line. */
    void printVerdicts(PrintStream out) {
        if (!ratios.isEmpty()) {
            out.println("Verdicts (each server against the yardstick measured in the same rounds):");
            ratios.forEach(r -> out.printf("  %-40s %s%n", r.where(), r.sentence()));
            out.println();
        }
    }

    /** The summary for a terminal: the figures compared first, one configuration a line. */
    void printTable(PrintStream out) {
        List<Column> shown = COLUMNS.stream()
                .filter(c -> List.of(
                                "median_req_per_s",
                                "ci_half_width_pct",
                                "rounds",
                                "p50_ms",
                                "p99_ms",
                                "p99_9_ms",
                                "server_threads",
                                "server_rss_mib",
                                "server_cpu_us_per_response")
                        .contains(c.csvName()))
                .toList();
        StringBuilder heading = new StringBuilder(String.format("%-46s", "configuration"));
        shown.forEach(c -> heading.append(String.format(
                " %10s",
                switch (c.csvName()) {
                    case "server_cpu_us_per_response" -> "CPU µs/r";
                    case "median_req_per_s" -> "req/s";
                    case "ci_half_width_pct" -> "95% CI ±%";
                    default -> c.heading().replace("server ", "");
                })));
        out.println(heading);
        for (Row r : results.rows()) {
            StringBuilder line = new StringBuilder(String.format("%-46s", r.id()));
            if (r.scored()) {
                shown.forEach(c -> line.append(String.format(" %10s", c.shown().apply(r))));
                if (r.clientBound()) {
                    line.append("  client-bound");
                }
                if (Boolean.TRUE.equals(r.account().clientLimited())) {
                    line.append("  client-limited");
                }
                if (r.account().starved()) {
                    line.append(String.format(
                            Locale.ROOT,
                            "  %,d of %,d served",
                            r.account().served(),
                            r.account().connections()));
                }
                if (Boolean.FALSE.equals(r.sustainable())) {
                    line.append("  unsustainable");
                }
                if (r.hadErrors()) {
                    line.append("  errors: ").append(r.errorKinds());
                }
            } else {
                line.append(" FAILED: ").append(r.failure());
            }
            out.println(line);
        }
    }

    void writeSummaries() throws IOException {
        StringBuilder csv = new StringBuilder(
                        String.join(",", COLUMNS.stream().map(Column::csvName).toList()))
                .append('\n');
        StringBuilder md = new StringBuilder("| "
                        + String.join(
                                " | ",
                                TABLE_COLUMNS.stream().map(Column::heading).toList()) + " |\n")
                .append("|")
                .append("---|".repeat(TABLE_COLUMNS.size()))
                .append('\n');
        for (Row r : results.rows()) {
            csv.append(String.join(
                            ",",
                            COLUMNS.stream()
                                    .map(c -> csvField(c.value().apply(r)))
                                    .toList()))
                    .append('\n');
            md.append("| ")
                    .append(String.join(
                            " | ",
                            TABLE_COLUMNS.stream()
                                    .map(c -> c.shown().apply(r).replace("|", "\\|"))
                                    .toList()))
                    .append(" |\n");
        }
        Files.writeString(results.dir().resolve("summary.csv"), csv, StandardCharsets.UTF_8);
        Files.writeString(results.dir().resolve("summary.md"), md, StandardCharsets.UTF_8);
    }

    /** The capacity searches' results, as capacity.csv has them; empty when the run made none. */
    private String capacity() {
        List<Capacity.Result> capacity = Capacity.of(results.capacityRounds());
        if (capacity.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder(
                        "<h2 id=\"capacity\">Capacity at a latency goal</h2>\n<p>For each server, the highest "
                                + "open-loop rate ")
                .append(
                        "it sustained with no error and p99 within the goal, searched in every round (bracket, then "
                                + "bisect to 5%): the median over ")
                .append(
                        "rounds with its interval, and what failed just above it most often. Also as <a "
                                + "href=\"capacity.csv\">capacity.csv</a>; ")
                .append(
                        "every probe is in <a "
                                + "href=\"capacity-probes.csv\">capacity-probes.csv</a>.</p>\n<table>\n<tr><th>"
                                + "workload</th>")
                .append(
                        "<th>connections</th><th>goal</th><th>server</th><th>capacity "
                                + "(req/s)</th><th>interval</th><th>coverage</th><th>rounds</th>")
                .append("<th>limited by</th></tr>\n");
        for (Capacity.Result r : capacity) {
            html.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%,d</td><td>p99 ≤ %s ms</td><td>%s</td><td>%,.0f</td><td>%,.0f–%,.0f</td>"
                            + "<td>%.1f%%</td><td>%d</td><td class=\"status\">%s</td></tr>%n",
                    esc(r.workload()),
                    r.connections(),
                    CapacityRound.number(r.sloMillis()),
                    esc(r.server()),
                    r.interval().median(),
                    r.interval().low(),
                    r.interval().high(),
                    100 * r.interval().coverage(),
                    r.interval().rounds(),
                    esc(r.limitedBy())));
        }
        return html.append("</table>\n").toString();
    }

    /** The capacities, one line each, for the console. */
    void printCapacity(PrintStream out) {
        List<Capacity.Result> capacity = Capacity.of(results.capacityRounds());
        if (!capacity.isEmpty()) {
            out.println(
                    "Capacity (the highest open-loop rate with no error and p99 within the goal; median over rounds, "
                            + "interval):");
            capacity.forEach(r -> out.printf(
                    Locale.ROOT,
                    "  %-32s %-22s %,9.0f req/s (%,.0f–%,.0f, %d rounds)%s%n",
                    r.where(),
                    r.server(),
                    r.interval().median(),
                    r.interval().low(),
                    r.interval().high(),
                    r.interval().rounds(),
                    r.limitedBy().isEmpty() ? "" : ", limited by " + r.limitedBy()));
        }
    }

    void writeHtml() throws IOException {
        JsonObject env = results.environment();
        String runId = runId(results);
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>iolab results: run ")
                .append(esc(runId))
                .append("</title>\n<style>\n")
                .append(
                        "body{font-family:system-ui,sans-serif;max-width:1240px;margin:2em auto;padding:0 "
                                + "1em;color:#222;line-height:1.45}\n")
                .append(
                        "img{width:100%;height:auto;border:1px solid #ddd}figure{margin:2em "
                                + "0}figcaption{font-size:.95em;color:#444}\n")
                .append(
                        "table{border-collapse:collapse;font-size:.85em;margin:1em 0}td,th{border:1px solid "
                                + "#ccc;padding:.25em .5em;text-align:right}td{white-space:nowrap}\n")
                .append(
                        "td:first-child,th:first-child{text-align:left}.failed{color:#a00}.box{background:#f6f6f6;"
                                + "border-left:4px solid #888;padding:.5em 1em}\n")
                .append(
                        ".warn{border-left-color:#c60}code{background:#eee;padding:0 "
                                + ".2em}td.status{text-align:left;white-space:nowrap}\n</style>\n</head>\n<body>\n");
        html.append("<h1>iolab: server I/O models compared</h1>\n<p>Run <code>")
                .append(esc(runId))
                .append("</code>, ")
                .append(esc(value(env, "date", "date unknown")))
                .append(", ")
                .append(esc(value(env, "matrix", "?")))
                .append(" matrix.</p>\n");

        if (!problems.isEmpty()) {
            html.append("<div class=\"box warn\" id=\"missing\"><h2>Missing or partial results</h2><ul>\n");
            problems.forEach(p -> html.append("<li>").append(esc(p)).append("</li>\n"));
            html.append("</ul></div>\n");
        }

        html.append("<h2 id=\"verdicts\">Verdicts</h2>\n");
        if (ratios.isEmpty()) {
            html.append("<p>No block of this run measured a yardstick beside another server in the same rounds.</p>\n");
        } else {
            html.append("<p>Each server's figure over the yardstick's (the first of ")
                    .append(esc(String.join(", ", results.catalog().yardsticks())))
                    .append(
                            " that the block measured), round by round, then the median of those ratios with its "
                                    + "interval: throughput in the closed loop; ")
                    .append(
                            "server CPU time per response at an open-loop rate that every server of the block "
                                    + "sustained, where they did the same work. ")
                    .append(
                            "A verdict only when the whole interval lies on one side of 1. Also as <a "
                                    + "href=\"ratios.csv\">ratios.csv</a>.</p>\n")
                    .append(
                            "<table>\n<tr><th>workload</th><th>connections</th><th>load</th><th>figure</th><th>"
                                    + "server</th><th>yardstick</th>")
                    .append(
                            "<th>ratio "
                                    + "(median)</th><th>CI</th><th>coverage</th><th>rounds</th><th>verdict</th></tr>"
                                    + "\n");
            for (Ratios.Ratio r : ratios) {
                html.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%s</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.2f×</td><td>"
                                + "%.2f–%.2f</td><td>%.1f%%</td><td>%d</td><td class=\"status\">%s</td></tr>%n",
                        esc(r.workload()),
                        r.connections(),
                        r.figure() == Ratios.Figure.CAPACITY
                                ? "p99 ≤ " + CapacityRound.number(r.sloMillis()) + " ms"
                                : r.rate() == 0 ? "closed" : r.rate() + " req/s",
                        r.figure().label.replace('_', ' '),
                        esc(r.server()),
                        esc(r.baseline()),
                        r.ratio().median(),
                        r.ratio().low(),
                        r.ratio().high(),
                        100 * r.ratio().coverage(),
                        r.ratio().rounds(),
                        esc(r.verdictWords())));
            }
            html.append("</table>\n");
        }
        html.append(capacity());
        html.append(stability(env));
        html.append(precision(env));

        html.append("<h2 id=\"how-to-read\">How to read this</h2>\n<ul>\n")
                .append(
                        "<li>Each server ran in a JVM of its own, pinned to one core when <code>taskset</code> was "
                                + "there, and the load generator ran on the other; ")
                .append(
                        "both share one machine and talk over loopback, so these are the costs of the I/O models, not "
                                + "of a network.</li>\n")
                .append(
                        "<li>Each configuration was measured in several rounds; each round is one JMH trial (a warm-up "
                                + "iteration, then one-second ")
                .append(
                        "measurement iterations) run in the experiment's JVM, which is the client, against a server "
                                + "kept warm across rounds; a first ")
                .append(
                        "round, not counted, warms both. Each round visits every configuration in a new shuffled "
                                + "order, ")
                .append(
                        "the servers of a block back to back, so a slow minute of the machine falls on all of them. "
                                + "Throughput is the median over rounds; ")
                .append(
                        "its interval runs from the k-th smallest to the k-th largest round, the widest k whose chance "
                                + "of covering the true median is ")
                .append(
                        "at least 95% (an order-statistic interval: it assumes nothing about the shape of the noise). "
                                + "With six rounds it is the ")
                .append(
                        "range of the rounds, and covers with 96.9%; with five no interval reaches 95%, and no verdict "
                                + "is given.</li>\n")
                .append(
                        "<li>A verdict compares two servers round by round, which cancels what a round did to both; "
                                + "cite the ratio with its interval. ")
                .append(
                        "Two medians whose intervals overlap may still differ in a paired verdict, and the other way "
                                + "round.</li>\n")
                .append(
                        "<li>Closed loop: each connection sends its next request only when the previous response is "
                                + "in, so latency grows with connections. ")
                .append(
                        "Open loop: requests leave on a fixed schedule and latency is measured from the scheduled "
                                + "time, as wrk2 does; that shows queueing that a closed loop hides.</li>\n")
                .append(
                        "<li>Errors (timeout, reset, wrong byte, status &ge; 400) are counted by kind during the "
                                + "measurement and shown beside the ")
                .append(
                        "throughput and latency they came with (the errors columns; a hollow marker on the charts). "
                                + "The pool leaving the connections beyond ")
                .append(
                        "its 200 threads unanswered is the lesson, not a fault. A configuration fails (no score) only "
                                + "when its server stopped answering.</li>\n")
                .append(
                        "<li>Server threads, resident memory and CPU per response come from <code>/proc</code> of the "
                                + "server process while it was measured. ")
                .append(
                        "Server and client CPU cores are each side's CPU time over wall time (each has one core): a "
                                + "closed loop whose client used at least ")
                .append(Row.BUSY_CORES)
                .append(" of its core, and ")
                .append(Row.BUSIER_BY)
                .append(" more than the server, is marked client-bound: ")
                .append("its score is the load generator's ceiling as much as the server's.</li>\n")
                .append(
                        "<li>Two cores, one machine: absolute figures will differ elsewhere; the ratios and shapes are "
                                + "what carry over.</li>\n</ul>\n");

        html.append("<h2 id=\"charts\">Charts</h2>\n");
        for (Charts.Named c : charts) {
            html.append("<figure id=\"")
                    .append(esc(c.name()))
                    .append("\">\n<img src=\"charts/")
                    .append(esc(c.name()))
                    .append(".png\" alt=\"")
                    .append(esc(c.title()))
                    .append("\" width=\"")
                    .append(ChartFiles.WIDTH)
                    .append("\" height=\"")
                    .append(ChartFiles.HEIGHT)
                    .append("\">\n<figcaption><strong>")
                    .append(esc(c.title()))
                    .append(".</strong> ")
                    .append(esc(c.caption()))
                    .append(" <a href=\"charts/")
                    .append(esc(c.name()))
                    .append(".svg\">SVG</a></figcaption>\n</figure>\n");
        }

        html.append(
                        "<h2 id=\"numbers\">The numbers</h2>\n<p>Also as <a href=\"summary.csv\">summary.csv</a> and "
                                + "<a href=\"summary.md\">summary.md</a>; ")
                .append(
                        "JMH's own output is <a href=\"jmh.json\">jmh.json</a>, latency histograms are the "
                                + "<code>.hlog</code> and <code>.hgrm</code> files in <code>configurations/</code>. ")
                .append(
                        "Each row's file names start with its configuration, <code>workload_server_cN_closed</code> or "
                                + "<code>_rRATE</code>.</p>\n")
                .append("<div style=\"overflow-x:auto\"><table>\n<tr>");
        List<Column> columns =
                TABLE_COLUMNS.subList(1, TABLE_COLUMNS.size()); // the configuration's name repeats the columns after it
        columns.forEach(c -> html.append("<th>").append(esc(c.heading())).append("</th>"));
        html.append("</tr>\n");
        for (Row r : results.rows()) {
            html.append(r.scored() ? "<tr>" : "<tr class=\"failed\">");
            columns.forEach(c -> html.append(c.csvName().equals("status") ? "<td class=\"status\">" : "<td>")
                    .append(esc(c.shown().apply(r))).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</table></div>\n");

        html.append("<h2 id=\"environment\">Environment</h2>\n");
        if (env == null) {
            html.append("<p class=\"failed\">environment.json is missing.</p>\n");
        } else {
            html.append("<table>\n");
            flatten("", env, new LinkedHashMap<>())
                    .forEach((k, v) -> html.append("<tr><th>")
                            .append(esc(k))
                            .append("</th><td style=\"text-align:left\">")
                            .append(esc(v))
                            .append("</td></tr>\n"));
            html.append(
                    "</table>\n<p>Every server and client setting of every configuration is in <a "
                            + "href=\"environment.json\">environment.json</a>.</p>\n");
        }

        html.append("<h2 id=\"cite\">How to cite this</h2>\n<div class=\"box\"><p>")
                .append(esc(citation(env, runId)))
                .append("</p>\n")
                .append("<p>Run id <code>")
                .append(esc(runId))
                .append("</code>; commit <code>")
                .append(esc(commit(env)))
                .append("</code>; ")
                .append(esc(value(env, "date", "date unknown")))
                .append("; ")
                .append(esc(machine(env)))
                .append(". The software itself: see <code>CITATION.cff</code> in the repository.</p></div>\n");
        html.append("</body>\n</html>\n");
        Files.writeString(results.dir().resolve("report.html"), html, StandardCharsets.UTF_8);
    }

    /** How steady the machine was during the run, from environment.json's stability record. */
    private static String stability(JsonObject env) {
        JsonObject st =
                env != null && env.has("stability") && env.get("stability").isJsonObject()
                        ? env.getAsJsonObject("stability")
                        : null;
        if (st == null) {
            return "";
        }
        StringBuilder html = new StringBuilder("<h2 id=\"stability\">The machine during the run</h2>\n<p>");
        html.append(esc(value(st, "trials", "?")))
                .append(" trials, ")
                .append(esc(value(st, "disturbed", "?")))
                .append(" of them disturbed (")
                .append(esc(value(st, "disturbedAndCounted", "?")))
                .append(" counted because their repeat was disturbed too), ")
                .append(esc(value(st, "failed", "?")))
                .append(" failed. Calibration loop before each trial, as a multiple of the run's reference: ")
                .append(esc(spread(st, "calibrationServerCore")))
                .append(" on the server's core, ")
                .append(esc(spread(st, "calibrationClientCore")))
                .append(" on the client's. Other processes: ")
                .append(esc(spread(st, "otherCpuCores")))
                .append(" cores; steal: ")
                .append(esc(spread(st, "stealCpuCores")))
                .append(" cores; interrupt handling (loopback traffic): ")
                .append(esc(spread(st, "irqCpuCores")))
                .append(" cores. Rule: ")
                .append(esc(value(st, "rule", "?")))
                .append(".</p>\n");
        return html.toString();
    }

    /**
     * Which configurations' intervals reached the run's precision target, and where the experiment spent its extra
     * rounds.
     */
    static String precision(JsonObject env) {
        JsonObject p =
                env != null && env.has("precision") && env.get("precision").isJsonObject()
                        ? env.getAsJsonObject("precision")
                        : null;
        if (p == null || !p.has("reached")) {
            return "";
        }
        int reached = p.getAsJsonArray("reached").size();
        JsonObject notReached = p.getAsJsonObject("notReached");
        StringBuilder html = new StringBuilder("<h2 id=\"precision\">Precision</h2>\n<p>");
        html.append(String.format(
                Locale.ROOT,
                "%d of %d configurations have a throughput interval (%.0f%%) within ±%s%% of their median. ",
                reached,
                reached + notReached.size(),
                100 * p.get("level").getAsDouble(),
                value(p, "targetHalfWidthPct", "?").replaceAll("\\.0$", "")));
        html.append(String.format(
                Locale.ROOT,
                "After %s fixed rounds, blocks wider than the target got more rounds, first where a round narrowed the "
                        + "most per second, while the budget of %s lasted "
                        + "(the rounds took %s in all).",
                value(p, "fixedRounds", "?"),
                minutes(p.get("budgetSeconds").getAsDouble()),
                minutes(p.get("roundsSeconds").getAsDouble())));
        html.append("</p>\n");
        JsonArray extra = p.getAsJsonArray("extraRounds");
        if (extra.isEmpty()) {
            html.append("<p>No block got extra rounds.</p>\n");
        } else {
            html.append(
                    "<table class=\"narrow\"><tr><th>block</th><th>widest before</th><th>half-width "
                            + "before</th><th>extra rounds</th></tr>\n");
            for (var e : extra) {
                JsonObject step = e.getAsJsonObject();
                JsonArray rounds = step.getAsJsonArray("rounds");
                html.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%s</td><td>%s</td><td>±%.1f%%</td><td>%d to %d</td></tr>%n",
                        esc(step.get("block").getAsString()),
                        esc(step.get("widest").getAsString()),
                        step.get("halfWidthPctBefore").getAsDouble(),
                        rounds.get(0).getAsInt(),
                        rounds.get(1).getAsInt()));
            }
            html.append("</table>\n");
        }
        if (!notReached.isEmpty()) {
            html.append("<p>Not within the target: ");
            List<String> wide = new ArrayList<>();
            notReached
                    .entrySet()
                    .forEach(e -> wide.add(String.format(
                            Locale.ROOT,
                            "%s ±%.1f%%",
                            esc(e.getKey()),
                            e.getValue().getAsDouble())));
            html.append(String.join(", ", wide)).append(".</p>\n");
        }
        return html.toString();
    }

    private static String minutes(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String spread(JsonObject st, String key) {
        JsonObject s = st.has(key) && st.get(key).isJsonObject() ? st.getAsJsonObject(key) : null;
        if (s == null || !s.has("median")) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "median %.2f, 90th percentile %.2f, max %.2f", s.get("median").getAsDouble(),
                s.get("p90").getAsDouble(), s.get("max").getAsDouble());
    }

    /** The run's id from environment.json, else its folder's name. */
    static String runId(ResultsFolder results) {
        return value(
                results.environment(),
                "runId",
                results.dir().toAbsolutePath().normalize().getFileName().toString());
    }

    /**
     * "run 20261129-123206, commit 55b3d3b1c2d3, AMD EPYC 7B13, 2 cores, Java 25.0.3": what a pasted chart must keep.
     */
    static String provenance(ResultsFolder results) {
        JsonObject env = results.environment();
        return "run " + runId(results) + ", commit " + commit(env) + ", " + machine(env);
    }

    static String citation(JsonObject env, String runId) {
        String date = value(env, "date", "");
        String year = date.length() >= 4 ? date.substring(0, 4) : "n.d.";
        return "iolab contributors (" + year + "). iolab: server I/O models compared, results of run " + runId + " ("
                + value(env, "matrix", "?") + " matrix), iolab commit " + commit(env) + ". Measured on " + machine(env)
                + ".";
    }

    private static String commit(JsonObject env) {
        JsonObject git = env != null && env.has("git") ? env.getAsJsonObject("git") : null;
        if (git == null) {
            return "unknown";
        }
        String commit = value(git, "commit", "unknown");
        return commit.substring(0, Math.min(12, commit.length()))
                + ("true".equals(value(git, "dirty", "")) ? " (with uncommitted changes)" : "");
    }

    private static String machine(JsonObject env) {
        JsonObject m = env != null && env.has("machine") ? env.getAsJsonObject("machine") : null;
        JsonObject jdk = env != null && env.has("jdk") ? env.getAsJsonObject("jdk") : null;
        return value(m, "cpuModel", "an unknown CPU") + ", " + value(m, "cores", "?") + " cores, Java "
                + value(jdk, "java.version", "?");
    }

    private static Map<String, String> flatten(String prefix, JsonObject o, Map<String, String> into) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (e.getKey().equals("configurations")) {
                continue;
            }
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isJsonObject()) {
                flatten(key, e.getValue().getAsJsonObject(), into);
            } else if (e.getValue().isJsonArray()) {
                List<String> items = new ArrayList<>();
                e.getValue()
                        .getAsJsonArray()
                        .forEach(i -> items.add(i.isJsonPrimitive() ? i.getAsString() : i.toString()));
                into.put(key, String.join(" ", items));
            } else {
                into.put(key, e.getValue().isJsonNull() ? "" : e.getValue().getAsString());
            }
        }
        return into;
    }

    private static String value(JsonObject o, String key, String fallback) {
        return o != null && o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : fallback;
    }

    private static String fmt(Double value, String format) {
        return value == null ? "" : String.format(Locale.ROOT, format, value);
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }

    static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
