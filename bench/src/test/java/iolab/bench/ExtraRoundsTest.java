package iolab.bench;

import iolab.runfiles.Trial;
import iolab.servers.ServerVariant;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtraRoundsTest {

    private static final Matrix MATRIX = new Matrix(
            "test",
            List.of(new Matrix.Group(
                    List.of(Workload.PLAINTEXT),
                    List.of(ServerVariant.NIO, ServerVariant.POOL),
                    List.of(10, 1_000),
                    Matrix.CLOSED)),
            0,
            1,
            Duration.ofSeconds(1),
            6,
            Duration.ofMinutes(1));

    @Test
    void aStepEndsWhereTheIntervalDropsOneMoreRoundFromEachEnd() {
        assertEquals(3, ExtraRounds.nextStep(6), "6 rounds are min to max; 9 drop the extremes");
        assertEquals(2, ExtraRounds.nextStep(7), "7 and 8 still span min to max");
        assertEquals(3, ExtraRounds.nextStep(9), "12 drop two from each end");
        assertEquals(7, ExtraRounds.nextStep(2));
    }

    @Test
    void theBlocksWithAWideIntervalWantMoreRoundsWidestFirstAndNarrowOnesDoNot() {
        List<Trial> trials = new ArrayList<>();
        // c=10: nio within ±1%, pool ±10%; c=1000: nio ±20%, pool ±1%.
        addRounds(trials, "plaintext_nio_c10_closed", 100, 1);
        addRounds(trials, "plaintext_pool_c10_closed", 100, 10);
        addRounds(trials, "plaintext_nio_c1000_closed", 100, 20);
        addRounds(trials, "plaintext_pool_c1000_closed", 100, 1);
        List<ExtraRounds.Want> wants = ExtraRounds.wanted(MATRIX.blocks(), trials);
        assertEquals(2, wants.size(), wants.toString());
        assertEquals("plaintext_nio_c1000_closed", wants.get(0).widest(), "the widest first");
        assertEquals(1_000, wants.get(0).block().connections());
        assertEquals(
                2,
                wants.get(0).block().configurations().size(),
                "the whole block, so its paired ratios gain the rounds too");
        assertEquals(0.20, wants.get(0).halfWidth(), 1e-9);
        assertEquals(3, wants.get(0).rounds());
        assertEquals("plaintext_pool_c10_closed", wants.get(1).widest());

        List<Trial> narrow = new ArrayList<>();
        for (String id : List.of(
                "plaintext_nio_c10_closed",
                "plaintext_pool_c10_closed",
                "plaintext_nio_c1000_closed",
                "plaintext_pool_c1000_closed")) {
            addRounds(narrow, id, 100, 4);
        }
        assertEquals(List.of(), ExtraRounds.wanted(MATRIX.blocks(), narrow), "within ±5%: precise enough");
    }

    @Test
    void theStepThatBuysTheMostPrecisionForItsTimeGoesFirst() {
        List<Trial> trials = new ArrayList<>();
        addRounds(trials, "plaintext_nio_c10_closed", 100, 10);
        addRounds(trials, "plaintext_pool_c10_closed", 100, 10);
        addRounds(trials, "plaintext_nio_c1000_closed", 100, 20);
        addRounds(trials, "plaintext_pool_c1000_closed", 100, 1);
        // c=1000 is the widest, but its trials took six times as long: c=10's two wide configurations buy more per
        // second.
        Map<String, List<Duration>> times = Map.of(
                "plaintext_nio_c10_closed",
                List.of(Duration.ofSeconds(2)),
                "plaintext_pool_c10_closed",
                List.of(Duration.ofSeconds(2)),
                "plaintext_nio_c1000_closed",
                List.of(Duration.ofSeconds(12)),
                "plaintext_pool_c1000_closed",
                List.of(Duration.ofSeconds(12)));
        List<ExtraRounds.Want> wants = ExtraRounds.wanted(MATRIX.blocks(), trials, times);
        assertEquals(10, wants.get(0).block().connections(), wants.toString());
        assertEquals(
                Duration.ofSeconds(12), ExtraRounds.stepCost(wants.get(0), times), "three rounds of two 2 s trials");
        assertEquals(1_000, wants.get(1).block().connections());
    }

    @Test
    void aStepIsWorthWhatItIsExpectedToNarrow() {
        List<Trial> trials = new ArrayList<>();
        // c=10 had its extra rounds: 15, evenly from -40% to +40% (±23% between the 4th and the 12th). c=1000 has its
        // six, ±3% but for one round 20% low and one 20% high.
        double[] six = {80, 97, 100, 100, 103, 120};
        for (String id : List.of("plaintext_nio_c10_closed", "plaintext_pool_c10_closed")) {
            for (int round = 1; round <= 15; round++) {
                trials.add(trial(id, round, 100 * (1 + 0.4 * (-1 + 2 * (round - 1) / 14.0)), true));
            }
        }
        for (String id : List.of("plaintext_nio_c1000_closed", "plaintext_pool_c1000_closed")) {
            for (int round = 1; round <= six.length; round++) {
                trials.add(trial(id, round, six[round - 1], true));
            }
        }
        Map<String, List<Duration>> times = Map.of(
                "plaintext_nio_c10_closed", List.of(Duration.ofSeconds(2)),
                "plaintext_pool_c10_closed", List.of(Duration.ofSeconds(2)),
                "plaintext_nio_c1000_closed", List.of(Duration.ofSeconds(2)),
                "plaintext_pool_c1000_closed", List.of(Duration.ofSeconds(2)));
        List<ExtraRounds.Want> wants = ExtraRounds.wanted(MATRIX.blocks(), trials, times);
        assertEquals(10, ExtraRounds.wanted(MATRIX.blocks(), trials).get(0).block().connections(), "c=10 is wider");
        assertEquals(
                1_000,
                wants.get(0).block().connections(),
                "but nine rounds leave out c=1000's extremes, and eighteen narrow c=10 little: " + wants);
        assertEquals(0.20, ExtraRounds.expectedHalfWidth(six, 6), 1e-9, "as many rounds as there are: their interval");
        assertEquals(
                0.132, ExtraRounds.expectedHalfWidth(six, 9), 1e-9, "nine: the 2nd and 8th of nine, read off six");
    }

    @Test
    void uncountedAndFailedTrialsDoNotCount() {
        List<Trial> trials = new ArrayList<>();
        addRounds(trials, "plaintext_nio_c10_closed", 100, 2);
        trials.add(trial("plaintext_nio_c10_closed", 0, 1_000.0, true)); // round 0 warms up: uncounted
        trials.add(trial("plaintext_nio_c10_closed", 3, 10.0, true).uncounted()); // a disturbed trial repeated
        trials.add(trial("plaintext_pool_c10_closed", 1, null, true)); // failed
        assertEquals(0.02, ExtraRounds.intervals(trials).get("plaintext_nio_c10_closed").relativeHalfWidth(), 1e-9);
        assertTrue(!ExtraRounds.intervals(trials).containsKey("plaintext_pool_c10_closed"));
    }

    @Test
    void aRoundCostsWhatTheBlocksTrialsTookOnAverage() {
        Matrix.Block block = MATRIX.blocks().get(0);
        Duration cost = ExtraRounds.costPerRound(
                block,
                Map.of(
                        "plaintext_nio_c10_closed",
                        List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)),
                        "plaintext_pool_c10_closed",
                        List.of(Duration.ofSeconds(5))));
        assertEquals(Duration.ofSeconds(8), cost);
    }

    @Test
    void theBudgetIsATimeWithItsUnit() {
        assertEquals(
                Duration.ofSeconds(90),
                Matrix.fromProperties(props("iolab.budget", "90s")).budget());
        assertEquals(
                Duration.ofMinutes(10),
                Matrix.fromProperties(props("iolab.budget", "10")).budget());
        assertEquals(
                Duration.ofHours(1),
                Matrix.fromProperties(props("iolab.budget", "1h")).budget());
        assertEquals(
                Duration.ZERO, Matrix.fromProperties(props("iolab.budget", "0")).budget());
        assertEquals(
                Matrix.QUICK_BUDGET, Matrix.fromProperties(new Properties()).budget());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Matrix.fromProperties(props("iolab.budget", "ten minutes")));
        assertTrue(e.getMessage().contains("budget is a time such as 90s, 10m or 1h"), e.getMessage());
    }

    /** Six rounds of {@code id} whose extremes lie {@code pct} % either side of {@code median}. */
    private static void addRounds(List<Trial> trials, String id, double median, double pct) {
        double[] offsets = {-1, -0.5, 0, 0, 0.5, 1};
        for (int round = 1; round <= offsets.length; round++) {
            trials.add(trial(id, round, median * (1 + offsets[round - 1] * pct / 100), true));
        }
    }

    private static Trial trial(String id, int round, Double score, boolean counted) {
        Trial t = new Trial(
                id,
                round,
                1,
                0,
                true,
                "",
                score,
                0,
                Trial.Cost.NONE,
                Trial.Calibration.NONE,
                score == null ? "failed" : "");
        return counted ? t : t.uncounted();
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
