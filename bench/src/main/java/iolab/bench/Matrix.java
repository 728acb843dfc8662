package iolab.bench;

import iolab.servers.ServerVariant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * What the experiment runs: groups of workloads × servers × connections × loads, measured in {@code rounds} interleaved
 * rounds. A load is a closed loop (0) or an open loop at an absolute rate in requests per second: absolute, so that
 * every configuration is known before the first round and takes its turn in every round like the others.
 *
 * @param warmups JMH warm-up iterations of {@link #WARMUP_ITERATION}, per trial: the server and the client are warm
 *     from the rounds before, so this only lets the trial's new connections settle
 * @param iterations JMH measurement iterations per trial
 * @param iteration how long a closed loop's measurement iteration lasts; an open loop's lasts a second
 *     ({@link #iterationOf}), whatever this says
 * @param rounds how many times each configuration is measured, each time in a new shuffled order
 * @param budget how long the rounds may take in all: after the fixed rounds, blocks whose intervals are still wide get
 *     more rounds while this lasts ({@link ExtraRounds}); zero for none. A disturbed trial is measured again only while
 *     the budget leaves room for it and for the fixed rounds still to come
 * @param capacities the capacity searches ({@link CapacityRounds}): in every fixed round, each of their servers'
 *     highest open-loop rate whose p99 is within the goal
 */
public record Matrix(
        String name,
        List<Group> groups,
        int warmups,
        int iterations,
        Duration iteration,
        int rounds,
        Duration budget,
        List<Capacity> capacities) {

    public Matrix {
        if (budget.isNegative()) {
            throw new IllegalArgumentException("the budget must not be negative: " + budget);
        }
        if (!iteration.isPositive()) {
            throw new IllegalArgumentException("an iteration must last: " + iteration);
        }
        capacities = List.copyOf(capacities);
    }

    /** A matrix without capacity searches. */
    public Matrix(
            String name,
            List<Group> groups,
            int warmups,
            int iterations,
            Duration iteration,
            int rounds,
            Duration budget) {
        this(name, groups, warmups, iterations, iteration, rounds, budget, List.of());
    }

    /**
     * One block of the matrix; a load of 0 is the closed loop, any other an open loop at that many requests per second.
     */
    public record Group(
            List<Workload> workloads, List<ServerVariant> servers, List<Integer> connections, List<Long> loads) {}

    /**
     * A capacity search: for each workload, connection count and server, the highest open-loop rate it sustains with
     * p99 at or under {@code sloMillis}; 0 takes the workload's own goal ({@link Workload#sloMillis()}).
     */
    public record Capacity(
            List<Workload> workloads, List<ServerVariant> servers, List<Integer> connections, double sloMillis) {}

    /** One capacity search of the run: its servers are searched side by side, shuffled, in every fixed round. */
    public record Search(Workload workload, int connections, double sloMillis, List<ServerVariant> servers) {

        public String describe() {
            return String.format(Locale.ROOT, "%s c=%d p99 <= %s ms", workload.label(), connections, millis(sloMillis));
        }

        static String millis(double ms) {
            return ms == Math.rint(ms) ? String.valueOf((long) ms) : String.valueOf(ms);
        }
    }

    /** The servers whose turns are interleaved within a round: same workload, connections and load. */
    public record Block(Workload workload, int connections, long ratePerSecond, List<Configuration> configurations) {
    }

    public static final List<Long> CLOSED = List.of(0L);
    /** The yardstick of the paired ratios: the first of these that a block measured. */
    public static final List<ServerVariant> YARDSTICKS = List.of(
            ServerVariant.NETTY_EPOLL,
            ServerVariant.NETTY_IOURING,
            ServerVariant.NETTY_NIO,
            ServerVariant.NIO,
            ServerVariant.VIRTUAL,
            ServerVariant.POOL,
            ServerVariant.THREAD_PER_CONNECTION,
            ServerVariant.JDK);

    public static final Duration WARMUP_ITERATION = Duration.ofMillis(300);
    /**
     * An open loop's measurement iteration in every matrix, since its sustainability rule reads each whole second; and
     * round 0's.
     */
    public static final Duration SECOND_ITERATION = Duration.ofSeconds(1);
    /**
     * The quick matrix's closed-loop iteration. The noise of this machine is slow: measured every 100 ms through one
     * minute of a closed loop (nio and virtual at 1,000 connections), means over 0.5 s, 1 s and 4 s spread by 11%,
     * 10-11% and 8-11%. A longer trial buys little precision, and the half second it saves buys rounds: 6 fixed rounds
     * of the quick matrix take 90 s less, which its blocks' extra rounds get (an interval of 9 rounds leaves out the
     * highest and the lowest, one of 6 is their range).
     */
    public static final Duration QUICK_ITERATION = Duration.ofMillis(500);

    /**
     * The quick matrix's rounds, extra ones included: with the build, its tests and the charts (about 95 s), the main
     * job's twelve minutes. At 630 s a fresh clone's main job took 12:13.
     */
    public static final Duration QUICK_BUDGET = Duration.ofSeconds(600);
    /**
     * Round 0's one-second iterations: its trials warm each server, workload and loop once, and the JIT needs the
     * load's volume, not more configurations. With one, the counted rounds of a run still rose by a fifth from round 1
     * to round 5; four took a sixth of the quick matrix's budget (101 of 629 s), which left the blocks no extra rounds.
     */
    public static final int WARM_UP_ROUND_ITERATIONS = 2;
    /** The full matrix's: its fixed rounds take hours; extra rounds get about a fifth more. */
    public static final Duration FULL_BUDGET = Duration.ofHours(4);

    private static final List<ServerVariant> ALL_SERVERS = List.of(ServerVariant.values());
    private static final List<ServerVariant> TLS_SERVERS = List.of(
            ServerVariant.THREAD_PER_CONNECTION,
            ServerVariant.POOL,
            ServerVariant.VIRTUAL,
            ServerVariant.NIO,
            ServerVariant.NETTY_EPOLL,
            ServerVariant.NETTY_EPOLL_BORINGSSL,
            ServerVariant.JDK);
    private static final List<Integer> ALL_CONNECTIONS = List.of(1, 10, 100, 1_000, 10_000);

    /**
     * The default: the main questions in about ten minutes on two cores. Throughput and cost as
     * connections grow from 10 to 10,000 for HTTP (C10k: thread-per-connection's 10,000 threads, the
     * pool's 200 threads serving 200 of 10,000); echo at 1,000 connections; Little's law with /delay
     * at 1,000 connections, where the pool's 200 threads are the ceiling; the latency of the two
     * models that serve 1,000 waiting connections at rates that bracket their knee on this machine
     * (10,000 and 20,000 req/s). Six fixed rounds, then more where the intervals are widest
     * for as long as {@link #QUICK_BUDGET} lasts.
     */
    public static Matrix quick() {
        List<ServerVariant> models = List.of(
                ServerVariant.THREAD_PER_CONNECTION,
                ServerVariant.POOL,
                ServerVariant.VIRTUAL,
                ServerVariant.NIO,
                ServerVariant.NETTY_EPOLL);
        return new Matrix(
                "quick",
                List.of(
                        new Group(List.of(Workload.PLAINTEXT), models, List.of(10, 100, 1_000, 10_000), CLOSED),
                        // TechEmpower's plaintext test: 16 requests in flight per connection.
                        new Group(List.of(Workload.PLAINTEXT_PIPELINED), models, List.of(1_000), CLOSED),
                        // Thread-per-connection's 1,000 threads are plaintext's lesson at 1,000 already; echo compares
                        // the rest.
                        new Group(
                                List.of(Workload.ECHO_64),
                                List.of(ServerVariant.VIRTUAL, ServerVariant.NIO, ServerVariant.NETTY_EPOLL),
                                List.of(1_000),
                                CLOSED),
                        new Group(
                                List.of(Workload.DELAY_10MS),
                                List.of(ServerVariant.POOL, ServerVariant.VIRTUAL, ServerVariant.NIO),
                                List.of(1_000),
                                CLOSED)),
                // Half-second trials: the noise here is slow (QUICK_ITERATION), so the time goes to more rounds,
                // which the order-statistic interval needs (9 drop the extremes, 12 two from each end).
                1,
                1,
                QUICK_ITERATION,
                6,
                QUICK_BUDGET,
                // The latency question: how much load each model carries at 1,000 connections before its p99 passes
                // 10 ms.
                List.of(new Capacity(
                        List.of(Workload.PLAINTEXT),
                        List.of(
                                ServerVariant.POOL,
                                ServerVariant.VIRTUAL,
                                ServerVariant.NIO,
                                ServerVariant.NETTY_EPOLL),
                        List.of(1_000),
                        0)));
    }

    /**
     * Everything: every server on every workload it serves, at every connection count; curves for plaintext and /delay.
     */
    public static Matrix full() {
        return new Matrix(
                "full",
                List.of(
                        new Group(
                                List.of(Workload.ECHO_64, Workload.ECHO_16K, Workload.FILE_1M),
                                ALL_SERVERS,
                                ALL_CONNECTIONS,
                                CLOSED),
                        new Group(
                                List.of(Workload.PLAINTEXT, Workload.DELAY_10MS), ALL_SERVERS, ALL_CONNECTIONS, CLOSED),
                        // TechEmpower's plaintext test, at its connection counts.
                        new Group(
                                List.of(Workload.PLAINTEXT_PIPELINED),
                                ALL_SERVERS,
                                List.of(256, 1_024, 4_096, 15_000),
                                CLOSED),
                        new Group(
                                List.of(Workload.PLAINTEXT),
                                ALL_SERVERS,
                                List.of(100, 1_000),
                                List.of(10_000L, 20_000L, 40_000L, 60_000L, 80_000L)),
                        new Group(
                                List.of(Workload.DELAY_10MS),
                                ALL_SERVERS,
                                List.of(100, 1_000),
                                List.of(2_500L, 5_000L, 10_000L, 15_000L, 20_000L, 25_000L)),
                        // A new connection per request: the accept path, a thread start per connection, the hand-off
                        // to a pool.
                        new Group(
                                List.of(Workload.PLAINTEXT_CLOSE, Workload.ECHO_64_CLOSE),
                                ALL_SERVERS,
                                List.of(1, 10, 100),
                                CLOSED),
                        // HTTPS: the cipher per response on kept-alive connections, and a full handshake per request.
                        // One server of each kind: nio's poll selector and Netty's other transports change nothing
                        // that TLS does; Netty epoll on BoringSSL beside it on the JDK's TLS says what the JDK's
                        // implementation costs.
                        new Group(List.of(Workload.PLAINTEXT_TLS), TLS_SERVERS, List.of(10, 1_000), CLOSED),
                        new Group(List.of(Workload.PLAINTEXT_TLS_CLOSE), TLS_SERVERS, List.of(1, 10, 100), CLOSED)),
                2,
                3,
                Duration.ofSeconds(1),
                6,
                FULL_BUDGET,
                List.of(new Capacity(
                        List.of(Workload.PLAINTEXT, Workload.DELAY_10MS), ALL_SERVERS, List.of(100, 1_000), 0)));
    }

    /**
     * The matrix that system properties ask for: {@code iolab.matrix} (quick or full), then {@code iolab.servers},
     * {@code iolab.workloads}, {@code iolab.connections} and {@code iolab.loads} (for example
     * {@code closed,5000,10000}: requests per second) replace that dimension in every group; {@code iolab.warmups},
     * {@code iolab.iterations} and {@code iolab.rounds} set the counts, {@code iolab.budget} the time the rounds may
     * take, {@code iolab.slo} the capacity searches' p99 goal in milliseconds (servers, workloads and connections
     * narrow the searches too). Empty values keep the matrix's own.
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
        List<ServerVariant> servers = list(properties, "iolab.servers", ServerVariant::named);
        List<Workload> workloads = list(properties, "iolab.workloads", Workload::named);
        List<Integer> connections = list(properties, "iolab.connections", Matrix::connections);
        List<Long> loads = list(properties, "iolab.loads", Matrix::load);
        List<Group> groups = new ArrayList<>();
        for (Group g : base.groups) {
            groups.add(new Group(workloads == null ? g.workloads : workloads, servers == null ? g.servers : servers,
                    connections == null ? g.connections : connections, loads == null ? g.loads : loads));
        }
        double slo = slo(properties);
        List<Capacity> capacities = new ArrayList<>();
        for (Capacity c : base.capacities) {
            capacities.add(new Capacity(
                    workloads == null ? c.workloads : workloads,
                    servers == null ? c.servers : servers,
                    connections == null ? c.connections : connections,
                    slo > 0 ? slo : c.sloMillis));
        }
        int warmups = count(properties, "iolab.warmups", base.warmups, 0);
        int iterations = count(properties, "iolab.iterations", base.iterations, 1);
        int rounds = count(properties, "iolab.rounds", base.rounds, 1);
        Duration budget = duration(properties, "iolab.budget", base.budget);
        Matrix matrix = new Matrix(base.name, groups, warmups, iterations, base.iteration, rounds, budget, capacities);
        if (matrix.configurations().isEmpty()) {
            throw new IllegalArgumentException("nothing to run: no server asked for serves a workload asked for");
        }
        return matrix;
    }

    /** Every configuration, in the matrix's order, without repeats; combinations a server cannot serve are left out. */
    public List<Configuration> configurations() {
        Set<Configuration> configurations = new LinkedHashSet<>();
        for (Group g : groups) {
            for (Workload w : g.workloads) {
                for (int c : g.connections) {
                    for (long rate : g.loads) {
                        for (ServerVariant s : g.servers) {
                            if (w.servedBy(s)) {
                                configurations.add(new Configuration(s, w, c, rate));
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(configurations);
    }

    /** This matrix without the servers this machine cannot run ({@link ServerVariant#unavailable()}). */
    public Matrix runnableHere() {
        List<Group> runnable = groups.stream()
                .map(g -> new Group(
                        g.workloads,
                        g.servers.stream()
                                .filter(s -> s.unavailable().isEmpty())
                                .toList(),
                        g.connections,
                        g.loads))
                .toList();
        List<Capacity> searchable = capacities.stream()
                .map(c -> new Capacity(
                        c.workloads,
                        c.servers.stream()
                                .filter(s -> s.unavailable().isEmpty())
                                .toList(),
                        c.connections,
                        c.sloMillis))
                .toList();
        return new Matrix(name, runnable, warmups, iterations, iteration, rounds, budget, searchable);
    }

    /** Every capacity search, without repeats; a server is searched only on a workload it serves. */
    public List<Search> searches() {
        Map<String, Search> searches = new LinkedHashMap<>();
        for (Capacity c : capacities) {
            for (Workload w : c.workloads) {
                for (int n : c.connections) {
                    List<ServerVariant> servers =
                            c.servers.stream().filter(w::servedBy).distinct().toList();
                    if (!servers.isEmpty()) {
                        searches.putIfAbsent(
                                w.label() + "_c" + n,
                                new Search(w, n, c.sloMillis > 0 ? c.sloMillis : w.sloMillis(), servers));
                    }
                }
            }
        }
        return List.copyOf(searches.values());
    }

    /** The configurations grouped into blocks whose servers take their turns side by side in each round. */
    public List<Block> blocks() {
        Map<String, List<Configuration>> blocks = new LinkedHashMap<>();
        for (Configuration c : configurations()) {
            blocks.computeIfAbsent(
                            c.workload().label() + "_c" + c.connections() + "_" + c.ratePerSecond(),
                            k -> new ArrayList<>())
                    .add(c);
        }
        return blocks.values().stream()
                .map(cs -> new Block(
                        cs.get(0).workload(), cs.get(0).connections(), cs.get(0).ratePerSecond(), List.copyOf(cs)))
                .toList();
    }

    /**
     * Round 0's long trials, uncounted: for each server process, workload and loop (closed or open), the configuration
     * with the most connections, for {@link #WARM_UP_ROUND_ITERATIONS} s. The largest count grows the server's heap and
     * threads once, so that the counted rounds find them grown. Round 0 then visits every other configuration once, as
     * a counted round does ({@link #iterationsOf}): the JIT's code is not quite the same at every count, and with the
     * long trials alone, round 1 of the 15 configurations they had not visited was the lowest of six rounds in 33% of
     * them (18 runs; 17% would be chance), a median 4.5% below rounds 3-6.
     */
    public List<Configuration> warmUp() {
        Map<String, Configuration> largest = new LinkedHashMap<>();
        for (Configuration c : configurations()) {
            largest.merge(c.serverProcess() + " " + c.workload().label() + " " + c.openLoop(), c,
                    (a, b) -> b.connections() > a.connections() ? b : a);
        }
        return List.copyOf(largest.values());
    }

    /** How long one measurement iteration of {@code c} lasts: a second for an open loop, {@link #iteration} else. */
    public Duration iterationOf(Configuration c) {
        return c.openLoop() ? SECOND_ITERATION : iteration;
    }

    /** How long one measurement iteration of {@code c} lasts in {@code round}: a second in round 0's long trials. */
    public Duration iterationOf(Configuration c, int round) {
        return longWarmUp(c, round) ? SECOND_ITERATION : iterationOf(c);
    }

    /** How many measurement iterations a trial of {@code c} has in {@code round}. */
    public int iterationsOf(Configuration c, int round) {
        return longWarmUp(c, round) ? WARM_UP_ROUND_ITERATIONS : iterations;
    }

    /** How long a counted trial of {@code c} measures. */
    public Duration measurementOf(Configuration c) {
        return iterationOf(c).multipliedBy(iterations);
    }

    /** How long a trial of {@code c} measures in {@code round}. */
    public Duration measurementOf(Configuration c, int round) {
        return iterationOf(c, round).multipliedBy(iterationsOf(c, round));
    }

    private boolean longWarmUp(Configuration c, int round) {
        return round == 0 && warmUp().contains(c);
    }

    /** How many trials the run will measure, repeats of disturbed ones aside. */
    public int trials() {
        return configurations().size() * rounds;
    }

    private static <T> List<T> list(Properties properties, String key, Function<String, T> parse) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return null;
        }
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(parse)
                .distinct()
                .toList();
    }

    private static int connections(String text) {
        int n = integer("connections", text);
        if (n < 1 || n > 15_000) {
            throw new IllegalArgumentException(
                    "connections must be from 1 to 15000 (the open-file limit is 20000): " + text);
        }
        return n;
    }

    private static long load(String text) {
        if (text.equals("closed")) {
            return 0;
        }
        try {
            long rate = Long.parseLong(text);
            if (rate > 0 && rate <= 10_000_000) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(
                "a load is 'closed' or an open loop's rate in requests per second, from 1 to 10000000: '" + text + "'");
    }

    /** {@code iolab.slo}: the p99 goal in milliseconds ({@code 10}, {@code 2.5} or {@code 10ms}); 0 when not set. */
    private static double slo(Properties properties) {
        String value = properties.getProperty("iolab.slo", "").trim();
        if (value.isEmpty()) {
            return 0;
        }
        try {
            double ms = Double.parseDouble(value.endsWith("ms") ? value.substring(0, value.length() - 2) : value);
            if (ms > 0 && ms <= 60_000) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(
                "slo is the capacity searches' p99 goal in milliseconds, above 0 and at most 60000: '" + value + "'");
    }

    private static int count(Properties properties, String key, int fallback, int min) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        int n = integer(key.substring("iolab.".length()), value);
        if (n < min) {
            throw new IllegalArgumentException(
                    key.substring("iolab.".length()) + " must be at least " + min + ": " + value);
        }
        return n;
    }

    /** {@code 90s}, {@code 10m}, {@code 1h} or a number of minutes; {@code 0} for no extra rounds. */
    private static Duration duration(Properties properties, String key, Duration fallback) {
        String value = properties.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return fallback;
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)([smh]?)").matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(key.substring("iolab.".length())
                    + " is a time such as 90s, 10m or 1h (a bare number is minutes): '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private static int integer(String what, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number: '" + text + "'");
        }
    }
}
