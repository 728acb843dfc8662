package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Server on core 0, client on core 1, with {@code taskset}, so that the two never fight for
 * one core's time slices. Without {@code taskset} or a second core nothing is pinned, and
 * the results say so.
 */
public final class Pinning {

    public static final int SERVER_CORE = 0;
    public static final int CLIENT_CORE = 1;
    /** Where {@code taskset} is, or null: looked up once. */
    private static final String TASKSET = findTaskset();
    /** Counted before anything is pinned: a JVM pinned to one core reports one processor from then on. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private Pinning() {
    }

    public static boolean available() {
        return CORES >= 2 && TASKSET != null;
    }

    /** The prefix that starts a command on the server's core, or nothing. */
    public static List<String> serverPrefix() {
        return available() ? List.of(TASKSET, "-c", String.valueOf(SERVER_CORE)) : List.of();
    }

    /** Pins every thread of this process to the client's core; threads started later inherit it. */
    public static boolean pinSelfToClientCore() throws IOException, InterruptedException {
        if (!available()) {
            return false;
        }
        Process p = new ProcessBuilder(TASKSET, "-a", "-p", "-c", String.valueOf(CLIENT_CORE),
                String.valueOf(ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    /** The machine's cores, as this JVM saw them before anything was pinned. */
    public static int cores() {
        return CORES;
    }

    /** The {@code taskset} command; only when {@link #available()}. */
    static String taskset() {
        return TASKSET;
    }

    public static String describe() {
        return available() ? "server on core " + SERVER_CORE + ", client on core " + CLIENT_CORE + " (taskset)"
                : "not pinned (" + (TASKSET == null ? "no taskset" : "one core") + ")";
    }

    private static String findTaskset() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        return Stream.of(path.split(":")).map(dir -> Path.of(dir, "taskset"))
                .filter(Files::isExecutable).map(Path::toString).findFirst().orElse(null);
    }
}
