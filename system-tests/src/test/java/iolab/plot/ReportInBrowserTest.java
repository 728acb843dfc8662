package iolab.plot;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report as a real browser draws it: headless Chromium loads it with no console message, its tables sort, every
 * local link of its pages resolves, and a screenshot shows its charts.
 */
class ReportInBrowserTest {

    private static final Pattern LINK = Pattern.compile("(?<![a-z])(?:href|src)=\"([^\"]+)\"");

    @TempDir
    Path dir;

    private Path chromium() throws Exception {
        Optional<Path> chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(
                                System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                        .map(d -> Path.of(d, name)))
                .filter(Files::isExecutable)
                .findFirst();
        Assumptions.assumeTrue(
                chromium.isPresent(),
                "no chromium on the PATH: the report was not checked in a browser (apt-get install chromium, or run "
                        + "plot/check-report.sh)");
        SampleResults.write(dir);
        Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        return chromium.get();
    }

    @Test
    void theReportLoadsWithoutAConsoleMessageAndItsTablesSort() throws Exception {
        Path chromium = chromium();
        for (String page : List.of("report.html#selftest", "percentiles.html", "method.html")) {
            Path dom = dir.resolve("dom.html");
            Path log = dir.resolve("console.log");
            Process p = new ProcessBuilder(
                            chromium.toString(),
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--enable-logging=stderr",
                            "--v=0",
                            "--virtual-time-budget=5000",
                            "--dump-dom",
                            dir.toUri() + page)
                    .redirectOutput(dom.toFile())
                    .redirectError(log.toFile())
                    .start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
            assertEquals(0, p.exitValue(), Files.readString(log));
            // Chromium logs every console message of the page, an uncaught error or a file that failed to load too.
            List<String> console =
                    Files.readAllLines(log).stream().filter(l -> l.contains(":CONSOLE")).toList();
            assertEquals(List.of(), console, page + " wrote to the console");
            if (page.startsWith("report.html")) {
                assertTrue(
                        Files.readString(dom).contains("data-selftest=\"sorted\""),
                        "sorting the numbers table by req/s put its rows in order both ways");
            }
        }
    }

    @Test
    void everyLocalLinkOfThePagesResolves() throws Exception {
        SampleResults.write(dir);
        Plot.render(dir, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        int links = 0;
        for (String page : List.of("report.html", "percentiles.html", "method.html")) {
            String html = Files.readString(dir.resolve(page));
            Matcher m = LINK.matcher(html);
            while (m.find()) {
                String target = m.group(1).replace("&amp;", "&");
                if (target.startsWith("#")) {
                    assertTrue(html.contains("id=\"" + target.substring(1) + "\"")
                                    || html.contains("name=\"" + target.substring(1) + "\""),
                            page + ": no anchor " + target);
                } else if (!target.matches("^[a-z]+:.*")) {
                    Path file = dir.resolve(target.replaceFirst("#.*", ""));
                    assertTrue(Files.exists(file), page + " links " + target + ", which is not there");
                }
                links++;
            }
        }
        assertTrue(links > 20, "the pages link their charts, files and each other: " + links);
    }

    @Test
    void chromiumRendersTheReportWithItsCharts() throws Exception {
        Optional<Path> chromium = Optional.of(chromium());

        Path screenshot = dir.resolve("screenshot.png");
        Process p = new ProcessBuilder(
                        chromium.get().toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--hide-scrollbars",
                        "--window-size=1280,2400",
                        "--screenshot=" + screenshot,
                        dir.resolve("report.html").toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("chromium.log").toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));

        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1280, image.getWidth());
        // The first charts are on screen only if the browser loaded the PNGs: their line colours show up.
        Styles styles = new Styles(ResultsFolder.read(dir).catalog());
        for (String server : List.of("nio", "virtual", "pool")) {
            assertTrue(
                    count(image, styles.color(server).getRGB()) > 50, server + "'s colour is drawn in the screenshot");
        }
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }
}
