package iolab.clients.udp;

import iolab.clients.Report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What a UDP run prints and writes: its summary as wrk-style lines, and as JSON. */
public final class DatagramReport {

    private DatagramReport() {
    }

    public static void summary(DatagramResult r, PrintStream out) {
        out.println(r.settings().describe());
        out.printf(
                Locale.ROOT,
                "  Latency (ms)   p50 %.3f   p90 %.3f   p99 %.3f   p99.9 %.3f   max %.3f%n",
                r.latencyMillis(50),
                r.latencyMillis(90),
                r.latencyMillis(99),
                r.latencyMillis(99.9),
                r.latencyMillis(100));
        out.printf(
                Locale.ROOT,
                "  %d datagrams sent in %.2fs, %d echoed, %d lost (%.3f%%), %d reordered, %d late (over %d ms)%n",
                r.sent(),
                r.durationSeconds(),
                r.echoed(),
                r.lost(),
                100 * r.lossRatio(),
                r.reordered(),
                r.late(),
                r.settings().timeout().toMillis());
        if (r.duplicated() + r.refused() + r.bad() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  Duplicated %d, refused (ICMP port unreachable) %d, not ours %d%n",
                    r.duplicated(),
                    r.refused(),
                    r.bad());
        }
        if (r.clientDrops() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  Of the lost, %d were dropped by this client's own full receive buffers (%d bytes each)%n",
                    r.clientDrops(),
                    r.receiveBufferBytes());
        }
        out.printf(Locale.ROOT, "Datagrams/sec: %9.2f sent, %9.2f echoed%n", r.sentPerSecond(), r.echoedPerSecond());
        out.printf(
                Locale.ROOT,
                "Send lag (ms, the client's own lateness): p50 %.3f   p99 %.3f   max %.3f%n",
                r.sendLagMillis(50),
                r.sendLagMillis(99),
                r.sendLagMillis(100));
        if (r.clientLate()) {
            out.printf(
                    Locale.ROOT,
                    "Warning: the client's own send lag (p99 %.3f ms) is comparable to the latency it reports"
                            + " (p99 %.3f ms): the client could not keep this rate%n",
                    r.sendLagMillis(99),
                    r.latencyMillis(99));
        }
    }

    /** The UDP run's summary a program can read. */
    public static void writeJson(DatagramResult r, Path file) throws IOException {
        DatagramSettings s = r.settings();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", s.target().toString());
        json.put("workload", "udp echo " + s.size() + " B");
        json.put("sockets", s.sockets());
        json.put("loop", "open");
        json.put("askedRatePerSecond", s.ratePerSecond());
        json.put("arrivals", s.poisson() ? "poisson" : "fixed");
        json.put("warmupSeconds", s.warmup().toMillis() / 1000.0);
        json.put("durationSeconds", r.durationSeconds());
        json.put("sent", r.sent());
        json.put("echoed", r.echoed());
        json.put("lost", r.lost());
        json.put("lossRatio", r.lossRatio());
        json.put("reordered", r.reordered());
        json.put("late", r.late());
        json.put("lateAfterMillis", s.timeout().toMillis());
        json.put("duplicated", r.duplicated());
        json.put("refused", r.refused());
        json.put("bad", r.bad());
        json.put("clientDrops", r.clientDrops());
        json.put("receiveBufferBytes", r.receiveBufferBytes());
        json.put("echoedPerSecond", Report.finite(r.echoedPerSecond()));
        json.put("latencyMillis", Report.percentilesMillis(r.latencyNanos()));
        json.put("sendLagMillis", Report.percentilesMillis(r.sendLagNanos()));
        json.put("clientLate", r.clientLate());
        Report.writeJson(json, file);
    }
}
