package iolab.bench;

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

    private final Process process;
    private final List<String> command;
    private final String address;

    private ServerProcess(Process process, List<String> command, String address) {
        this.process = process;
        this.command = command;
        this.address = address;
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
        Process process = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly)); // never outlive the benchmark
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-output").start(() -> copyOutput(process, log, ready));
        try {
            String address = ready.get(READY_SECONDS, TimeUnit.SECONDS);
            return new ServerProcess(process, command, address);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            process.destroyForcibly();
            String reason = e instanceof ExecutionException
                    ? e.getCause().getMessage()
                    : "no ready line in " + READY_SECONDS + " s";
            throw new IOException(
                    "server did not start: " + reason + "; command: " + String.join(" ", command) + "; its output: "
                            + tail(log),
                    e);
        }
    }

    private static void copyOutput(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintStream out = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
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

    /** {@code 127.0.0.1:PORT}, as the server printed it. */
    public String address() {
        return address;
    }

    public long pid() {
        return process.pid();
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
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        if (process.isAlive()) {
            throw new IllegalStateException("server " + process.pid() + " is still running after SIGKILL");
        }
    }
}
