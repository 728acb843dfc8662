package iolab.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Samples the server's {@code /proc} figures ten times a second, next to the client's count
 * of responses at the same instant, into a CSV file; {@link ServerBenchmark} reports each
 * iteration's figures from it ({@link TrialFigures}).
 */
final class CostSampler implements AutoCloseable {

    private static final long PERIOD_MILLIS = 100;

    /** One sample: the server's figures, the client's (this process), and the responses counted by then. */
    record Sample(ProcStats stats, ProcStats client, CpuTimes machine, long completed) {
    }

    /**
     * The current iteration's cost so far. {@code serverCores} and {@code clientCores}: CPU time
     * over wall time, so 1.0 is one core kept busy; pinned to a core each, whichever side is
     * near 1.0 while the other is not was the bottleneck. {@code otherCores}: what every other
     * process on the machine used meanwhile; {@code irqCores} and {@code stealCores}: interrupt
     * handling and the hypervisor's steal, from {@link CpuTimes}. NaN where {@code /proc/stat} is
     * not there.
     */
    record Cost(int threads, double rssMiB, double cpuMicrosPerRequest, double serverCores, double clientCores,
                double otherCores, double irqCores, double stealCores) {
    }

    private static final long CLIENT_PID = ProcessHandle.current().pid();

    private final long pid;
    private final LongSupplier completed;
    private final PrintStream csv;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile Sample iterationStart;
    private volatile String phase = "warmup";

    CostSampler(long pid, LongSupplier completed, Path csvFile) throws IOException {
        this.pid = pid;
        this.completed = completed;
        this.csv = new PrintStream(Files.newOutputStream(csvFile), false, StandardCharsets.UTF_8);
        csv.println("seconds,phase,threads,rss_kib,cpu_ms,responses");
        iterationStart = sample();
        thread = Thread.ofPlatform().daemon().name("cost-sampler").start(this::loop);
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(PERIOD_MILLIS);
                Sample sample = sample();
                if (sample.stats() == null) {
                    return; // the server has gone
                }
                csv.printf(
                        Locale.ROOT,
                        "%.3f,%s,%d,%d,%.1f,%d%n",
                        (sample.stats().nanoTime() - startNanos) / 1e9,
                        phase,
                        sample.stats().threads(),
                        sample.stats().rssKiB(),
                        sample.stats().cpuNanos() / 1e6,
                        sample.completed());
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private Sample sample() {
        long responses = completed.getAsLong();
        return new Sample(ProcStats.of(pid), ProcStats.of(CLIENT_PID), CpuTimes.now(), responses);
    }

    /** The next samples belong to a new iteration of {@code phase} ("warmup" or "measurement"). */
    void startIteration(String phase) {
        this.phase = phase;
        Sample now = sample();
        if (now.stats() != null) {
            iterationStart = now;
        }
    }

    /** The current iteration's cost so far; null when the server has gone. */
    Cost iterationCost() {
        Sample start = iterationStart;
        Sample end = sample(); // now, at the end of the iteration
        if (end.stats() == null || start.stats() == null) {
            return null;
        }
        long responses = end.completed() - start.completed();
        double cpuMicros = (end.stats().cpuNanos() - start.stats().cpuNanos()) / 1e3;
        double wallMicros = Math.max(1, (end.stats().nanoTime() - start.stats().nanoTime()) / 1e3);
        double clientCores = start.client() == null || end.client() == null ? Double.NaN
                : (end.client().cpuNanos() - start.client().cpuNanos()) / 1e3 / wallMicros;
        double serverCores = cpuMicros / wallMicros;
        double otherCores = Double.NaN, irqCores = Double.NaN, stealCores = Double.NaN;
        if (start.machine() != null && end.machine() != null) {
            double machineWallMicros = Math.max(1, (end.machine().nanoTime() - start.machine().nanoTime()) / 1e3);
            double busyCores = (end.machine().busyNanos() - start.machine().busyNanos()) / 1e3 / machineWallMicros;
            otherCores = Math.max(0, busyCores - serverCores - (Double.isNaN(clientCores) ? 0 : clientCores));
            irqCores = (end.machine().irqNanos() - start.machine().irqNanos()) / 1e3 / machineWallMicros;
            stealCores = (end.machine().stealNanos() - start.machine().stealNanos()) / 1e3 / machineWallMicros;
        }
        return new Cost(end.stats().threads(), end.stats().rssKiB() / 1024.0, responses > 0 ? cpuMicros / responses : 0,
                serverCores, clientCores, otherCores, irqCores, stealCores);
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
        csv.close();
    }
}
