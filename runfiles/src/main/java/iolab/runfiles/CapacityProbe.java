package iolab.runfiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One probe of a capacity search, as {@code capacity-probes.csv} holds it: one server at one open-loop rate for one
 * trial, and whether it kept the goal. Round 0's probes warm up and count for nothing; a round's capacity is the
 * highest rate that passed in it ({@link CapacityRound}).
 *
 * @param achieved responses per second it delivered
 * @param p99Millis its p99 latency from each request's intended send time, censored requests included (a lower bound
 *     then)
 * @param sendLagP99Millis how late the client itself sent (p99): the client's share of the latency
 * @param sustained whether it delivered the rate in every interval without a growing queue ({@link Sustainability})
 * @param limitedBy empty when it passed; otherwise {@code errors}, {@code client} or {@code latency}
 */
public record CapacityProbe(
        String workload,
        int connections,
        double sloMillis,
        String server,
        int round,
        int probe,
        long rate,
        double achieved,
        double p99Millis,
        double sendLagP99Millis,
        long errors,
        boolean sustained,
        String disturbed,
        String limitedBy) {

    public static final String FILE = "capacity-probes.csv";
    static final String HEADER =
            "workload,connections,slo_p99_ms,server,round,probe,offered_req_per_s,achieved_req_per_s,p99_ms,"
                    + "send_lag_p99_ms,errors,sustained,disturbed,passed,limited_by";

    public boolean passed() {
        return limitedBy.isEmpty();
    }

    String csv() {
        return String.join(
                ",",
                workload,
                String.valueOf(connections),
                CapacityRound.number(sloMillis),
                server,
                String.valueOf(round),
                String.valueOf(probe),
                String.valueOf(rate),
                String.format(Locale.ROOT, "%.1f", achieved),
                String.format(Locale.ROOT, "%.3f", p99Millis),
                String.format(Locale.ROOT, "%.3f", sendLagP99Millis),
                String.valueOf(errors),
                String.valueOf(sustained),
                CapacityRound.text(disturbed),
                String.valueOf(passed()),
                limitedBy);
    }

    static CapacityProbe parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != HEADER.split(",").length) {
            throw new IllegalArgumentException("expected " + HEADER.split(",").length + " fields: " + line);
        }
        return new CapacityProbe(
                f[0],
                Integer.parseInt(f[1]),
                Double.parseDouble(f[2]),
                f[3],
                Integer.parseInt(f[4]),
                Integer.parseInt(f[5]),
                Long.parseLong(f[6]),
                Double.parseDouble(f[7]),
                Double.parseDouble(f[8]),
                Double.parseDouble(f[9]),
                Long.parseLong(f[10]),
                Boolean.parseBoolean(f[11]),
                f[12],
                f[14]);
    }

    public static void write(List<CapacityProbe> probes, Path file) throws IOException {
        Csv.write(file, HEADER, probes.stream().map(CapacityProbe::csv).toList());
    }

    public static List<CapacityProbe> read(Path file) throws IOException {
        return Csv.rows(file, HEADER).stream().map(CapacityProbe::parse).toList();
    }
}
