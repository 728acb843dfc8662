package iolab.plot;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PageTest {

    @Test
    void aTemplatesPlacesAreFilledAndAPlaceLeftEmptyOrAValueWithNoPlaceIsAnError() {
        String stability = Page.fill("stability.html", Map.of(
                "trials", "10", "disturbed", "1", "disturbedAndCounted", "0", "failed", "0", "serverCore", "a",
                "clientCore", "b", "otherCores", "c", "stealCores", "d", "irqCores", "e", "rule", "<rule>"));
        assertTrue(stability.contains("10 trials, 1 of them disturbed") && !stability.contains("{{"), stability);
        assertThrows(IllegalArgumentException.class, () -> Page.fill("stability.html", Map.of("trials", "10")));
        assertThrows(IllegalArgumentException.class, () -> Page.fill("capacity.html", Map.of("rows", "", "extra", "")));
    }

    @Test
    void theMethodTextIsTheDocsOwnRenderedAndStatesTheClientBoundRuleTheRowsApply() {
        String method = Page.method().replaceAll("\\s+", " ");
        assertTrue(method.startsWith("<p>What every figure of a run means"), "its own heading gives way to the page's");
        String busy =
                String.format(Locale.ROOT, "at least %.1f of its core, and %.2f more", Row.BUSY_CORES, Row.BUSIER_BY);
        assertTrue(method.contains(busy), "the client-bound rule: " + busy);
        assertTrue(method.contains("<strong>Rounds.</strong>"), "Markdown is rendered, not shown raw");
    }
}
