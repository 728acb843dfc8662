package iolab.runfiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One server of the UDP sweep at one offered rate in one round: a line of {@code udp.csv}.
 *
 * @param clientLate the client's own send lag was comparable to the latency: the rate was the client's limit, not the
 *     server's
 * @param cpuMicrosPerDatagram the server's CPU time (user + system) over the trial per datagram echoed; NaN when
 *     unknown
 * @param serverDrops datagrams the kernel dropped at the server's socket, its receive buffer full (-1: unknown)
 * @param clientDrops replies dropped at the client's sockets, theirs full: loss that is the client's (-1: unknown)
 */
public record UdpTrial(
        String server,
        long offered,
        int round,
        long sent,
        long echoed,
        long lost,
        long reordered,
        long late,
        double p50Millis,
        double p99Millis,
        double maxMillis,
        double sendLagP99Millis,
        boolean clientLate,
        double cpuMicrosPerDatagram,
        long serverDrops,
        long clientDrops) {

    public static final String CSV = "udp.csv";
    private static final String HEADER =
            "server,offered_per_s,round,sent,echoed,lost,loss_ratio,reordered,late,p50_ms,p99_ms,max_ms,"
                    + "send_lag_p99_ms,client_late,server_cpu_us_per_datagram,server_drops,client_drops";

    public double lossRatio() {
        return sent == 0 ? 0 : (double) lost / sent;
    }

    public static void write(List<UdpTrial> trials, Path csv) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (UdpTrial t : trials) {
            text.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%d,%d,%d,%.6f,%d,%d,%.3f,%.3f,%.3f,%.3f,%b,%.3f,%d,%d%n",
                    t.server(),
                    t.offered(),
                    t.round(),
                    t.sent(),
                    t.echoed(),
                    t.lost(),
                    t.lossRatio(),
                    t.reordered(),
                    t.late(),
                    t.p50Millis(),
                    t.p99Millis(),
                    t.maxMillis(),
                    t.sendLagP99Millis(),
                    t.clientLate(),
                    t.cpuMicrosPerDatagram(),
                    t.serverDrops(),
                    t.clientDrops()));
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
    }

    /** The run's trials, or empty when it made none. */
    public static List<UdpTrial> read(Path runDir) throws IOException {
        List<UdpTrial> trials = new ArrayList<>();
        for (String[] f : Csv.fieldsIfPresent(runDir.resolve(CSV))) {
            trials.add(new UdpTrial(
                    f[0],
                    Long.parseLong(f[1]),
                    Integer.parseInt(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]),
                    Long.parseLong(f[5]),
                    Long.parseLong(f[7]),
                    Long.parseLong(f[8]),
                    Double.parseDouble(f[9]),
                    Double.parseDouble(f[10]),
                    Double.parseDouble(f[11]),
                    Double.parseDouble(f[12]),
                    Boolean.parseBoolean(f[13]),
                    Double.parseDouble(f[14]),
                    Long.parseLong(f[15]),
                    Long.parseLong(f[16])));
        }
        return trials;
    }
}
