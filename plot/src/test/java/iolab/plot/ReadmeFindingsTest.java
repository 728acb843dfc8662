package iolab.plot;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's findings are the reference run's, as the plotter writes them: no sentence typed by hand. */
class ReadmeFindingsTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theReadmesFindingsAreTheReferenceRunsOwn() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf(Findings.README_START);
        int end = readme.indexOf(Findings.README_END);
        assertTrue(start >= 0 && end > start, "README.md has the findings block's two marker lines");
        String block = readme.substring(start + Findings.README_START.length(), end).strip();
        ResultsFolder reference = ResultsFolder.read(ROOT.resolve("results/reference"));
        String findings = new Findings(reference, Ratios.all(reference)).markdown().strip();
        assertEquals(
                findings,
                block,
                "README.md's findings differ from results/reference's: draw the run again (java -jar "
                        + "plot/target/iolab-plot.jar results/reference) and copy its findings.md between the markers");
    }

    @Test
    void theReadmeIsReadInFiveMinutes() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int words = readme.split("\\s+").length;
        assertTrue(words <= 2_300, "README.md has " + words + " words; the rest belongs in docs/");
    }
}
