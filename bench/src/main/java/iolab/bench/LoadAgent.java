package iolab.bench;

import iolab.bench.hosts.Host;
import iolab.clients.cli.Agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A load host's client JVM, kept running over one ssh connection for the whole run ({@link Agent}): a trial sends it
 * one command line and waits for its status. Its output goes to a log of its own; the last lines are kept to say why a
 * command failed.
 */
final class LoadAgent implements AutoCloseable {

    private static final String GONE = "iolab-agent gone";

    private final Process process;
    private final Writer to;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> last = new ArrayDeque<>();

    private LoadAgent(Process process, Path log) throws IOException {
        this.process = process;
        this.to = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        PrintStream logged = new PrintStream(
                Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("load-agent-output").start(() -> {
            try (BufferedReader in = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    logged) {
                for (String line; (line = in.readLine()) != null; ) {
                    logged.println(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                // the connection is gone: said below
            }
            lines.add(GONE);
        });
    }

    /** Starts the agent on {@code host} (its JVM pinned where the host names CPUs) and waits until it is up. */
    static LoadAgent start(Host host, String classPath, Path log) throws IOException, InterruptedException {
        // G1, as the experiment's client JVM has on one machine: that JVM sees both cores when it starts and pins
        // itself after, where one started pinned to a core would choose the serial collector for itself.
        String java = String.join(" ", List.of(host.java(), "-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
                "-Diolab.load=" + host.destination(), "-cp", Host.quote(classPath), Agent.class.getName()));
        Process p = new ProcessBuilder(host.ssh("exec " + host.pin() + java)).redirectErrorStream(true).start();
        LoadAgent agent = new LoadAgent(p, log);
        Integer ready = agent.awaitDone(System.currentTimeMillis() + 60_000);
        if (ready == null) {
            agent.close();
            throw new IOException("the client on " + host.named() + " did not start: " + agent.lastLines());
        }
        return agent;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Runs one client command line there. */
    void send(List<String> args) throws IOException {
        last.clear();
        to.write(String.join("\t", args) + "\n");
        to.flush();
    }

    /** The status of the command sent, or null when the agent died or {@code deadlineMillis} passed first. */
    Integer awaitDone(long deadlineMillis) throws InterruptedException {
        while (true) {
            String line = lines.poll(Math.max(1, deadlineMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (line == null || line.equals(GONE)) {
                return null;
            }
            if (line.startsWith(Agent.DONE)) {
                return Integer.valueOf(line.substring(Agent.DONE.length()).strip());
            }
            last.addLast(line);
            if (last.size() > 5) {
                last.removeFirst();
            }
        }
    }

    /** The last lines it printed for the command, for a message. */
    String lastLines() {
        return last.isEmpty() ? "(no output)" : String.join(" | ", last);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            to.close(); // end of input ends it
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
