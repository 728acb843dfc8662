package iolab.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Given timings on a clock of its own, not the machine's: what the wait does is behaviour, not speed. */
class QuietCoresTest {

    private static final Duration TIMING = Duration.ofMillis(70);

    /** The timings a test hands out, in order (the last one again once they run out), each taking {@link #TIMING}. */
    private static final class Machine {
        long nanos;
        final ArrayDeque<double[]> timings;

        Machine(List<double[]> timings) {
            this.timings = new ArrayDeque<>(timings);
        }

        double[] time() {
            nanos += TIMING.toNanos();
            return timings.size() > 1 ? timings.poll() : timings.peek();
        }

        QuietCores quietCores(Duration inAll) {
            return new QuietCores(this::time, inAll, d -> nanos += d.toNanos(), () -> nanos);
        }
    }

    @Test
    void quietCoresStartTheTrialAtOnce() throws InterruptedException {
        Machine machine = new Machine(List.of(new double[] {1.02, 0.99}));
        QuietCores quiet = machine.quietCores(Duration.ofSeconds(60));
        QuietCores.Reading reading = quiet.await();
        assertEquals(1.02, reading.serverCore());
        assertEquals(Duration.ZERO, reading.waited());
        assertEquals(0, quiet.trialsThatWaited());
        assertEquals(Duration.ZERO, quiet.waited());
        assertEquals(0, quiet.startedBusy());
    }

    @Test
    void aBusyCoreIsTimedAgainUntilItIsLetGo() throws InterruptedException {
        Machine machine = new Machine(
                List.of(new double[] {1.00, 1.40}, new double[] {1.30, 1.00}, new double[] {1.05, 1.01}));
        QuietCores quiet = machine.quietCores(Duration.ofSeconds(60));
        QuietCores.Reading reading = quiet.await();
        assertFalse(reading.busy());
        assertEquals(1.05, reading.serverCore(), "the trial is judged by the timing it started after");
        assertEquals(Duration.ofMillis(100 + 70 + 100 + 70), reading.waited(), "two pauses and two timings more");
        assertEquals(1, quiet.trialsThatWaited());
        assertEquals(reading.waited(), quiet.waited());
        assertEquals(0, quiet.startedBusy());
    }

    @Test
    void aTrialWaitsAtMostItsSecondThenStartsBusy() throws InterruptedException {
        Machine machine = new Machine(List.of(new double[] {1.50, 1.00}));
        QuietCores quiet = machine.quietCores(Duration.ofSeconds(60));
        QuietCores.Reading reading = quiet.await();
        assertTrue(reading.busy());
        assertTrue(reading.waited().compareTo(QuietCores.PER_TRIAL.plus(TIMING)) <= 0, reading.waited().toString());
        assertTrue(reading.waited().compareTo(QuietCores.PER_TRIAL.minus(QuietCores.PAUSE.plus(TIMING))) > 0);
        assertEquals(1, quiet.startedBusy());
    }

    @Test
    void whenTheRunHasWaitedItsShareTrialsStartWithoutWaiting() throws InterruptedException {
        Machine machine = new Machine(List.of(new double[] {1.50, 1.50}));
        QuietCores quiet = machine.quietCores(Duration.ofMillis(1_500));
        quiet.await();
        quiet.await();
        Duration spent = quiet.waited();
        assertTrue(spent.compareTo(Duration.ofMillis(1_500).plus(QuietCores.PER_TRIAL)) <= 0, spent.toString());
        long before = machine.nanos;
        QuietCores.Reading third = quiet.await();
        assertEquals(TIMING.toNanos(), machine.nanos - before, "one timing, no wait");
        assertEquals(Duration.ZERO, third.waited());
        assertEquals(3, quiet.startedBusy());
        assertEquals(spent, quiet.waited());
    }
}
