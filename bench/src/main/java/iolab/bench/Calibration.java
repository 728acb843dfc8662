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
     * The run's reference on each core: the lower quartile of the timings at the run's start and before each trial of
     * its round 0. Not the start's alone: a neighbour busy for those few hundred milliseconds set the reference 35-40%
     * high (issue 21's runs 12 and 16: 20.0 and 19.4 ms, against 14.0-14.3 ms quiet), and a trial was then never
     * slow enough against it to be disturbed. Round 0's trials spread the timings over a minute; their lower quartile
     * is the core left to itself (quiet: 13.6-14.2 ms, beside the neighbour: 14.6-14.7), which their median, with a
     * neighbour busy half the time, is not (up to 16.6 ms).
     */
    static final class Reference {

        private final List<double[]> timings = new ArrayList<>();

        /** One timing of every core, as {@link #millisOn} gives it. */
        void add(double[] millis) {
            timings.add(millis.clone());
        }

        /** Each core's reference in ms: the lower quartile of its timings so far; NaN before the first. */
        double[] millis() {
            int cores = timings.isEmpty() ? 0 : timings.get(0).length;
            double[] reference = new double[cores];
            for (int core = 0; core < cores; core++) {
                int c = core;
                double[] sorted = timings.stream().mapToDouble(t -> t[c]).filter(d -> !Double.isNaN(d)).sorted()
                        .toArray();
                reference[core] = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 4];
            }
            return reference;
        }
    }

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
