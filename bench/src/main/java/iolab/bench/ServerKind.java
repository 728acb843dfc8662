package iolab.bench;

import iolab.servers.ServerSettings;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The servers the experiment compares, as the servers jar's command line starts them: the one
 * list of them. Its order is the order of legends and tables, what each serves decides which
 * configurations a matrix plans, and {@link #catalog()} records it all in {@code environment.json},
 * where the plotter reads it. The server runs pinned to one core, so the event-loop models get
 * one loop; the pool and the nio worker pool keep their defaults, which bound the requests they
 * have in service.
 */
public enum ServerKind {
    THREAD_PER_CONNECTION("thread-per-connection", Serves.LAB, 0, "--model", "thread-per-connection"),
    POOL("pool", Serves.LAB, ServerSettings.DEFAULT_THREADS, "--model", "pool"),
    VIRTUAL("virtual", Serves.LAB, 0, "--model", "virtual"),
    NIO("nio", Serves.LAB, ServerSettings.DEFAULT_WORKERS, "--model", "nio", "--loops", "1"),
    NIO_POLL("nio-poll", Serves.LAB, ServerSettings.DEFAULT_WORKERS, "--model", "nio", "--loops", "1", "--selector", "poll"),
    NETTY_NIO("netty-nio", Serves.REFERENCE, 0, "--model", "netty", "--loops", "1", "--transport", "nio"),
    NETTY_EPOLL("netty-epoll", Serves.REFERENCE, 0, "--model", "netty", "--loops", "1", "--transport", "epoll"),
    JDK("jdk", Serves.HTTP_REFERENCE, 0, "--model", "jdk");

    /** The yardstick of the paired ratios: the first of these that a block measured. */
    public static final List<ServerKind> YARDSTICKS = List.of(NETTY_EPOLL, NETTY_NIO, NIO, VIRTUAL, POOL, THREAD_PER_CONNECTION, JDK);

    /** What a server answers: the lab's models serve every route; the references have no /files, the JDK's no echo. */
    private enum Serves {
        LAB(true, true), REFERENCE(true, false), HTTP_REFERENCE(false, false);

        final boolean echo;
        final boolean files;

        Serves(boolean echo, boolean files) {
            this.echo = echo;
            this.files = files;
        }
    }

    private final String label;
    private final Serves serves;
    private final int inServiceLimit;
    private final List<String> arguments;

    ServerKind(String label, Serves serves, int inServiceLimit, String... arguments) {
        this.label = label;
        this.serves = serves;
        this.inServiceLimit = inServiceLimit;
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
        return workload.protocol().equals("echo") ? serves.echo : !workload.needsFile() || serves.files;
    }

    /**
     * Requests that can wait on the server at once (a blocking /delay): its threads or workers,
     * 0 when only the connections bound it. Little's law turns it into a throughput ceiling.
     */
    public int inServiceLimit() {
        return inServiceLimit;
    }

    public static ServerKind named(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels() {
        return Arrays.stream(values()).map(ServerKind::label).collect(Collectors.joining(", "));
    }

    /** The servers and workloads for {@code environment.json}: what the plotter orders, styles and bounds by. */
    static Map<String, Object> catalog() {
        Map<String, Object> catalog = new LinkedHashMap<>();
        catalog.put("servers", Arrays.stream(values()).map(s -> {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("label", s.label);
            server.put("arguments", s.arguments);
            server.put("serves", Arrays.stream(Workload.values()).filter(s::serves).map(Workload::label).toList());
            server.put("inServiceLimit", s.inServiceLimit);
            return server;
        }).toList());
        catalog.put("yardsticks", YARDSTICKS.stream().map(ServerKind::label).toList());
        catalog.put("workloads", Arrays.stream(Workload.values()).map(w -> {
            Map<String, Object> workload = new LinkedHashMap<>();
            workload.put("label", w.label());
            workload.put("protocol", w.protocol());
            workload.put("request", w.request());
            workload.put("delayMillis", w.delayMillis());
            return workload;
        }).toList());
        return catalog;
    }
}
