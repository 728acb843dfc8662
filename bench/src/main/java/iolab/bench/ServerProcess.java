package iolab.bench;

import iolab.bench.hosts.Host;
import iolab.bench.hosts.Preflight;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A server under test in a JVM of its own (the same JDK and class path as this one), so the
 * client's threads, heap and GC never mix with the server's. Its output goes to a log file;
 * its ready line gives the address it listens on.
 */
public final class ServerProcess implements AutoCloseable {

    /** Marks every server a run starts, so that one left behind can be found by its command line. */
    public static final String RUN_PROPERTY = "iolab.run";
    private static final long READY_SECONDS = 30;
    private static final String READY = " listening on ";

    /** The first line a server started on a host prints: its shell's pid, which {@code exec} gives the JVM. */
    private static final String PID = "iolab-pid ";

    private final Process process;
    private final List<String> command;
    private final String address;
    /** The host it runs on, and its pid there; null and 0 on this machine. */
    private final Host host;
    private final long remotePid;

    private ServerProcess(Process process, List<String> command, String address, Host host, long remotePid) {
        this.process = process;
        this.command = command;
        this.address = address;
        this.host = host;
        this.remotePid = remotePid;
    }

    public static ServerProcess start(List<String> arguments, String runTag, Path log) throws IOException {
        List<String> command = new ArrayList<>(Pinning.serverPrefix());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Configuration.SERVER_JVM_FLAGS);
        command.add("-D" + RUN_PROPERTY + "=" + runTag);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "iolab.servers.cli.Main"));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (!"UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"))) {
            builder.environment().put("LC_ALL", "C.UTF-8"); // so that the server can name any file under its root
        }
        return started(builder.start(), command, null, log);
    }

    /**
     * The same on {@code host}, over its ssh, with the lab's jars at {@code classPath} there, pinned to the host's
     * CPUs where it names them; the server's output comes back over the same connection into {@code log}.
     */
    public static ServerProcess startOn(Host host, String classPath, List<String> arguments, String runTag, Path log)
            throws IOException {
        List<String> java = new ArrayList<>(List.of(host.java()));
        java.addAll(Configuration.SERVER_JVM_FLAGS);
        java.add("-D" + RUN_PROPERTY + "=" + runTag);
        java.addAll(List.of("-cp", classPath, "iolab.servers.cli.Main"));
        java.addAll(arguments);
        String remote = "echo " + PID + "$$; LC_ALL=C.UTF-8 exec " + host.pin()
                + String.join(" ", java.stream().map(Host::quote).toList()) + " 2>&1";
        List<String> command = host.ssh(remote);
        return started(new ProcessBuilder(command).redirectErrorStream(true).start(), command, host, log);
    }

    private static ServerProcess started(Process process, List<String> command, Host host, Path log)
            throws IOException {
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlive the benchmark
        CompletableFuture<String> ready = new CompletableFuture<>();
        CompletableFuture<Long> pid = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-output").start(() -> copyOutput(process, log, ready, pid));
        try {
            String address = ready.get(READY_SECONDS, TimeUnit.SECONDS);
            return new ServerProcess(process, command, address, host, host == null ? 0 : pid.getNow(0L));
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            process.destroyForcibly();
            String reason = e instanceof ExecutionException
                    ? e.getCause().getMessage()
                    : "no ready line in " + READY_SECONDS + " s";
            throw new IOException(
                    "server did not start" + (host == null ? "" : " on " + host.named()) + ": " + reason
                            + "; command: " + String.join(" ", command) + "; its output: " + tail(log),
                    e);
        }
    }

    private static void copyOutput(
            Process process, Path log, CompletableFuture<String> ready, CompletableFuture<Long> pid) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(PID) && !pid.isDone()) {
                    pid.complete(Long.parseLong(line.substring(PID.length()).strip()));
                    continue;
                }
                out.println(line);
                int at = line.indexOf(READY);
                if (at >= 0) {
                    ready.complete(line.substring(at + READY.length()).trim());
                }
            }
            ready.completeExceptionally(new IOException("server exited with status " + process.waitFor()));
        } catch (IOException | InterruptedException e) {
            ready.completeExceptionally(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(none)";
        }
    }

    /** {@code 127.0.0.1:PORT}, as the server printed it (on a host: that host's address). */
    public String address() {
        return address;
    }

    /** Its pid on the machine it runs on. */
    public long pid() {
        return host == null ? process.pid() : remotePid;
    }

    public List<String> command() {
        return command;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * SIGTERM (the server's graceful stop), then SIGKILL if it has not gone in time.
     *
     * @throws IllegalStateException if the process is still there afterwards
     */
    @Override
    public void close() throws InterruptedException {
        if (host != null) {
            closeThere();
            return;
        }
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        if (process.isAlive()) {
            throw new IllegalStateException("server " + process.pid() + " is still running after SIGKILL");
        }
    }

    /** On its host: SIGTERM there, SIGKILL after the same wait, and the ssh that carried its output then ends too. */
    private void closeThere() throws InterruptedException {
        try {
            host.run("kill " + remotePid + " 2>/dev/null; for i in $(seq 150); do kill -0 " + remotePid
                    + " 2>/dev/null || exit 0; sleep 0.1; done; kill -9 " + remotePid + "; sleep 0.5; ! kill -0 "
                    + remotePid + " 2>/dev/null");
        } catch (Preflight.Refused | IOException e) {
            throw new IllegalStateException("server " + remotePid + " on " + host.named() + " may still run: "
                    + e.getMessage(), e);
        } finally {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
