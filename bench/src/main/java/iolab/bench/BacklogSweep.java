package iolab.bench;

import iolab.runfiles.BacklogPoint;

import iolab.clients.ErrorKind;
import iolab.clients.LoadRun;
import iolab.clients.LoadSettings;
import iolab.clients.Target;
import iolab.servers.ServerVariant;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The listen backlog's lesson: a storm of short connections against a server made slow to accept
 * (nio, pausing after each accept), once for each backlog. A connection that finds the accept queue
 * full waits in no queue: the kernel drops its handshake's last ACK (or its SYN) and sends the SYN-ACK
 * again after 1 s, then 3 s. The latencies (connect to response), connect times, failed connects and
 * the kernel's own counters
 * ({@link ListenCounters}) are written to {@code backlog.csv} and {@code backlog/}, where the
 * plotter reads them.
 */
final class BacklogSweep {

    static final List<Integer> BACKLOGS = List.of(1, 5, 128, 4096);
    /** How long the server pauses after each accept: at most 500 accepts a second. */
    static final Duration ACCEPT_DELAY = Duration.ofMillis(2);
    /** Connections in progress at once: a storm well past the smaller backlogs. */
    static final int IN_PROGRESS = 200;

    private BacklogSweep() {}

    /**
     * Runs the sweep over {@code backlogs} into {@code runDir}, {@code duration} for each; returns what it measured.
     */
    static List<BacklogPoint> run(
            Path runDir, String runTag, List<Integer> backlogs, Duration duration, PrintStream out)
            throws IOException, InterruptedException {
        Files.createDirectories(runDir.resolve(BacklogPoint.FOLDER));
        List<BacklogPoint> points = new ArrayList<>();
        Files.createDirectories(runDir.resolve("logs"));
        // The server as the experiment starts nio (one loop, loopback, an ephemeral port), made slow to accept.
        Configuration storm = new Configuration(ServerVariant.NIO, Workload.ECHO_64_CLOSE, IN_PROGRESS, 0);
        for (int backlog : backlogs) {
            List<String> args = new ArrayList<>(storm.serverArguments(null));
            args.addAll(
                    List.of("--backlog", String.valueOf(backlog), "--accept-delay", ACCEPT_DELAY.toMillis() + "ms"));
            try (ServerProcess server =
                    ServerProcess.start(args, runTag, runDir.resolve("logs").resolve("backlog-" + backlog + ".log"))) {
                LoadSettings settings = new LoadSettings(
                                Target.parse(server.address()),
                                storm.workload().client("127.0.0.1"),
                                1,
                                IN_PROGRESS,
                                0,
                                1,
                                Duration.ZERO,
                                duration,
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(10))
                        .withReconnect();
                ListenCounters before = ListenCounters.read();
                Histogram connects;
                Histogram latency;
                long connected;
                Map<ErrorKind, Long> errors;
                try (LoadRun run = LoadRun.start(settings)) {
                    run.awaitConnected();
                    run.startRecording();
                    Thread.sleep(duration);
                    run.stop(Duration.ofSeconds(1));
                    connects = run.connectTime();
                    latency = run.intervalHistogram(null);
                    connected = run.completed();
                    errors = run.errors();
                }
                ListenCounters after = ListenCounters.read();
                ListenCounters delta = before == null || after == null ? null : after.since(before);
                BacklogPoint point = new BacklogPoint(
                        backlog,
                        Environment.somaxconn(),
                        connects.getTotalCount(),
                        connected,
                        errors.get(ErrorKind.UNANSWERED),
                        errors.get(ErrorKind.CONNECT),
                        delta == null ? -1 : delta.overflows(),
                        delta == null ? -1 : delta.drops(),
                        latency,
                        connects);
                points.add(point);
                writeLog(latency, runDir.resolve(BacklogPoint.FOLDER).resolve(BacklogPoint.file(backlog)));
                writeLog(connects, runDir.resolve(BacklogPoint.FOLDER).resolve(BacklogPoint.connectFile(backlog)));
                out.printf(
                        "backlog %5d: %6d answered, connect to response p50 %8.1f ms, p99 %8.1f ms, max %8.1f ms; "
                                + "connect() p99 %6.2f ms;"
                                + " unanswered at the end %d, failed connects %d, ListenOverflows +%d, ListenDrops "
                                + "+%d%n",
                        backlog,
                        connected,
                        latency.getValueAtPercentile(50) / 1e6,
                        latency.getValueAtPercentile(99) / 1e6,
                        latency.getMaxValue() / 1e6,
                        connects.getValueAtPercentile(99) / 1e6,
                        point.unanswered(),
                        point.failedConnects(),
                        point.listenOverflows(),
                        point.listenDrops());
            }
        }
        BacklogPoint.write(points, runDir.resolve(BacklogPoint.CSV));
        return points;
    }

    private static void writeLog(Histogram histogram, Path file) throws IOException {
        try (PrintStream hlog = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter writer = new HistogramLogWriter(hlog);
            writer.outputLogFormatVersion();
            writer.outputLegend();
            writer.outputIntervalHistogram(histogram);
        }
    }
}
