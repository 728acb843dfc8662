package iolab.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/method.md, the text the report shows, states the experiment's rules as the code applies them. */
class MethodTextTest {

    @Test
    void theMethodTextGivesTheRulesTheBudgetAndTheTargetTheExperimentUses() throws Exception {
        String method = Files.readString(Path.of("..", "docs", "method.md")).replaceAll("\\s+", " ");
        for (String rule : new String[] {
            String.format(Locale.ROOT, "more than %.2f× slower", TrialRunner.SLOW_CORE),
            String.format(
                    Locale.ROOT,
                    "other processes and steal took more than %.2f cores together",
                    TrialRunner.TAKEN_CORES),
            String.format(
                    Locale.ROOT,
                    "more than %.0f%% of its trials were disturbed, or other processes and steal took a median of more "
                            + "than %.2f cores",
                    100 * TrialRunner.BUSY_DISTURBED_SHARE,
                    TrialRunner.BUSY_TAKEN_CORES),
            "(" + word(Experiment.ATTEMPTS) + " attempts at most",
            "at the " + word(CapacityRounds.LATER_MAX_PROBES) + " probes per server a later round takes at most",
            String.format(Locale.ROOT, "±%.0f%% of its median", 100 * ExtraRounds.TARGET_HALF_WIDTH),
            String.format(Locale.ROOT, "%d s for the quick matrix's rounds", Matrix.QUICK_BUDGET.toSeconds()),
            String.format(Locale.ROOT, "a warm-up iteration of %s s", Matrix.WARMUP_ITERATION.toMillis() / 1000.0),
            String.format(Locale.ROOT, "at its largest connection count, for %d s", Matrix.WARM_UP_ROUND_ITERATIONS),
            String.format(
                    Locale.ROOT,
                    "its last second beat the one before by more than %.0f%%",
                    100 * (Experiment.STILL_RISING - 1)),
            word(Experiment.WARM_UP_ATTEMPTS) + " such trials at most",
            String.format(
                    Locale.ROOT,
                    "one measurement iteration of %s s in the quick matrix",
                    Matrix.QUICK_ITERATION.toMillis() / 1000.0),
            String.format(
                    Locale.ROOT,
                    "with a %.0f%% step and stop after %d probes",
                    100 * (CapacityRounds.LATER_STEP - 1),
                    CapacityRounds.LATER_MAX_PROBES)
        }) {
            assertTrue(method.contains(rule), "docs/method.md says: " + rule);
        }
    }

    private static String word(int n) {
        return List.of("one", "two", "three", "four", "five", "six").get(n - 1);
    }
}
