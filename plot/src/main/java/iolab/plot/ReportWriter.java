package iolab.plot;

import iolab.runfiles.CapacityRound;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

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

    /** The median's interval as the tables write it, low–high: an interval need not be symmetric. */
    private static final Column INTERVAL = new Column(
            "interval (req/s)",
            "interval",
            r -> r.interval() == null
                    ? ""
                    : String.format(Locale.ROOT, "%,.0f–%,.0f", r.interval().low(), r.interval().high()));

    /** The tables' order: what identifies a row, its figures and whether to trust them first; the rest after. */
    private static final List<String> TABLE_ORDER = List.of(
            "id", "workload", "server", "connections", "loop", "offered_req_per_s", "median_req_per_s", "interval",
            "ci_coverage_pct", "rounds", "status", "errors", "error_pct", "p50_ms", "p99_ms", "p99_9_ms",
            "connections_served", "connections_starved", "fairness", "client_bound", "client_limited",
            "disturbed_rounds", "sustainable", "p90_ms", "max_ms", "censored_pct", "send_lag_p99_ms", "server_threads",
            "server_rss_mib", "server_cpu_us_per_response", "server_cpu_cores", "client_cpu_cores");

    static {
        TABLE_COLUMNS = TABLE_ORDER.stream()
                .map(name -> name.equals("interval")
                        ? INTERVAL
                        : COLUMNS.stream()
                                .filter(c -> c.csvName().equals(name) && c.inTables())
                                .findFirst()
                                .orElseThrow(() -> new IllegalStateException("no table column " + name)))
                .toList();
    }

    private final ResultsFolder results;
    private final List<Ratios.Ratio> ratios;
    private final Findings findings;
    private final List<Charts.Named> charts;
    private final Map<String, String> imageMaps;
    private final List<String> problems;

    /** @param imageMaps each chart's image map (its points' tooltips), by the chart's name */
    ReportWriter(
            ResultsFolder results,
            List<Ratios.Ratio> ratios,
            Findings findings,
            List<Charts.Named> charts,
            Map<String, String> imageMaps,
            List<String> problems) {
        this.results = results;
        this.ratios = ratios;
        this.findings = findings;
        this.charts = charts;
        this.imageMaps = imageMaps;
        this.problems = problems;
    }

    /** What the run found, for a terminal. */
    void printFindings(PrintStream out) {
        List<String> sentences = findings.sentences();
        if (!sentences.isEmpty()) {
            out.println("Findings:");
            sentences.forEach(f -> out.println("  " + f));
            out.println();
        }
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
                                    .map(c -> grouped(c.shown().apply(r)).replace("|", "\\|"))
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
        return Page.fill("capacity.html", Map.of("rows", Page.rows(capacity, r -> String.format(
                Locale.ROOT,
                "<td>%s</td><td>%,d</td><td>p99 ≤ %s ms</td><td>%s</td><td>%,.0f</td><td>%,.0f–%,.0f</td>"
                        + "<td>%.1f%%</td><td>%d</td><td class=\"status\">%s</td>",
                esc(r.workload()),
                r.connections(),
                CapacityRound.number(r.sloMillis()),
                esc(r.server()),
                r.interval().median(),
                r.interval().low(),
                r.interval().high(),
                100 * r.interval().coverage(),
                r.interval().rounds(),
                esc(r.limitedBy())))));
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
        String date = esc(value(env, "date", "date unknown"));
        List<Charts.Named> inCharts = charts.stream().filter(c -> !c.name().equals(ForestPlot.NAME)).toList();
        Map<String, String> page = new LinkedHashMap<>();
        page.put("css", Page.css());
        page.put("runId", esc(runId));
        page.put("date", date);
        page.put("matrix", esc(value(env, "matrix", "?")));
        page.put("problems", problems.isEmpty()
                ? ""
                : "<div class=\"box warn\" id=\"missing\"><h2>Missing or partial results</h2><ul>\n"
                        + problems.stream().map(p -> "<li>" + esc(p) + "</li>\n").collect(Collectors.joining())
                        + "</ul></div>\n");
        page.put("busy", busy());
        page.put("findings", findingsHtml());
        page.put("verdicts", verdicts());
        String capacity = capacity();
        page.put("capacity", capacity);
        page.put("capacityLink",
                capacity.isEmpty() ? "" : "<li><a href=\"#capacity\">Capacity at a latency goal</a></li>\n");
        page.put("chartLinks", inCharts.stream()
                .map(c -> "<li><a href=\"#" + esc(c.name()) + "\">" + esc(c.title()) + "</a></li>\n")
                .collect(Collectors.joining()));
        page.put("charts", inCharts.stream().map(this::figure).collect(Collectors.joining()));
        page.put("numbers", numbers());
        page.put("jmh", Files.exists(results.dir().resolve("jmh.json"))
                ? "; JMH's own output is <a href=\"jmh.json\">jmh.json</a>"
                : "");
        page.put("stability", stability(env));
        page.put("precision", precision(env));
        page.put("environment", environment(env));
        page.put("citation", esc(citation(env, runId)));
        page.put("commit", esc(commit(env)));
        page.put("machine", esc(machine(env)));
        page.put("script", Page.script());
        Files.writeString(results.dir().resolve("report.html"), Page.fill("report.html", page), StandardCharsets.UTF_8);
        Files.writeString(
                results.dir().resolve("method.html"),
                Page.fill("method.html", Map.of("css", Page.css(), "method", Page.method())),
                StandardCharsets.UTF_8);
        Files.writeString(
                results.dir().resolve("percentiles.html"),
                PercentilesPage.html(results, provenance(results)),
                StandardCharsets.UTF_8);
    }

    /** The findings' sentences, then the forest plot of every verdict. */
    private String findingsHtml() {
        List<String> sentences = findings.sentences();
        String list = sentences.isEmpty()
                ? "<p>No block of this run measured a yardstick beside another server: there is no ratio to report."
                        + "</p>\n"
                : "<ul class=\"findings\">\n"
                        + sentences.stream().map(f -> "<li>" + esc(f) + "</li>\n").collect(Collectors.joining())
                        + "</ul>\n<p>Each sentence is written by the plotter from this run's data "
                        + "(<a href=\"findings.md\">findings.md</a>); how to read an interval and a verdict: "
                        + "<a href=\"method.html\">How iolab measures</a>.</p>\n";
        return list + charts.stream()
                .filter(c -> c.name().equals(ForestPlot.NAME))
                .map(this::figure)
                .collect(Collectors.joining());
    }

    private String verdicts() {
        if (ratios.isEmpty()) {
            return "<p>No block of this run measured a yardstick beside another server in the same rounds.</p>\n";
        }
        return Page.fill("verdicts.html", Map.of(
                "yardsticks", esc(String.join(", ", results.catalog().yardsticks())),
                "rows", Page.rows(ratios, r -> String.format(
                        Locale.ROOT,
                        "<td>%s</td><td>%,d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.2f×</td>"
                                + "<td>%.2f–%.2f</td><td>%.1f%%</td><td>%d</td><td class=\"status\">%s</td>"
                                + "<td class=\"text\">%s</td>",
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
                        esc(r.verdictWords()),
                        esc(findings.caveat(r).orElse(""))))));
    }

    /** A chart as the page shows it: the PNG at its own size, its points' tooltips from its image map. */
    private String figure(Charts.Named c) {
        String name = esc(c.name());
        return String.format(
                Locale.ROOT,
                "<figure id=\"%s\">\n<img src=\"charts/%s.png\" alt=\"%s\" width=\"%d\" height=\"%d\" "
                        + "usemap=\"#%s-map\">\n%s\n"
                        + "<figcaption><strong>%s.</strong> %s Hover over a point for its values. "
                        + "<a href=\"charts/%s.svg\">SVG</a></figcaption>\n</figure>\n",
                name,
                name,
                esc(c.title()),
                ChartFiles.WIDTH,
                c.height(),
                name,
                imageMaps.getOrDefault(c.name(), ""),
                esc(c.title()),
                esc(c.caption()),
                name);
    }

    /**
     * The numbers table: a heading row, then a row per configuration whose first cell links its latency files, numbers
     * with thousands separators.
     */
    private String numbers() {
        StringBuilder html = new StringBuilder("<thead><tr>");
        TABLE_COLUMNS.forEach(c -> html.append("<th>").append(esc(c.heading())).append("</th>"));
        html.append("</tr></thead>\n<tbody>\n");
        for (Row r : results.rows()) {
            html.append(r.scored() ? "<tr>" : "<tr class=\"failed\">");
            html.append("<td class=\"text\">").append(esc(r.id())).append(files(r)).append("</td>");
            TABLE_COLUMNS.subList(1, TABLE_COLUMNS.size())
                    .forEach(c -> html.append(c.csvName().equals("status") ? "<td class=\"status\">" : "<td>")
                            .append(esc(grouped(c.shown().apply(r))))
                            .append("</td>"));
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n").toString();
    }

    /** Links to the configuration's files that exist: " · hgrm · hlog · json". */
    private String files(Row r) {
        Path folder = results.perConfiguration();
        StringBuilder links = new StringBuilder();
        for (String kind : List.of(".hgrm", ".hlog", ".json", ".service.hgrm", ".sendlag.hgrm")) {
            Path file = folder.resolve(r.id() + kind);
            if (Files.isRegularFile(file)) {
                String href = results.dir().relativize(file).toString().replace('\\', '/');
                links.append(" · <a href=\"").append(esc(href)).append("\">").append(kind.substring(1)).append("</a>");
            }
        }
        return links.toString();
    }

    /** {@code 132433} as {@code 132,433}, {@code >=2000.000} as {@code >=2,000.000}; any other text as it is. */
    static String grouped(String cell) {
        java.util.regex.Matcher m = GROUPABLE.matcher(cell);
        if (!m.matches() || m.group(2).length() < 4) {
            return cell;
        }
        return Objects.toString(m.group(1), "") + String.format(Locale.ROOT, "%,d", Long.parseLong(m.group(2)))
                + Objects.toString(m.group(3), "");
    }

    private static final java.util.regex.Pattern GROUPABLE =
            java.util.regex.Pattern.compile("(>=|-)?(\\d+)(\\.\\d+)?");

    private static String environment(JsonObject env) {
        if (env == null) {
            return "<p class=\"failed\">environment.json is missing.</p>\n";
        }
        return "<table>\n"
                + flatten("", env, new LinkedHashMap<>()).entrySet().stream()
                        .map(e -> "<tr><th>" + esc(e.getKey()) + "</th><td style=\"text-align:left\">"
                                + esc(e.getValue()) + "</td></tr>\n")
                        .collect(Collectors.joining())
                + "</table>\n<p>Every server and client setting of every configuration is in "
                + "<a href=\"environment.json\">environment.json</a>.</p>\n";
    }

    /** The experiment's word that the machine was busy, when it said so: above the findings, read first. */
    private String busy() {
        return results.busy()
                .map(busy -> "<div class=\"box warn\" id=\"busy\"><h2>A busy machine</h2><p>"
                        + esc(Character.toUpperCase(busy.charAt(0)) + busy.substring(1))
                        + ". How much it took, trial by trial: <a href=\"#stability\">The machine during the run</a>."
                        + "</p></div>\n")
                .orElse("");
    }

    /** How steady the machine was during the run, from environment.json's stability record. */
    private static String stability(JsonObject env) {
        JsonObject st = object(env, "stability");
        if (st == null) {
            return "";
        }
        return Page.fill("stability.html", Map.of(
                "trials", esc(value(st, "trials", "?")),
                "disturbed", esc(value(st, "disturbed", "?")),
                "disturbedAndCounted", esc(value(st, "disturbedAndCounted", "?")),
                "failed", esc(value(st, "failed", "?")),
                "serverCore", esc(spread(st, "calibrationServerCore")),
                "clientCore", esc(spread(st, "calibrationClientCore")),
                "otherCores", esc(spread(st, "otherCpuCores")),
                "stealCores", esc(spread(st, "stealCpuCores")),
                "irqCores", esc(spread(st, "irqCpuCores")),
                "rule", esc(value(st, "rule", "?"))));
    }

    /**
     * Which configurations' intervals reached the run's precision target, and where the experiment spent its extra
     * rounds.
     */
    static String precision(JsonObject env) {
        JsonObject p = object(env, "precision");
        if (p == null || !p.has("reached")) {
            return "";
        }
        int reached = p.getAsJsonArray("reached").size();
        JsonObject notReached = p.getAsJsonObject("notReached");
        JsonArray extra = p.getAsJsonArray("extraRounds");
        String extraRounds;
        if (extra.isEmpty()) {
            extraRounds = "<p>No block got extra rounds.</p>\n";
        } else {
            StringBuilder table = new StringBuilder("<table class=\"narrow\"><tr><th>block</th><th>widest before</th>"
                    + "<th>half-width before</th><th>extra rounds</th></tr>\n");
            for (var e : extra) {
                JsonObject step = e.getAsJsonObject();
                JsonArray rounds = step.getAsJsonArray("rounds");
                table.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%s</td><td>%s</td><td>±%.1f%%</td><td>%d to %d</td></tr>%n",
                        esc(step.get("block").getAsString()),
                        esc(step.get("widest").getAsString()),
                        step.get("halfWidthPctBefore").getAsDouble(),
                        rounds.get(0).getAsInt(),
                        rounds.get(1).getAsInt()));
            }
            extraRounds = table.append("</table>\n").toString();
        }
        String wide = notReached.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s ±%.1f%%", esc(e.getKey()), e.getValue().getAsDouble()))
                .collect(Collectors.joining(", "));
        return Page.fill("precision.html", Map.of(
                "reached", String.valueOf(reached),
                "configurations", String.valueOf(reached + notReached.size()),
                "level", String.format(Locale.ROOT, "%.0f", 100 * p.get("level").getAsDouble()),
                "target", esc(value(p, "targetHalfWidthPct", "?").replaceAll("\\.0$", "")),
                "fixedRounds", esc(value(p, "fixedRounds", "?")),
                "budget", minutes(p.get("budgetSeconds").getAsDouble()),
                "roundsTook", minutes(p.get("roundsSeconds").getAsDouble()),
                "extraRounds", extraRounds,
                "notReached", wide.isEmpty() ? "" : "<p>Not within the target: " + wide + ".</p>\n"));
    }

    private static JsonObject object(JsonObject env, String key) {
        return env != null && env.has(key) && env.get(key).isJsonObject() ? env.getAsJsonObject(key) : null;
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
        JsonObject hosts = env != null && env.has("hosts") && env.get("hosts").isJsonObject()
                ? env.getAsJsonObject("hosts")
                : null;
        String roles = value(hosts, "roles", "");
        if (roles.startsWith("across hosts") && hosts.has("server") && hosts.get("server").isJsonObject()) {
            // The machine that ran the controller is not the one measured: the server host is.
            m = hosts.getAsJsonObject("server");
        }
        return value(m, "cpuModel", "an unknown CPU").strip() + ", " + value(m, "cores", "?") + " cores, Java "
                + value(jdk, "java.version", "?") + (roles.startsWith("across hosts") ? "; " + roles : "");
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

    private static String esc(String text) {
        return Page.esc(text);
    }
}
