package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed CPU loop timed on one core: how fast that core is for this guest right now. On a
 * shared VM the same loop swings by ±20% from one second to the next; timed before every
 * trial and compared with the run's own reference, it shows which trials ran on a slowed
 * machine.
 */
final class Calibration {

    /** About 10 ms of work here: short enough to run before every trial, long enough to span a scheduler tick. */
    private static final int STEPS = 8_000_000;
    private static final int REPEATS = 5;
    private static volatile long sink;

    private Calibration() {}

    /**
     * The median time in ms of the loop on {@code core} (the thread pinned there when {@code taskset} is), out of a few
     * repeats.
     */
    static double millisOn(int core) {
        AtomicReference<Double> result = new AtomicReference<>(Double.NaN);
        Thread thread = Thread.ofPlatform().name("calibration-" + core).start(() -> {
            pinThisThread(core);
            double[] times = new double[REPEATS];
            for (int i = 0; i < REPEATS; i++) {
                long start = System.nanoTime();
                sink += work(STEPS, start);
                times[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(times);
            result.set(times[REPEATS / 2]);
        });
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result.get();
    }

    /** A xorshift walk whose result depends on every step, so the JIT can neither drop nor shorten it. */
    static long work(int steps, long seed) {
        long x = seed | 1;
        long sum = 0;
        for (int i = 0; i < steps; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sum += x;
        }
        return sum;
    }

    private static void pinThisThread(int core) {
        if (!Pinning.available()) {
            return;
        }
        try {
            // "/proc/thread-self" links to "<pid>/task/<tid>": taskset pins that one thread.
            String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            new ProcessBuilder(Pinning.taskset(), "-p", "-c", String.valueOf(core), tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            // unpinned: the figure is then the machine's, not the core's
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
