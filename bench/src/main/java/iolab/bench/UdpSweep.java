package iolab.bench;

import iolab.runfiles.UdpTrial;

import iolab.clients.udp.DatagramLoad;
import iolab.clients.udp.DatagramResult;
import iolab.clients.udp.DatagramSettings;
import iolab.clients.SocketDrops;
import iolab.clients.Target;
import iolab.servers.ServerVariant;
import iolab.servers.datagram.DatagramServers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/**
 * UDP's lesson: each server that echoes datagrams, at rising offered rates on a fixed schedule, in
 * rounds whose order is shuffled (rates, and the servers within each rate), so that a slow spell of
 * the machine falls on every server alike. Every server runs for the whole sweep in its own process
 * on the server's core; each trial opens new client sockets. What each trial measured, with the
 * server's CPU time per datagram, goes to {@code udp.csv}, where the plotter reads it.
 */
final class UdpSweep {

    /** nio-poll is left out: with one socket, poll(2) and epoll(7) have the same one descriptor to watch. */
    static final List<ServerVariant> SERVERS = Arrays.stream(ServerVariant.values())
            .filter(v ->
                    DatagramServers.unsupported(v.model()).isEmpty() && v != ServerVariant.NIO_POLL && !v.httpsOnly())
            .toList();
    /** From well within every server's reach to past the client's own (one sending thread, about 150,000/s here). */
    static final List<Long> RATES = List.of(20_000L, 40_000L, 80_000L, 120_000L, 160_000L);
    static final int ROUNDS = 3;
    static final Duration DURATION = Duration.ofSeconds(2);
    static final int SIZE = 64;
    /** A reply later than this is counted late; the trial waits this long after its last send. */
    static final Duration LATE = Duration.ofMillis(200);
    /**
     * Before the first round each server echoes this long at the lowest rate, so that the rounds measure compiled code.
     */
    static final Duration WARMUP = Duration.ofSeconds(2);

    private UdpSweep() {}

    /**
     * The sweep into {@code runDir}'s {@code udp.csv}: {@code warmup} per server at the lowest rate, then the rounds.
     */
    static List<UdpTrial> run(
            Path runDir,
            String runTag,
            List<ServerVariant> servers,
            List<Long> rates,
            int rounds,
            Duration warmup,
            Duration duration,
            PrintStream out)
            throws IOException, InterruptedException {
        Files.createDirectories(runDir.resolve("logs"));
        Map<ServerVariant, ServerProcess> running = new LinkedHashMap<>();
        List<UdpTrial> trials = new ArrayList<>();
        try {
            for (ServerVariant server : servers) {
                if (server.unavailable().isPresent()) {
                    out.println("udp: " + server + " is skipped: " + server.unavailable().get());
                    continue;
                }
                ServerProcess process = ServerProcess.start(
                        arguments(server), runTag, runDir.resolve("logs").resolve("udp-" + server + ".log"));
                running.put(server, process);
                DatagramLoad.run(settings(process, rates.getFirst(), warmup), null, null);
            }
            Random random = new Random(rounds * 31L + rates.size());
            for (int round = 1; round <= rounds; round++) {
                List<Long> order = new ArrayList<>(rates);
                Collections.shuffle(order, random);
                for (long rate : order) {
                    List<ServerVariant> within = new ArrayList<>(running.keySet());
                    Collections.shuffle(within, random);
                    for (ServerVariant server : within) {
                        trials.add(trial(server, running.get(server), rate, round, duration, out));
                    }
                }
            }
        } finally {
            for (ServerProcess process : running.values()) {
                process.close();
            }
        }
        UdpTrial.write(trials, runDir.resolve(UdpTrial.CSV));
        return trials;
    }

    private static UdpTrial trial(
            ServerVariant server, ServerProcess process, long rate, int round, Duration duration, PrintStream out)
            throws IOException, InterruptedException {
        List<Integer> port = List.of(
                Target.parse(process.address()).address() instanceof java.net.InetSocketAddress a ? a.getPort() : -1);
        OptionalLong dropsBefore = SocketDrops.of(port);
        ProcStats before = ProcStats.of(process.pid());
        DatagramResult r = DatagramLoad.run(settings(process, rate, duration), null, null);
        ProcStats after = ProcStats.of(process.pid());
        OptionalLong dropsAfter = SocketDrops.of(port);
        long serverDrops = dropsBefore.isPresent() && dropsAfter.isPresent()
                ? dropsAfter.getAsLong() - dropsBefore.getAsLong()
                : -1;
        double cpuMicros = before == null || after == null || r.echoed() == 0
                ? Double.NaN
                : (after.cpuNanos() - before.cpuNanos()) / 1e3 / r.echoed();
        out.printf(
                "udp round %d %-14s %,8d/s offered: %,8.0f/s echoed, lost %6.3f%% (dropped at the server %d, at the "
                        + "client %d), reordered %d, late %d, p99 %8.2f ms, server CPU %5.1f µs/datagram%s%n",
                round,
                server,
                rate,
                r.echoedPerSecond(),
                100 * r.lossRatio(),
                serverDrops,
                r.clientDrops(),
                r.reordered(),
                r.late(),
                r.latencyMillis(99),
                cpuMicros,
                r.clientLate() ? " (client-bound)" : "");
        return new UdpTrial(
                server.label(),
                rate,
                round,
                r.sent(),
                r.echoed(),
                r.lost(),
                r.reordered(),
                r.late(),
                r.latencyMillis(50),
                r.latencyMillis(99),
                r.latencyMillis(100),
                r.sendLagMillis(99),
                r.clientLate(),
                cpuMicros,
                serverDrops,
                r.clientDrops());
    }

    /** The server's command line as the experiment starts every server: loopback, an ephemeral port, one loop. */
    static List<String> arguments(ServerVariant server) {
        List<String> args = new ArrayList<>(List.of("echo", "--udp"));
        args.addAll(server.arguments(false));
        if (server.model().hasEventLoops()) {
            args.addAll(List.of("--loops", "1"));
        }
        args.addAll(List.of("--bind", "127.0.0.1", "--port", "0"));
        return args;
    }

    private static DatagramSettings settings(ServerProcess process, long rate, Duration duration) {
        return new DatagramSettings(
                Target.parse(process.address()), 1, SIZE, rate, false, Duration.ZERO, duration, LATE);
    }
}
