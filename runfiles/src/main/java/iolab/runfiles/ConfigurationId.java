package iolab.runfiles;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one configuration of a run, which names its files: {@code plaintext_nio_c100_closed},
 * {@code delay-10ms_virtual_c1000_r5000}. The experiment formats it, the plotter parses it back.
 *
 * @param rate requests per second of an open loop; 0 for a closed loop
 */
public record ConfigurationId(String workload, String server, int connections, long rate) {

    /**
     * The folder of a run that holds each configuration's merged files, out of the way of the report and the summaries.
     */
    public static final String FOLDER = "configurations";

    private static final Pattern FORM = Pattern.compile("([^_]+)_([^_]+)_c(\\d{1,9})_(closed|r(\\d{1,18}))");

    public ConfigurationId {
        if (workload.isEmpty() || workload.contains("_") || server.isEmpty() || server.contains("_")) {
            throw new IllegalArgumentException(
                    "a workload and a server are named without '_': " + workload + ", " + server);
        }
        if (connections < 1 || rate < 0) {
            throw new IllegalArgumentException(
                    "connections must be at least 1 and a rate not negative: " + connections + ", " + rate);
        }
    }

    /** Empty when {@code text} is not a configuration's name (another file of the folder). */
    public static Optional<ConfigurationId> parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        int connections = Integer.parseInt(m.group(3));
        long rate = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
        if (connections < 1 || (m.group(5) != null && rate < 1)) {
            return Optional.empty();
        }
        return Optional.of(new ConfigurationId(m.group(1), m.group(2), connections, rate));
    }

    /** This configuration's file with {@code suffix} ({@code .json}, {@code .hlog}...) in the run {@code runDir}. */
    public Path file(Path runDir, String suffix) {
        return runDir.resolve(FOLDER).resolve(this + suffix);
    }

    public boolean closedLoop() {
        return rate == 0;
    }

    /**
     * The order of tables and charts: by workload, server (each in the order the run lists them), then connections and
     * rate, closed loop before open.
     */
    public static Comparator<ConfigurationId> order(
            ToIntFunction<String> workloadOrder, ToIntFunction<String> serverOrder) {
        return Comparator.comparingInt((ConfigurationId id) -> workloadOrder.applyAsInt(id.workload))
                .thenComparing(ConfigurationId::workload)
                .thenComparingInt(id -> serverOrder.applyAsInt(id.server))
                .thenComparing(ConfigurationId::server)
                .thenComparingInt(ConfigurationId::connections)
                .thenComparingLong(ConfigurationId::rate);
    }

    @Override
    public String toString() {
        return workload + "_" + server + "_c" + connections + "_" + (closedLoop() ? "closed" : "r" + rate);
    }
}
