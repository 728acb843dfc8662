package iolab.bench.hosts;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every host of a run is checked before anything starts, over real ssh to hosts simulated in network namespaces: a
 * host that cannot be reached, a key it refuses, a JDK of another version and a clock that cannot be read precisely
 * are each one line; a clock offset on purpose is measured, to be corrected.
 */
class PreflightTest {

    @TempDir
    static Path dir;

    private static NamespacedHosts hosts;
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @BeforeAll
    static void simulateHosts() throws Exception {
        Assumptions.assumeTrue(
                NamespacedHosts.unavailable().isEmpty(),
                () -> "no simulated hosts here: " + NamespacedHosts.unavailable().get());
        hosts = new NamespacedHosts(dir, 3, 2); // the third has no sshd: unreachable
    }

    @AfterAll
    static void removeThem() throws Exception {
        if (hosts != null) {
            hosts.close();
        }
    }

    private static List<Host> file(String... lines) throws Exception {
        Path file = Files.createTempFile(dir, "hosts", ".txt");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return HostsFile.read(file);
    }

    @Test
    void everyHostIsReadyAndAClockOffsetOnPurposeIsMeasured() throws Exception {
        List<Preflight.Checked> checked = Preflight.check(file(
                hosts.line("server", 0, "java=" + JAVA),
                hosts.line("load", 1, "java=" + JAVA + " clock=echo $(( $(date +%s%3N) + 3000 ))")));
        assertEquals(2, checked.size());
        assertEquals(Runtime.version().feature(), checked.get(0).javaMajor());
        assertTrue(Math.abs(checked.get(0).offsetMillis()) <= checked.get(0).uncertaintyMillis() + 2,
                "one kernel, one clock: " + checked.get(0));
        assertTrue(Math.abs(checked.get(1).offsetMillis() - 3000) <= checked.get(1).uncertaintyMillis() + 2,
                "the clock 3 s ahead on purpose is measured so: " + checked.get(1));
    }

    @Test
    void aJdkNotNamedIsTheOneJavaHomeFindsThere() throws Exception {
        List<Preflight.Checked> checked =
                Preflight.check(file(hosts.line("server", 0, ""), hosts.line("load", 1, "java=" + JAVA)));
        Process local = new ProcessBuilder("bin/java-home").directory(Path.of("..").toFile()).start();
        String home = new String(local.getInputStream().readAllBytes()).strip();
        assertEquals(home + "/bin/java", checked.get(0).host().java(), "the same choice as on this machine");
        assertEquals(Runtime.version().feature(), checked.get(0).javaMajor());
    }

    @Test
    void anUnreachableHostIsOneLineAndStatus2BeforeAnythingStarts() throws Exception {
        Path file = dir.resolve("unreachable.txt");
        Files.writeString(file, hosts.line("server", 0, "java=" + JAVA) + "\n" + hosts.line("load", 2, "") + "\n");
        Process experiment = new ProcessBuilder(
                        JAVA,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Diolab.hosts=" + file,
                        "-Diolab.results=" + dir.resolve("results"),
                        "iolab.bench.Experiment")
                .start();
        assertTrue(experiment.waitFor(60, TimeUnit.SECONDS));
        String err = new String(experiment.getErrorStream().readAllBytes()).strip();
        assertEquals(2, experiment.exitValue(), err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.matches("iolab experiment: load host root@" + hosts.address(2).replace(".", "\\.")
                        + ":2222: ssh cannot reach it without a prompt: .*(refused|unreachable|No route).*"), err);
        assertTrue(!Files.exists(dir.resolve("results")), "nothing started: no results folder");
    }

    @Test
    void aKeyTheHostRefusesIsOneLine() throws Exception {
        String stranger =
                hosts.line("load", 1, "").replace("identity=" + hosts.key(), "identity=" + hosts.strangerKey());
        List<Host> both = file(hosts.line("server", 0, "java=" + JAVA), stranger);
        Preflight.Refused refused = assertThrows(Preflight.Refused.class, () -> Preflight.check(both));
        assertTrue(refused.getMessage().contains("Permission denied"), refused.getMessage());
    }

    @Test
    void aJdkOfAnotherVersionIsRefused() throws Exception {
        List<String> others = new ArrayList<>();
        try (var jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            jvms.map(p -> p.resolve("bin/java")).filter(Files::isExecutable).map(Path::toString).forEach(others::add);
        }
        String other = null;
        for (String java : others) {
            Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            if (!version.contains("version \"" + Runtime.version().feature())) {
                other = java;
                break;
            }
        }
        Assumptions.assumeTrue(other != null, "only one JDK major on this machine: no other to refuse");
        String java = other;
        Preflight.Refused refused = assertThrows(
                Preflight.Refused.class, () -> Preflight.check(file(hosts.line("server", 0, "java=" + java),
                        hosts.line("load", 1, "java=" + JAVA))));
        assertTrue(refused.getMessage().contains("where the controller runs Java " + Runtime.version().feature()),
                refused.getMessage());
    }

    @Test
    void theJarsReachAHostByCopyCheckedByHash() throws Exception {
        Host host = file(hosts.line("server", 0, ""), hosts.line("load", 1, "")).get(1);
        Path jar = dir.resolve("benchmarks.jar");
        byte[] bytes = new byte[3 << 20];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(jar, bytes);
        Path there = dir.resolve("host-1/jars"); // the simulated hosts share this machine's files
        assertTrue(Deploy.jar(host, jar, there.toString()), "copied the first time");
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(there.resolve("benchmarks.jar"))));
        assertTrue(!Deploy.jar(host, jar, there.toString()), "not again while its hash matches");
        Files.write(there.resolve("benchmarks.jar"), new byte[] {1, 2, 3});
        assertTrue(Deploy.jar(host, jar, there.toString()), "copied again once it differs");
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(there.resolve("benchmarks.jar"))));
        Preflight.Refused refused =
                assertThrows(Preflight.Refused.class, () -> Deploy.jar(host, jar, "/proc/iolab-cannot-be-made"));
        assertTrue(refused.getMessage().contains("failed there"), refused.getMessage());
    }

    @Test
    void aClockThatCannotBeReadPreciselyIsRefused() throws Exception {
        Preflight.Refused refused = assertThrows(Preflight.Refused.class, () -> Preflight.check(file(
                hosts.line("server", 0, "java=" + JAVA),
                hosts.line("load", 1, "java=" + JAVA + " clock=sleep 0.2; date +%s%3N"))));
        assertTrue(refused.getMessage().contains("its clock was read to within"), refused.getMessage());
    }
}
