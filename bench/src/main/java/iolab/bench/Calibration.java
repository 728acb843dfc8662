package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed CPU loop timed on each core: how fast the cores are for this guest right now. On a
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
     * The median time in ms of the loop on each of {@code cores} (a thread pinned to each when {@code taskset} is), out
     * of a few repeats, timed on all of them at once: a trial uses both cores together, and the time is half that of
     * one after the other (measured here: 14.0 ms alone, 14.0 ms on both at once).
     */
    static double[] millisOn(int... cores) {
        double[] medians = new double[cores.length];
        Arrays.fill(medians, Double.NaN);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < cores.length; i++) {
            int slot = i;
            threads.add(Thread.ofPlatform().name("calibration-" + cores[i]).start(() -> {
                pinThisThread(cores[slot]);
                double[] times = new double[REPEATS];
                long seed = System.nanoTime();
                for (int r = 0; r < REPEATS; r++) {
                    long start = System.nanoTime();
                    seed += work(STEPS, start);
                    times[r] = (System.nanoTime() - start) / 1e6;
                }
                sink += seed;
                Arrays.sort(times);
                medians[slot] = times[REPEATS / 2];
            }));
        }
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return medians;
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
