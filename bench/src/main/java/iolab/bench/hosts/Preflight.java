package iolab.bench.hosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every host of a run must pass before anything starts: ssh reaches it without a prompt, its JDK has the
 * controller's major version, and its clock can be read to within {@link #MOST_UNCERTAINTY_MILLIS}, so that the load
 * hosts' intervals can be lined up (its offset is measured, then corrected). The first host that fails is refused in
 * one line.
 */
public final class Preflight {

    /** A clock read less precisely than this cannot place an interval in its second of the schedule. */
    public static final long MOST_UNCERTAINTY_MILLIS = 50;

    private static final int CLOCK_SAMPLES = 7;
    private static final Pattern JAVA_VERSION = Pattern.compile("version \"(\\d+)");

    /**
     * A host that passed.
     *
     * @param offsetMillis its clock minus the controller's, from the sample with the shortest round trip
     * @param uncertaintyMillis half that round trip: the offset is known to within it
     */
    public record Checked(Host host, int javaMajor, long offsetMillis, long uncertaintyMillis) {
    }

    /** Why a host is refused: one line, naming the host. */
    public static final class Refused extends Exception {
        Refused(Host host, String why) {
            super(host.named() + ": " + why);
        }
    }

    private Preflight() {
    }

    public static List<Checked> check(List<Host> hosts) throws Refused, IOException, InterruptedException {
        List<Checked> checked = new ArrayList<>();
        for (Host named : hosts) {
            Host host = named.java().isEmpty() ? named.withJava(javaThere(named)) : named;
            String java = host.run(host.java() + " -version 2>&1 | head -1");
            Matcher m = JAVA_VERSION.matcher(java);
            if (!m.find()) {
                throw new Refused(
                        host, "no JDK at '" + host.java() + "' (" + java.strip() + "): name one with java=PATH");
            }
            int major = Integer.parseInt(m.group(1));
            if (major != Runtime.version().feature()) {
                throw new Refused(host, "Java " + major + " at '" + host.java() + "', where the controller runs Java "
                        + Runtime.version().feature() + ": name a JDK " + Runtime.version().feature()
                        + " with java=PATH");
            }
            checked.add(clock(host, major));
        }
        return checked;
    }

    /**
     * The JDK {@code bin/java-home} finds on {@code host} (its JAVA_HOME if 21 or newer, else the newest under
     * /usr/lib/jvm), the script sent over ssh as it is; {@code java} on the host's PATH where no checkout is found
     * around the working folder.
     */
    private static String javaThere(Host host) throws Refused, IOException, InterruptedException {
        // The checkout's root: where the experiment runs, or above a module's folder, where the tests run.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("bin/java-home");
            if (Files.isRegularFile(script)) {
                return host.run("sh -s", script).strip() + "/bin/java";
            }
        }
        return "java";
    }

    /**
     * Reads the host's clock {@value #CLOCK_SAMPLES} times over one connection, each between two readings of ours,
     * and keeps the sample with the shortest round trip (as NTP does).
     */
    private static Checked clock(Host host, int major) throws Refused, IOException, InterruptedException {
        Process p = new ProcessBuilder(host.ssh("while read line; do " + host.clock() + "; done")).start();
        long bestRoundTrip = Long.MAX_VALUE;
        long offset = 0;
        try (Writer to = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
                BufferedReader from =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (int i = 0; i < CLOCK_SAMPLES; i++) {
                long sent = System.currentTimeMillis();
                to.write("\n");
                to.flush();
                String line = from.readLine();
                long received = System.currentTimeMillis();
                if (line == null || !line.strip().matches("\\d{10,}")) {
                    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                    throw new Refused(host, "its clock could not be read (" + host.clock() + "): "
                            + (line == null ? Host.lastLine(err) : line.strip()));
                }
                long roundTrip = received - sent;
                if (roundTrip < bestRoundTrip) {
                    bestRoundTrip = roundTrip;
                    offset = Long.parseLong(line.strip()) - (sent + received) / 2;
                }
            }
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        long uncertainty = (bestRoundTrip + 1) / 2;
        if (uncertainty > MOST_UNCERTAINTY_MILLIS) {
            throw new Refused(host, String.format(
                    Locale.ROOT,
                    "its clock was read to within %d ms at best (round trip %d ms), more than the %d ms that line up "
                            + "its intervals",
                    uncertainty,
                    bestRoundTrip,
                    MOST_UNCERTAINTY_MILLIS));
        }
        return new Checked(host, major, offset, uncertainty);
    }
}
