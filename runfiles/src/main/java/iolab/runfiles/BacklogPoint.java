package iolab.runfiles;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One backlog of the listen-backlog sweep: a line of {@code backlog.csv}, and its latencies and connect times in
 * {@code backlog/}.
 *
 * @param somaxconn the kernel's cap on any backlog (-1 unknown)
 * @param connects connects that completed while it was measured
 * @param answered requests answered (one per connection)
 * @param unanswered connections still waiting for their response when the run ended (their handshake stalled)
 * @param listenOverflows the kernel's count over the run, machine-wide (-1 unknown)
 * @param latency from each connect's start to its response, in nanoseconds: what a user of such a client waits
 * @param connectTime how long each {@code connect} took, in nanoseconds; short even when the server's queue was full,
 *     since the kernel answers the handshake before the application accepts
 */
public record BacklogPoint(
        int backlog,
        int somaxconn,
        long connects,
        long answered,
        long unanswered,
        long failedConnects,
        long listenOverflows,
        long listenDrops,
        Histogram latency,
        Histogram connectTime) {

    public static final String CSV = "backlog.csv";
    public static final String FOLDER = "backlog";
    private static final String HEADER =
            "backlog,somaxconn,connects,answered,unanswered,failed_connects,listen_overflows,listen_drops,"
                    + "p50_ms,p99_ms,p99_9_ms,max_ms,connect_p99_ms";

    /** The latency at {@code percentile}, in milliseconds. */
    public double millis(double percentile) {
        return millis(latency, percentile);
    }

    public static double millis(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    /** The file of one backlog's latencies in the run's {@link #FOLDER}. */
    public static String file(int backlog) {
        return "b" + backlog + ".hlog";
    }

    /** The file of one backlog's connect times in the run's {@link #FOLDER}. */
    public static String connectFile(int backlog) {
        return "b" + backlog + ".connect.hlog";
    }

    public static void write(List<BacklogPoint> points, Path csv) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (BacklogPoint p : points) {
            text.append(String.format(
                    Locale.ROOT,
                    "%d,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f%n",
                    p.backlog(),
                    p.somaxconn(),
                    p.connects(),
                    p.answered(),
                    p.unanswered(),
                    p.failedConnects(),
                    p.listenOverflows(),
                    p.listenDrops(),
                    p.millis(50),
                    p.millis(99),
                    p.millis(99.9),
                    p.millis(100),
                    millis(p.connectTime(), 99)));
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
    }

    /** The run's sweep, or empty when it made none; a backlog whose connect times are unreadable is left out. */
    public static List<BacklogPoint> read(Path runDir) throws IOException {
        List<BacklogPoint> points = new ArrayList<>();
        for (String[] f : Csv.fieldsIfPresent(runDir.resolve(CSV))) {
            int backlog = Integer.parseInt(f[0]);
            points.add(new BacklogPoint(
                    backlog,
                    Integer.parseInt(f[1]),
                    Long.parseLong(f[2]),
                    Long.parseLong(f[3]),
                    Long.parseLong(f[4]),
                    Long.parseLong(f[5]),
                    Long.parseLong(f[6]),
                    Long.parseLong(f[7]),
                    histogram(runDir.resolve(FOLDER).resolve(file(backlog))),
                    histogram(runDir.resolve(FOLDER).resolve(connectFile(backlog)))));
        }
        return points;
    }

    private static Histogram histogram(Path hlog) throws IOException {
        Histogram all = new Histogram(3);
        if (Files.exists(hlog)) {
            IntervalLog.read(hlog).forEach(all::add);
        }
        return all;
    }
}
