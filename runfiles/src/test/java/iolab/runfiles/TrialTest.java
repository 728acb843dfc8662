package iolab.runfiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialTest {

    @Test
    void rowsOfRoundsCsvReadBackAsTheTrialsWritten(@TempDir Path dir) throws Exception {
        Trial scored = new Trial(
                "plaintext_nio_c10_closed",
                3,
                2,
                41,
                true,
                "steal 0.07 cores",
                108523.4,
                800,
                new Trial.Cost(15.0, 151.8, 8.636, 0.956, 0.984, 0.01, 0.505, 0.07),
                new Trial.Calibration(1.016, 1.009),
                "");
        Trial failed = Trial.failed("plaintext_pool_c1000_closed", 3, 1, 42, "no response for 10 s");
        Path file = dir.resolve(Trial.FILE);
        Trial.write(List.of(scored, failed.uncounted()), file);
        List<Trial> read = Trial.read(file);
        assertEquals(scored, read.get(0));
        assertEquals(failed.uncounted(), read.get(1));
        assertFalse(read.get(1).scored());
        assertEquals(Trial.Cost.NONE, read.get(1).cost(), "a failed trial has no figures, not zeros");
    }

    @Test
    void ofTwoAttemptsTheOneTheMachineWasLeftMostToItselfForCounts() {
        Trial first = attempt(1, "other processes used 0.62 cores", 0.62, 0.0, 71_000.0);
        Trial lessDisturbed = attempt(2, "other processes used 0.12 cores", 0.12, 0.0, 99_000.0);
        Trial moreDisturbed = attempt(2, "steal 0.45 cores; other processes used 0.30 cores", 0.30, 0.45, 101_000.0);
        Trial clean = attempt(2, "", 0.02, 0.0, 98_000.0);
        assertTrue(lessDisturbed.replaces(first), "0.12 cores taken against 0.62");
        assertFalse(moreDisturbed.replaces(first), "0.75 cores taken (other, steal) against 0.62, whatever its score");
        assertTrue(clean.replaces(first));
        assertTrue(Trial.failed(first.id(), 3, 2, 50, "no response for 10 s").replaces(first),
                "a failed repeat is not hidden behind a disturbed score");
        Trial unmeasured = new Trial(first.id(), 3, 2, 50, true, "calibration 1.31× on the server's core", 98_000.0,
                0, Trial.Cost.NONE, Trial.Calibration.NONE, "");
        assertTrue(unmeasured.replaces(first), "nothing measured taken counts as nothing taken: the later attempt");
    }

    private static Trial attempt(int attempt, String disturbed, double other, double steal, double score) {
        return new Trial("plaintext_nio_c10_closed", 3, attempt, 40 + attempt, true, disturbed, score, 0,
                new Trial.Cost(15.0, 150.0, 8.6, 0.95, 0.98, other, 0.5, steal), new Trial.Calibration(1.0, 1.0), "");
    }
}
