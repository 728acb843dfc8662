package iolab.bench;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Before a trial, the calibration loop on both cores, timed again while either is more than {@link #BUSY}× slower than
 * its reference: a trial then starts once steal or another process has let go of the cores, instead of being measured
 * under them, flagged disturbed and measured again a round later. Bounded twice: a trial waits at most
 * {@link #PER_TRIAL}, and the run at most the time it was given in all, so that a machine that is never quiet costs a
 * known share of the budget; its trials start anyway and the disturbance rule judges them as before.
 *
 * <p>Why 1.10: quiet runs here time the loop within 1.07× of the reference (p90 1.02×), and a neighbour that takes 0.2
 * of the machine, the level above which it costs throughput (0.90× of the undisturbed median at 0.2-0.3 cores), slows
 * it by 1.10-1.20×.
 */
final class QuietCores {

    static final double BUSY = 1.10;
    static final Duration PER_TRIAL = Duration.ofSeconds(1);
    /** Between two timings: long enough for a scheduler's slice to pass, short against a trial. */
    static final Duration PAUSE = Duration.ofMillis(100);

    /**
     * What the last timing found, each core's slowdown, and how much later than its first timing the trial starts.
     */
    record Reading(double serverCore, double clientCore, Duration waited) {

        boolean busy() {
            return QuietCores.busy(new double[] {serverCore, clientCore});
        }
    }

    /** A pause of the given length: {@link Thread#sleep(Duration)}, or a test's clock moved on. */
    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    private final Supplier<double[]> slowdowns;
    private final Pause pause;
    private final LongSupplier nanoClock;
    private final long allowedNanos;
    private long waitedNanos;
    private int trialsThatWaited;
    private int startedBusy;

    /**
     * @param slowdowns each core's calibration time over its reference: server's core first, the client's second
     * @param inAll how long the run's trials may wait altogether
     */
    QuietCores(Supplier<double[]> slowdowns, Duration inAll, Pause pause, LongSupplier nanoClock) {
        this.slowdowns = slowdowns;
        this.allowedNanos = inAll.toNanos();
        this.pause = pause;
        this.nanoClock = nanoClock;
    }

    /** Times the cores, and again after a pause while either is busy and there is time left to wait. */
    Reading await() throws InterruptedException {
        double[] s = slowdowns.get();
        long start = nanoClock.getAsLong();
        while (busy(s)) {
            long waited = nanoClock.getAsLong() - start;
            if (waited + PAUSE.toNanos() > PER_TRIAL.toNanos() || waitedNanos + waited >= allowedNanos) {
                break;
            }
            pause.pause(PAUSE);
            s = slowdowns.get();
        }
        long waited = nanoClock.getAsLong() - start;
        if (waited > 0) {
            trialsThatWaited++;
            waitedNanos += waited;
        }
        if (busy(s)) {
            startedBusy++;
        }
        return new Reading(s[0], s[1], Duration.ofNanos(waited));
    }

    private static boolean busy(double[] slowdowns) {
        return slowdowns[0] > BUSY || slowdowns[1] > BUSY;
    }

    /** How long the run's trials waited in all. */
    Duration waited() {
        return Duration.ofNanos(waitedNanos);
    }

    int trialsThatWaited() {
        return trialsThatWaited;
    }

    /** Trials that started with a core still busy: their wait, or the run's, ran out. */
    int startedBusy() {
        return startedBusy;
    }
}
