package iolab.runfiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One trial of one configuration in one round, as {@code rounds.csv} holds it: a line per trial,
 * written by the experiment, read by the plot. A disturbed trial is measured again at the end of
 * its round (twice at most); of a round's attempts one is {@code counted} (see {@link #replaces}).
 *
 * @param position       the trial's place in the run's order (1 is the first trial run)
 * @param disturbed      why the machine was too busy for this trial to count, or empty
 * @param score          responses per second (JMH's score); null when the trial failed
 * @param errors         the trial's errors, every kind
 * @param cost           what the server cost and what else used the machine while it measured
 * @param calibration    how fast the cores were just before it
 * @param failure        why the trial has no score, or empty
 */
public record Trial(String id, int round, int attempt, int position, boolean counted, String disturbed,
                    Double score, long errors, Cost cost, Calibration calibration, String failure) {

    /**
     * The server's threads, resident memory and CPU time per response, each side's CPU use in cores, and what other
     * processes, interrupt handling and the hypervisor's steal took meanwhile; each null when it was not measured.
     */
    public record Cost(
            Double threads,
            Double rssMiB,
            Double cpuMicrosPerRequest,
            Double serverCores,
            Double clientCores,
            Double otherCores,
            Double irqCores,
            Double stealCores) {

        public static final Cost NONE = new Cost(null, null, null, null, null, null, null, null);
    }

    /** The fixed CPU loop's time before the trial over the run's reference, on the server's and the client's core. */
    public record Calibration(Double serverCore, Double clientCore) {

        public static final Calibration NONE = new Calibration(null, null);
    }

    public static final String FILE = "rounds.csv";
    static final String HEADER =
            "id,round,attempt,position,counted,disturbed,req_per_s,errors,server_threads,server_rss_mib,"
                    + "server_cpu_us_per_response,server_cpu_cores,client_cpu_cores,other_cpu_cores,irq_cpu_cores,"
                    + "steal_cpu_cores,"
                    + "calibration_server_core,calibration_client_core,failure";

    public boolean scored() {
        return score != null;
    }

    /** A trial's name in its configuration: {@code r3}; {@code r3-2} and {@code r3-3}, a disturbed one's repeats. */
    public static String name(int round, int attempt) {
        return "r" + round + (attempt == 1 ? "" : "-" + attempt);
    }

    public String name() {
        return name(round, attempt);
    }

    /** What its files are called: {@code rounds/<files>.json} and the others. */
    public static String files(String id, int round, int attempt) {
        return id + "." + name(round, attempt);
    }

    public String files() {
        return files(id, round, attempt);
    }

    /** A trial that could not be measured, and why: no score and no figures. */
    public static Trial failed(String id, int round, int attempt, int position, String failure) {
        return new Trial(id, round, attempt, position, true, "", null, 0, Cost.NONE, Calibration.NONE, failure);
    }

    /**
     * Whether this attempt at a round, measured after {@code earlier}, counts in its place: it does, unless both were
     * measured, both disturbed, and other processes and steal took less of the machine during the earlier one, which is
     * then the better measure of the server. A repeat that fails counts: a server that stopped answering is not hidden.
     */
    public boolean replaces(Trial earlier) {
        if (!scored() || !earlier.scored() || disturbed.isEmpty()) {
            return true;
        }
        return !earlier.disturbed.isEmpty() && taken() <= earlier.taken();
    }

    /** The cores that others took from the machine while it measured: other processes and the hypervisor. */
    private double taken() {
        return cores(cost.otherCores()) + cores(cost.stealCores());
    }

    private static double cores(Double measured) {
        return measured == null || measured.isNaN() ? 0 : measured;
    }

    /** The same trial, no longer counted: another attempt in its round counts in its place. */
    public Trial uncounted() {
        return new Trial(id, round, attempt, position, false, disturbed, score, errors, cost, calibration, failure);
    }

    String csv() {
        return String.join(
                ",",
                id,
                String.valueOf(round),
                String.valueOf(attempt),
                String.valueOf(position),
                String.valueOf(counted),
                text(disturbed),
                fmt(score, "%.1f"),
                String.valueOf(errors),
                fmt(cost.threads(), "%.0f"),
                fmt(cost.rssMiB(), "%.1f"),
                fmt(cost.cpuMicrosPerRequest(), "%.3f"),
                fmt(cost.serverCores(), "%.3f"),
                fmt(cost.clientCores(), "%.3f"),
                fmt(cost.otherCores(), "%.3f"),
                fmt(cost.irqCores(), "%.3f"),
                fmt(cost.stealCores(), "%.3f"),
                fmt(calibration.serverCore(), "%.3f"),
                fmt(calibration.clientCore(), "%.3f"),
                text(failure));
    }

    static Trial parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != HEADER.split(",").length) {
            throw new IllegalArgumentException("expected " + HEADER.split(",").length + " fields: " + line);
        }
        return new Trial(
                f[0],
                Integer.parseInt(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Boolean.parseBoolean(f[4]),
                f[5],
                number(f[6]),
                Long.parseLong(f[7]),
                new Cost(
                        number(f[8]),
                        number(f[9]),
                        number(f[10]),
                        number(f[11]),
                        number(f[12]),
                        number(f[13]),
                        number(f[14]),
                        number(f[15])),
                new Calibration(number(f[16]), number(f[17])),
                f[18]);
    }

    public static void write(List<Trial> trials, Path file) throws IOException {
        Csv.write(file, HEADER, trials.stream().map(Trial::csv).toList());
    }

    public static List<Trial> read(Path file) throws IOException {
        return Csv.rows(file, HEADER).stream().map(Trial::parse).toList();
    }

    /** A CSV field without the separator or line breaks. */
    private static String text(String s) {
        return s == null ? "" : s.replace(',', ';').replaceAll("[\\r\\n]+", " ");
    }

    private static String fmt(Double value, String format) {
        return value == null || value.isNaN() ? "" : String.format(Locale.ROOT, format, value);
    }

    private static Double number(String s) {
        return s.isEmpty() ? null : Double.valueOf(s);
    }
}
