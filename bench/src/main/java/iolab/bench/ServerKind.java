package iolab.bench;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The servers the experiment compares, as the servers jar's command line starts them. The
 * server runs pinned to one core, so the event-loop models get one loop; the pool and the
 * nio worker pool keep their defaults (200 threads), which the Little's-law ceilings use.
 */
public enum ServerKind {
    THREAD_PER_CONNECTION("thread-per-connection", true, "--model", "thread-per-connection"),
    POOL("pool", true, "--model", "pool"),
    VIRTUAL("virtual", true, "--model", "virtual"),
    NIO("nio", true, "--model", "nio", "--loops", "1"),
    NIO_POLL("nio-poll", true, "--model", "nio", "--loops", "1", "--selector", "poll"),
    NETTY_NIO("netty-nio", true, "--model", "netty", "--loops", "1", "--transport", "nio"),
    NETTY_EPOLL("netty-epoll", true, "--model", "netty", "--loops", "1", "--transport", "epoll"),
    JDK("jdk", false, "--model", "jdk");

    private final String label;
    private final boolean servesEcho;
    private final List<String> arguments;

    ServerKind(String label, boolean servesEcho, String... arguments) {
        this.label = label;
        this.servesEcho = servesEcho;
        this.arguments = List.of(arguments);
    }

    public String label() {
        return label;
    }

    /** The model flags of the servers jar's command line. */
    public List<String> arguments() {
        return arguments;
    }

    public boolean serves(Workload workload) {
        return workload.protocol().equals("http") || servesEcho;
    }

    public static ServerKind named(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels() {
        return Arrays.stream(values()).map(ServerKind::label).collect(Collectors.joining(", "));
    }
}
