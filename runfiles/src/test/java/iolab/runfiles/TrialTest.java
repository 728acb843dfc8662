package iolab.runfiles;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
}
