package iolab.runfiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One round's capacity search for one server, as {@code capacity-rounds.csv} holds it: the highest
 * open-loop rate that passed in that round ({@link CapacityProbe}), and why the lowest rate above
 * it failed. The plot turns the rounds into a median, an interval and paired ratios.
 *
 * @param capacity  requests per second; 0 when even the lowest rate tried failed
 * @param limitedBy {@code latency}, {@code errors} or {@code client}: what failed just above the capacity; empty when
 *                  nothing did (the search's ceiling passed)
 * @param probes    how many probes the round's search made
 */
public record CapacityRound(String workload, int connections, double sloMillis, String server, int round, long capacity,
                            String limitedBy, int probes) {

    public static final String FILE = "capacity-rounds.csv";
    static final String HEADER = "workload,connections,slo_p99_ms,server,round,capacity_req_per_s,limited_by,probes";

    /** What the rounds of one search of one server share: {@code plaintext_c1000_nio}. */
    public String key() {
        return workload + "_c" + connections + "_" + server;
    }

    String csv() {
        return String.join(",", workload, String.valueOf(connections), number(sloMillis), server, String.valueOf(round),
                String.valueOf(capacity), limitedBy, String.valueOf(probes));
    }

    static CapacityRound parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != HEADER.split(",").length) {
            throw new IllegalArgumentException("expected " + HEADER.split(",").length + " fields: " + line);
        }
        return new CapacityRound(
                f[0],
                Integer.parseInt(f[1]),
                Double.parseDouble(f[2]),
                f[3],
                Integer.parseInt(f[4]),
                Long.parseLong(f[5]),
                f[6],
                Integer.parseInt(f[7]));
    }

    public static void write(List<CapacityRound> rounds, Path file) throws IOException {
        Csv.write(file, HEADER, rounds.stream().map(CapacityRound::csv).toList());
    }

    public static List<CapacityRound> read(Path file) throws IOException {
        return Csv.rows(file, HEADER).stream().map(CapacityRound::parse).toList();
    }

    /** 10 for 10.0, 2.5 for 2.5. */
    public static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%s", d);
    }

    static String text(String s) {
        return s == null ? "" : s.replace(',', ';').replaceAll("[\\r\\n]+", " ");
    }
}
