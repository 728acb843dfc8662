package iolab.plot;

import iolab.runfiles.Trial;
import iolab.runfiles.ConfigurationId;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A results folder as the experiment writes one: rounds.csv with five rounds per configuration,
 * histograms recorded here, the per-configuration summaries and environment.json.
 */
final class SampleResults {

    static final List<String> SERVERS = List.of("pool", "virtual", "nio");
    static final List<Integer> CONNECTIONS = List.of(10, 100, 1000);
    static final List<String> WORKLOADS = List.of("plaintext", "delay-10ms");
    /** Five rounds per configuration: the score times these, so the median is the score and the interval its range. */
    static final int ROUNDS = 5;
    static final double[] SPREAD = {1.01, 0.97, 1.0, 1.03, 0.99};

    private SampleResults() {
    }

    static void write(Path dir) throws IOException {
        write(dir, server -> 1.0);
    }

    /** The same run with each server's scores multiplied by {@code factor}: a second run to compare with the first. */
    static void write(Path dir, java.util.function.ToDoubleFunction<String> factor) throws IOException {
        write(dir, factor, WORKLOADS);
    }

    /**
     * The sample with {@code workloads}; one named {@code ...-tls} is HTTPS and costs the server 2.5 times the CPU per
     * response.
     */
    static void write(Path dir, java.util.function.ToDoubleFunction<String> factor, List<String> workloads)
            throws IOException {
        Files.createDirectories(dir);
        List<Trial> rounds = new ArrayList<>();
        List<String> configurations = new ArrayList<>();
        Random random = new Random(42);
        for (String workload : workloads) {
            for (String server : SERVERS) {
                for (int c : CONNECTIONS) {
                    double score = workload.equals("plaintext") ? 50_000 + 20 * c : Math.min(c, 200) / 0.0105;
                    add(
                            dir,
                            rounds,
                            configurations,
                            workload,
                            server,
                            c,
                            0,
                            score * factor.applyAsDouble(server),
                            random);
                }
            }
        }
        for (String server : List.of("virtual", "nio")) {
            for (double fraction : List.of(0.25, 0.5, 0.9)) {
                add(
                        dir,
                        rounds,
                        configurations,
                        "delay-10ms",
                        server,
                        1000,
                        Math.round(19_000 * fraction),
                        19_000 * fraction,
                        random);
            }
        }
        Trial.write(rounds, dir.resolve(Trial.FILE));
        Files.writeString(dir.resolve("failures.json"), "[]");
        Files.writeString(dir.resolve("environment.json"), """
                {
                  "runId": "20261125-060000",
                  "date": "2026-11-25T06:00:00Z",
                  "matrix": "quick",
                  "jdk": {"java.version": "25.0.3", "java.vendor": "Eclipse Adoptium"},
                  "os": {"name": "Linux", "kernel": "6.1.0"},
                  "machine": {"cpuModel": "Test CPU @ 2.0GHz", "cores": 2, "openFilesLimit": "20000 20000 files"},
                  "git": {"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": false},
                  "selectorProvider": "sun.nio.ch.EPollSelectorProvider",
                  "pinning": {"pinned": true, "how": "server on core 0, client on core 1 (taskset)"},
                  "servers": [
                    {"label": "thread-per-connection", "inServiceLimit": 0}, {"label": "pool", "inServiceLimit": 200},
                    {"label": "virtual", "inServiceLimit": 0}, {"label": "nio", "inServiceLimit": 200},
                    {"label": "netty-epoll", "inServiceLimit": 0}],
                  "yardsticks": ["netty-epoll", "nio", "virtual", "pool", "thread-per-connection"],
                  "workloads": [{"label": "plaintext", "delayMillis": 0}, {"label": "echo-64", "delayMillis": 0},
                    {"label": "delay-10ms", "delayMillis": 10},
                    {"label": "plaintext-tls", "delayMillis": 0, "tls": true}],
                  "configurations": [%s]
                }
                """.formatted(String.join(", ", configurations)));
    }

    /** One configuration of the sample, nio at 10 connections, had a busy client and an idle-ish server. */
    static boolean clientBound(String server, int connections, long rate) {
        return server.equals("nio") && connections == 10 && rate == 0;
    }

    private static void add(Path dir, List<Trial> rounds, List<String> configurations, String workload, String server,
                            int connections, long rate, double score, Random random) throws IOException {
        ConfigurationId key = new ConfigurationId(workload, server, connections, rate);
        String id = key.toString();
        Files.createDirectories(dir.resolve(ConfigurationId.FOLDER));
        configurations.add("{\"id\": \"" + id + "\"}");
        boolean bound = clientBound(server, connections, rate);
        for (int round = 1; round <= ROUNDS; round++) {
            Trial.Cost cost = new Trial.Cost(
                    (double)
                            (server.equals("nio")
                                    ? 15
                                    : 14 + Math.min(connections, server.equals("pool") ? 200 : connections)),
                    80.0 + connections / 10.0,
                    (workload.contains("-tls") ? 25 : 10) + random.nextDouble(),
                    bound ? 0.62 : 0.97,
                    bound ? 0.99 : 0.71,
                    0.01,
                    0.5,
                    0.0);
            rounds.add(new Trial(
                    id,
                    round,
                    1,
                    rounds.size() + 1,
                    true,
                    "",
                    score * SPREAD[round - 1],
                    0,
                    cost,
                    new Trial.Calibration(1.0, 1.0),
                    ""));
        }
        Histogram h = new Histogram(3);
        long base = workload.equals("plaintext") ? 200_000 : 10_500_000;
        PrintStream out = new PrintStream(Files.newOutputStream(key.file(dir, ".hlog")), false, StandardCharsets.UTF_8);
        HistogramLogWriter log = new HistogramLogWriter(out);
        log.outputLogFormatVersion();
        log.outputStartTime(0);
        log.outputLegend();
        for (int interval = 0; interval < 3; interval++) {
            h.reset();
            h.setStartTimeStamp(interval * 1000L);
            h.setEndTimeStamp(interval * 1000L + 1000);
            for (int i = 0; i < 20_000; i++) {
                h.recordValue(base + (long) (base * -Math.log(1 - random.nextDouble()) * connections / 1000.0));
            }
            log.outputIntervalHistogram(h);
        }
        out.close();
        Files.writeString(key.file(dir, ".json"), String.format(Locale.ROOT,
                "{\"latencyMillis\": {\"p50\": %f, \"p90\": %f, \"p99\": %f, \"p99.9\": %f, \"max\": %f}}",
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6));
    }
}
