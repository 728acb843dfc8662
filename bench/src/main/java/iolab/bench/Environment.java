package iolab.bench;

import iolab.servers.ServerVariant;
import iolab.servers.ServerSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.lang.management.ManagementFactory;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where and how a run was measured: what a reader needs to judge and repeat it. */
final class Environment {

    private Environment() {
    }

    static Map<String, Object> collect(String runId, Matrix matrix, List<Configuration> planned, Path projectDir) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("runId", runId);
        env.put("date", java.time.Instant.now().toString());
        env.put("matrix", matrix.name());

        Map<String, Object> jdk = new LinkedHashMap<>();
        for (String key : List.of("java.version", "java.vendor", "java.vm.name", "java.vm.version", "java.home")) {
            jdk.put(key, System.getProperty(key));
        }
        env.put("jdk", jdk);
        env.put("jvmFlags", Map.of(
                "experimentAndClient", ManagementFactory.getRuntimeMXBean().getInputArguments(),
                "server", Configuration.SERVER_JVM_FLAGS));

        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("kernel", System.getProperty("os.version"));
        os.put("arch", System.getProperty("os.arch"));
        os.put(
                "distribution",
                firstValue(Path.of("/etc/os-release"), "PRETTY_NAME=")
                        .map(v -> v.replace("\"", ""))
                        .orElse("unknown"));
        env.put("os", os);

        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put(
                "cpuModel",
                firstValue(Path.of("/proc/cpuinfo"), "model name")
                        .map(v -> v.replaceFirst("^\\s*:\\s*", ""))
                        .orElse("unknown"));
        machine.put("cores", Pinning.cores());
        machine.put(
                "memory",
                firstValue(Path.of("/proc/meminfo"), "MemTotal:")
                        .map(String::trim)
                        .orElse("unknown"));
        machine.put(
                "openFilesLimit",
                firstValue(Path.of("/proc/self/limits"), "Max open files")
                        .map(v -> v.trim().replaceAll("\\s+", " "))
                        .orElse("unknown"));
        machine.put("somaxconn", somaxconn());
        machine.put(
                "ephemeralPorts",
                read(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).replaceAll("\\s+", "-"));
        env.put("machine", machine);

        env.put("git", git(projectDir));
        env.put("selectorProvider", SelectorProvider.provider().getClass().getName());
        env.put("pinning", Map.of("pinned", Pinning.available(), "how", Pinning.describe()));

        Map<String, Object> jmh = new LinkedHashMap<>();
        jmh.put("version", org.openjdk.jmh.util.Utils.class.getPackage().getImplementationVersion());
        jmh.put("forks", "0: each trial runs in the experiment's JVM, which is the client, warm across rounds");
        jmh.put("rounds", matrix.rounds());
        jmh.put("warmupIterations", matrix.warmups());
        jmh.put("measurementIterations", matrix.iterations());
        jmh.put("warmupIterationSeconds", Matrix.WARMUP_ITERATION.toMillis() / 1000.0);
        jmh.put("closedLoopIterationSeconds", matrix.iteration().toMillis() / 1000.0);
        jmh.put("openLoopIterationSeconds", Matrix.SECOND_ITERATION.toMillis() / 1000.0);
        jmh.put("warmUpRound", Map.of(
                "iterations", Matrix.WARM_UP_ROUND_ITERATIONS,
                "iterationSeconds", Matrix.SECOND_ITERATION.toMillis() / 1000.0,
                "longTrials", matrix.warmUp().stream().map(Configuration::id).toList(),
                "longTrialAgain", String.format(Locale.ROOT,
                        "at once while its last second beat the one before by more than %.0f%%, %d in all at most",
                        100 * (Experiment.STILL_RISING - 1), Experiment.WARM_UP_ATTEMPTS),
                "otherConfigurations", "once each, as a counted round measures them"));
        jmh.put("responsesPerOperation", ServerBenchmark.BATCH);
        env.put("jmh", jmh);
        env.putAll(catalog());
        plan(env, planned);
        return env;
    }

    /**
     * The servers and workloads, in the lab's order, with what each serves, its in-service limit and
     * each workload's delay, and the yardsticks: what the plotter orders, styles and bounds by.
     */
    static Map<String, Object> catalog() {
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put(
                "servers",
                Arrays.stream(ServerVariant.values())
                        .map(s -> {
                            Map<String, Object> server = new LinkedHashMap<>();
                            server.put("label", s.label());
                            server.put("arguments", s.arguments(false));
                            server.put("plainTwin", s.plainTwin().label());
                            server.put(
                                    "serves",
                                    Arrays.stream(Workload.values())
                                            .filter(w -> w.servedBy(s))
                                            .map(Workload::label)
                                            .toList());
                            server.put(
                                    "inServiceLimit",
                                    ServerSettings.defaults(s.model(), new InetSocketAddress(0))
                                            .inServiceLimit());
                            return server;
                        })
                        .toList());
        catalog.put(
                "yardsticks",
                Matrix.YARDSTICKS.stream().map(ServerVariant::label).toList());
        catalog.put(
                "workloads",
                Arrays.stream(Workload.values())
                        .map(w -> {
                            Map<String, Object> workload = new LinkedHashMap<>();
                            workload.put("label", w.label());
                            workload.put("protocol", w.protocol());
                            workload.put("request", w.request());
                            workload.put("delayMillis", w.delayMillis());
                            workload.put("connectionPerRequest", w.reconnect());
                            workload.put("tls", w.tls());
                            return workload;
                        })
                        .toList());
        return catalog;
    }

    /** The kernel's cap on a listen backlog, or -1 where it cannot be read. */
    static int somaxconn() {
        try {
            return Integer.parseInt(read(Path.of("/proc/sys/net/core/somaxconn")).trim());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Records every server and client setting of {@code planned}. */
    static void plan(Map<String, Object> env, List<Configuration> planned) {
        env.put("configurations", planned.stream().map(Configuration::settings).toList());
    }

    private static Map<String, Object> git(Path dir) {
        Map<String, Object> git = new LinkedHashMap<>();
        String commit = run(dir, "git", "rev-parse", "HEAD");
        git.put("commit", commit == null ? "unknown" : commit.trim());
        String status = run(dir, "git", "status", "--porcelain", "--untracked-files=no");
        git.put("dirty", status == null ? "unknown" : !status.isBlank());
        return git;
    }

    private static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Optional<String> firstValue(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(prefix))
                    .findFirst()
                    .map(l -> l.substring(prefix.length()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            // Line by line: a sysctl file under /proc gave readString only its first byte.
            return String.join(" ", Files.readAllLines(file)).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
