package iolab.runfiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One trial of one configuration in one round, as {@code rounds.csv} holds it: a line per trial,
 * written by the experiment, read by the plot. A disturbed trial is repeated once at the end of
 * its round; of a round's attempts only the last is {@code counted}.
 *
 * @param position       the trial's place in the run's order (1 is the first trial run)
 * @param disturbed      why the machine was too busy for this trial to count, or empty
 * @param score          responses per second (JMH's score); null when the trial failed
 * @param calibration    the fixed CPU loop's time before the trial over the run's reference, on the server's and the client's core
 * @param failure        why the trial has no score, or empty
 */
public record Trial(String id, int round, int attempt, int position, boolean counted, String disturbed,
                    Double score, long errors, Double threads, Double rssMiB, Double cpuMicrosPerRequest,
                    Double serverCores, Double clientCores, Double otherCores, Double irqCores, Double stealCores,
                    Double serverCoreCalibration, Double clientCoreCalibration, String failure) {

    public static final String FILE = "rounds.csv";
    static final String HEADER = "id,round,attempt,position,counted,disturbed,req_per_s,errors,server_threads,server_rss_mib,"
            + "server_cpu_us_per_response,server_cpu_cores,client_cpu_cores,other_cpu_cores,irq_cpu_cores,steal_cpu_cores,"
            + "calibration_server_core,calibration_client_core,failure";

    public boolean scored() {
        return score != null;
    }

    /** A trial's name within its configuration: {@code r3}, and {@code r3-2} for the repeat of a disturbed one. */
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

    /** The same trial, no longer counted: a repeat in its round has taken its place. */
    /** A trial that could not be measured, and why: no score and no figures. */
    public static Trial failed(String id, int round, int attempt, int position, String failure) {
        return new Trial(id, round, attempt, position, true, "", null, 0, null, null, null, null, null, null, null, null,
                null, null, failure);
    }

    public Trial uncounted() {
        return new Trial(id, round, attempt, position, false, disturbed, score, errors, threads, rssMiB, cpuMicrosPerRequest,
                serverCores, clientCores, otherCores, irqCores, stealCores, serverCoreCalibration, clientCoreCalibration, failure);
    }

    String csv() {
        return String.join(",", id, String.valueOf(round), String.valueOf(attempt), String.valueOf(position), String.valueOf(counted),
                text(disturbed), fmt(score, "%.1f"), String.valueOf(errors), fmt(threads, "%.0f"), fmt(rssMiB, "%.1f"),
                fmt(cpuMicrosPerRequest, "%.3f"), fmt(serverCores, "%.3f"), fmt(clientCores, "%.3f"), fmt(otherCores, "%.3f"),
                fmt(irqCores, "%.3f"), fmt(stealCores, "%.3f"), fmt(serverCoreCalibration, "%.3f"), fmt(clientCoreCalibration, "%.3f"),
                text(failure));
    }

    static Trial parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != HEADER.split(",").length) {
            throw new IllegalArgumentException("expected " + HEADER.split(",").length + " fields: " + line);
        }
        return new Trial(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), Boolean.parseBoolean(f[4]),
                f[5], number(f[6]), Long.parseLong(f[7]), number(f[8]), number(f[9]), number(f[10]), number(f[11]), number(f[12]),
                number(f[13]), number(f[14]), number(f[15]), number(f[16]), number(f[17]), f[18]);
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
