package iolab.plot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a results folder: {@code charts/} (PNG and SVG), {@code report.html} with {@code percentiles.html} and
 * {@code method.html}, {@code findings.md}, {@code summary.csv}, {@code summary.md} and {@code ratios.csv}.
 */
public final class Plot {

    private Plot() {
    }

    /**
     * @return the lines naming what was missing (also printed), empty when the folder was whole
     */
    public static List<String> render(Path resultsDir, PrintStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ResultsFolder results = ResultsFolder.read(resultsDir);
        Charts charts = new Charts(results.rows(), results.catalog(), ReportWriter.provenance(results));
        List<Charts.Named> drawn = new ArrayList<>(charts.all());
        if (!results.backlog().isEmpty()) {
            drawn.add(Backlog.chart(results.backlog(), ReportWriter.provenance(results)));
        }
        List<Capacity.Result> capacity = Capacity.of(results.capacityRounds());
        drawn.addAll(Capacity.charts(
                capacity, results.capacityProbes(), new Styles(results.catalog()), ReportWriter.provenance(results)));
        if (!results.udp().isEmpty()) {
            drawn.add(Udp.chart(results.udp(), results.catalog(), ReportWriter.provenance(results)));
        }
        List<Ratios.Ratio> ratios = Ratios.all(results);
        Charts.Named forest = ratios.isEmpty()
                ? null
                : ForestPlot.chart(ratios, new Styles(results.catalog()), ReportWriter.provenance(results));
        if (forest != null) {
            drawn.add(0, forest);
        }
        Map<String, String> imageMaps = new LinkedHashMap<>();
        for (Charts.Named c : drawn) {
            imageMaps.put(c.name(), ChartFiles.write(c, resultsDir.resolve("charts")));
        }
        List<String> problems = new ArrayList<>(results.missing());
        results.rows().stream().filter(r -> !r.scored())
                .forEach(r -> problems.add(r.id() + " has no score: " + r.failure()));
        problems.addAll(charts.notes());
        Findings findings = new Findings(results, ratios);
        Files.writeString(resultsDir.resolve("findings.md"), findings.markdown(), StandardCharsets.UTF_8);
        if (!capacity.isEmpty()) {
            Capacity.write(capacity, resultsDir.resolve(Capacity.CSV));
        }
        Ratios.write(ratios, r -> findings.caveat(r).orElse(""), resultsDir.resolve("ratios.csv"));
        ReportWriter report = new ReportWriter(results, ratios, findings, drawn, imageMaps, problems);
        report.writeSummaries();
        report.writeHtml();
        report.printTable(out);
        out.println();
        report.printFindings(out);
        report.printVerdicts(out);
        out.println();
        report.printCapacity(out);
        problems.forEach(p -> out.println("missing: " + p));
        out.printf(
                "%d charts in %s; report: %s%n",
                drawn.size(), resultsDir.resolve("charts"), resultsDir.resolve("report.html"));
        return problems;
    }
}
