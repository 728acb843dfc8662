package iolab.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers of a run, each started once and kept warm across its rounds (the experiment's first round, not counted,
 * warms them): a round then costs the load, not a server JVM's start and JIT warm-up, and the rounds compare one server
 * process with itself. One process per server and protocol, pinned to the server's core, on this machine or on a server
 * host ({@link ServerMachine}); one that has died is started again, and the log says so.
 */
final class WarmServers implements AutoCloseable {

    /** A server whose descriptors do not settle within this after a trial is noted, and the run goes on. */
    private static final long SETTLE_MILLIS = 10_000;
    /** Descriptors above the idle count that still count as settled: the JVM opens a few of its own now and then. */
    private static final int SETTLE_SLACK = 16;

    /** Quiet: each server used under this share of a core over a window... */
    private static final double QUIET_SHARE = 0.05;
    private static final long QUIET_WINDOW_MILLIS = 50;
    /** ...or this long has passed. */
    private static final Duration QUIET_LIMIT = Duration.ofSeconds(2);

    private record Running(ServerProcess process, long idleDescriptors) {
    }

    private final String runTag;
    private final Path logs;
    private final ServerMachine machine;
    private final Map<String, Running> servers = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();

    WarmServers(String runTag, Path logs, ServerMachine machine) {
        this.runTag = runTag;
        this.logs = logs;
        this.machine = machine;
    }

    /** The running server for {@code c}, started if it is not (or no longer) running. */
    ServerProcess serverFor(Configuration c) throws IOException {
        String key = key(c);
        Running running = servers.get(key);
        if (running != null && running.process.isAlive()) {
            return running.process;
        }
        int n = starts.merge(key, 1, Integer::sum);
        ServerProcess process = machine.start(c.serverArguments(machine.root()), runTag,
                logs.resolve(key + (n == 1 ? "" : "." + n) + ".server.log"));
        servers.put(key, new Running(process, machine.descriptors(process.pid())));
        return process;
    }

    /**
     * Waits (up to a limit) until every server has gone quiet: the previous trial's server may
     * still be closing connections, ending threads or collecting garbage on the server's core,
     * and the next trial, and its calibration, should not pay for that.
     */
    void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + QUIET_LIMIT.toNanos();
        List<ProcStats> before = servers.values().stream().map(r -> machine.stats(r.process.pid())).toList();
        while (System.nanoTime() < deadline) {
            Thread.sleep(QUIET_WINDOW_MILLIS); // one window for all of them: each costs every trial
            List<ProcStats> after = servers.values().stream().map(r -> machine.stats(r.process.pid())).toList();
            boolean quiet = true;
            for (int i = 0; i < before.size() && i < after.size(); i++) {
                ProcStats b = before.get(i), a = after.get(i);
                if (b != null
                        && a != null
                        && a.cpuNanos() - b.cpuNanos() >= QUIET_SHARE * (a.nanoTime() - b.nanoTime())) {
                    quiet = false;
                }
            }
            if (quiet) {
                return;
            }
            before = after;
        }
    }

    /** How many times a server had to be started again after it died; empty when none did. */
    Map<String, Integer> restarts() {
        Map<String, Integer> restarts = new LinkedHashMap<>();
        starts.forEach((key, n) -> {
            if (n > 1) {
                restarts.put(key, n - 1);
            }
        });
        return restarts;
    }

    /**
     * Waits until the server of {@code c} has closed the trial's connections (its descriptors are
     * back near their idle count), so the next trial finds it idle.
     *
     * @return null when it settled, else what it still held
     */
    String settle(Configuration c) throws InterruptedException {
        Running running = servers.get(key(c));
        if (running == null || !running.process.isAlive()) {
            return null;
        }
        long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
        long open;
        while ((open = machine.descriptors(running.process.pid())) > running.idleDescriptors + SETTLE_SLACK) {
            if (System.currentTimeMillis() > deadline) {
                return "the server still held " + open + " descriptors " + SETTLE_MILLIS / 1000
                        + " s after the trial (idle: " + running.idleDescriptors + ")";
            }
            Thread.sleep(20);
        }
        return null;
    }

    /**
     * One server process per {@link Configuration#serverProcess()}: an HTTP server serves every plain HTTP workload, an
     * HTTPS one every HTTPS workload.
     */
    private static String key(Configuration c) {
        return c.serverProcess();
    }

    @Override
    public void close() throws InterruptedException {
        for (Running running : servers.values()) {
            running.process.close();
        }
        servers.clear();
    }
}
