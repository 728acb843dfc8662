package iolab.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * What the experiment runs: groups of workloads × servers × connections, each measured in a
 * closed loop and then, if the group asks, in an open loop at fractions of the closed loop's
 * throughput measured in the same run.
 *
 * @param warmups    JMH warm-up iterations of one second
 * @param iterations JMH measurement iterations of one second
 */
public record Matrix(String name, List<Group> groups, int warmups, int iterations) {

    /** One block of the matrix; {@code openFractions} empty means closed loop only. */
    public record Group(List<Workload> workloads, List<ServerKind> servers, List<Integer> connections, List<Double> openFractions) {
    }

    public static final int DEFAULT_WARMUPS = 5;
    public static final int DEFAULT_ITERATIONS = 8;

    private static final List<ServerKind> ALL_SERVERS = List.of(ServerKind.values());
    private static final List<Integer> ALL_CONNECTIONS = List.of(1, 10, 100, 1_000, 10_000);
    private static final List<Double> CURVE = List.of(0.25, 0.5, 0.75, 0.9);

    /**
     * The default: the main questions in under ten minutes on two cores. Throughput and cost
     * as connections grow for HTTP and echo; the pool lesson and Little's law with /delay;
     * the latency-vs-load curve of the two models that serve 1,000 waiting connections.
     */
    public static Matrix quick() {
        List<ServerKind> models = List.of(ServerKind.THREAD_PER_CONNECTION, ServerKind.POOL, ServerKind.VIRTUAL,
                ServerKind.NIO, ServerKind.NETTY_EPOLL);
        return new Matrix("quick", List.of(
                new Group(List.of(Workload.PLAINTEXT), models, List.of(10, 100, 1_000), List.of()),
                new Group(List.of(Workload.ECHO_64), List.of(ServerKind.THREAD_PER_CONNECTION, ServerKind.VIRTUAL,
                        ServerKind.NIO, ServerKind.NETTY_EPOLL), List.of(10, 1_000), List.of()),
                new Group(List.of(Workload.DELAY_10MS), List.of(ServerKind.POOL, ServerKind.VIRTUAL, ServerKind.NIO),
                        List.of(100), List.of()),
                new Group(List.of(Workload.DELAY_10MS), List.of(ServerKind.VIRTUAL, ServerKind.NIO),
                        List.of(1_000), CURVE)),
                DEFAULT_WARMUPS, DEFAULT_ITERATIONS);
    }

    /** Everything: every server on every workload it serves, at every connection count; curves for plaintext and /delay. */
    public static Matrix full() {
        return new Matrix("full", List.of(
                new Group(List.of(Workload.ECHO_64, Workload.ECHO_16K, Workload.FILE_1M), ALL_SERVERS, ALL_CONNECTIONS, List.of()),
                new Group(List.of(Workload.PLAINTEXT, Workload.DELAY_10MS), ALL_SERVERS, ALL_CONNECTIONS, List.of()),
                new Group(List.of(Workload.PLAINTEXT, Workload.DELAY_10MS), ALL_SERVERS, List.of(100, 1_000), CURVE)),
                5, 10);
    }

    /**
     * The matrix that system properties ask for: {@code iolab.matrix} (quick or full), then
     * {@code iolab.servers}, {@code iolab.workloads}, {@code iolab.connections} and
     * {@code iolab.loads} (for example {@code closed,0.5,0.9}) replace that dimension in every
     * group; {@code iolab.warmups} and {@code iolab.iterations} set JMH's counts. Empty values
     * keep the matrix's own.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static Matrix fromProperties(Properties properties) {
        String name = properties.getProperty("iolab.matrix", "").trim();
        Matrix base = switch (name) {
            case "", "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("unknown matrix '" + name + "' (known: quick, full)");
        };
        List<ServerKind> servers = list(properties, "iolab.servers", ServerKind::named);
        List<Workload> workloads = list(properties, "iolab.workloads", Workload::named);
        List<Integer> connections = list(properties, "iolab.connections", Matrix::connections);
        List<String> loads = list(properties, "iolab.loads", Function.identity());
        List<Double> fractions = loads == null ? null : loads.stream().filter(l -> !l.equals("closed")).map(Matrix::fraction).toList();
        List<Group> groups = new ArrayList<>();
        for (Group g : base.groups) {
            groups.add(new Group(workloads == null ? g.workloads : workloads, servers == null ? g.servers : servers,
                    connections == null ? g.connections : connections, fractions == null ? g.openFractions : fractions));
        }
        int warmups = count(properties, "iolab.warmups", base.warmups, 0);
        int iterations = count(properties, "iolab.iterations", base.iterations, 1);
        Matrix matrix = new Matrix(base.name, groups, warmups, iterations);
        if (matrix.closedLoops().isEmpty()) {
            throw new IllegalArgumentException("nothing to run: no server asked for serves a workload asked for");
        }
        return matrix;
    }

    /** Every closed-loop configuration, in order, without repeats; combinations a server cannot serve are left out. */
    public List<Configuration> closedLoops() {
        Set<Configuration> configurations = new LinkedHashSet<>();
        for (Group g : groups) {
            for (Workload w : g.workloads) {
                for (ServerKind s : g.servers) {
                    for (int c : g.connections) {
                        if (s.serves(w)) {
                            configurations.add(new Configuration(s, w, c, 0));
                        }
                    }
                }
            }
        }
        return List.copyOf(configurations);
    }

    /** The open-loop fractions asked for {@code closed}, without repeats. */
    public List<Double> openFractions(Configuration closed) {
        Set<Double> fractions = new LinkedHashSet<>();
        for (Group g : groups) {
            if (g.workloads.contains(closed.workload()) && g.servers.contains(closed.server()) && g.connections.contains(closed.connections())) {
                fractions.addAll(g.openFractions);
            }
        }
        return List.copyOf(fractions);
    }

    /** How many configurations the run will measure. */
    public int size() {
        return closedLoops().stream().mapToInt(c -> 1 + openFractions(c).size()).sum();
    }

    private static <T> List<T> list(Properties properties, String key, Function<String, T> parse) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return null;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(parse).distinct().toList();
    }

    private static int connections(String text) {
        int n = integer("connections", text);
        if (n < 1 || n > 15_000) {
            throw new IllegalArgumentException("connections must be from 1 to 15000 (the open-file limit is 20000): " + text);
        }
        return n;
    }

    private static double fraction(String text) {
        try {
            double f = Double.parseDouble(text);
            if (f > 0 && f <= 2) {
                return f;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("a load is 'closed' or a fraction of the closed loop's throughput in (0, 2]: '" + text + "'");
    }

    private static int count(Properties properties, String key, int fallback, int min) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        int n = integer(key.substring("iolab.".length()), value);
        if (n < min) {
            throw new IllegalArgumentException(key.substring("iolab.".length()) + " must be at least " + min + ": " + value);
        }
        return n;
    }

    private static int integer(String what, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number: '" + text + "'");
        }
    }
}
