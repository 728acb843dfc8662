package iolab.servers;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything that configures a server; every run records it. The settings every model shares
 * are here; those that only one model takes are in its own record ({@link #own()}), so a pool
 * has threads and no event loops, and nio has loops, a selector and workers but no pool.
 *
 * @param endpoint       where to listen: an {@link java.net.InetSocketAddress} (IPv4 or IPv6)
 *                       or a {@link java.net.UnixDomainSocketAddress}
 * @param backlog        listen backlog (the kernel caps it at {@code somaxconn})
 * @param maxConnections open connections beyond which a new one is closed at once
 * @param idleTimeout    a connection that moves no byte for this long is closed; zero: never
 * @param grace          on stop, how long open connections may take to finish
 * @param acceptDelay    the lab's four models pause this long after each accept, so that connections wait in the
 *                       kernel's listen queue (the backlog's lesson); zero: none. The references cannot be made slow.
 * @param own            the model's own settings: {@link PoolSettings}, {@link NioSettings}, {@link NettySettings},
 *                       or {@link NoSettings} for thread-per-connection, virtual and the JDK's server
 * @param tls            HTTPS: the server's identity and TLS implementation; null for plain TCP
 */
public record ServerSettings(
        Model model,
        SocketAddress endpoint,
        int backlog,
        int maxConnections,
        Duration idleTimeout,
        Duration grace,
        Duration acceptDelay,
        ModelSettings own,
        iolab.servers.tls.Tls tls) {

    /** Plain TCP. */
    public ServerSettings(
            Model model,
            SocketAddress endpoint,
            int backlog,
            int maxConnections,
            Duration idleTimeout,
            Duration grace,
            Duration acceptDelay,
            ModelSettings own) {
        this(model, endpoint, backlog, maxConnections, idleTimeout, grace, acceptDelay, own, null);
    }

    public static final int DEFAULT_THREADS = 200;
    public static final int DEFAULT_BACKLOG = 4096;
    /**
     * Four fifths of the open files this process may have ({@link #maxConnectionsFor}): 16,000 under this machine's
     * limit of 20,000. Past it a new connection is closed at once, counted, rather than met by {@code EMFILE} in the
     * accept loop.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = maxConnectionsFor(openFileLimit());
    /**
     * The open files kept for the JVM itself (its jars, selectors, epoll and event descriptors, logs) when the limit is
     * small.
     */
    private static final int RESERVED_FILES = 64;

    /**
     * The connections a process whose open-file limit is {@code limit} can hold with a fifth (at least 64) to spare; at
     * least 1.
     */
    public static int maxConnectionsFor(long limit) {
        long spare = Math.max(RESERVED_FILES, limit / 5);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit - spare));
    }

    /** This process's open-file limit (RLIMIT_NOFILE), or 20,000 where the JVM cannot say. */
    static long openFileLimit() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : 20_000;
    }

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** As many workers as the pool model has threads, so that /delay compares like with like. */
    public static final int DEFAULT_WORKERS = DEFAULT_THREADS;
    public static final int DEFAULT_WORKER_QUEUE = 10_000;

    /**
     * Netty's transports: the JDK's selector, its own epoll(7), and io_uring(7), where the kernel completes the I/O.
     */
    public enum NettyTransport {
        NIO,
        EPOLL,
        IO_URING;

        /** As the command line takes it: {@code nio}, {@code epoll}, {@code io_uring}. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static NettyTransport fromName(String name) {
            for (NettyTransport t : values()) {
                if (t.cliName().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("expected nio, epoll or io_uring, not '" + name + "'");
        }
    }

    /** What only one model takes. */
    public sealed interface ModelSettings permits NoSettings, PoolSettings, NioSettings, NettySettings {
    }

    /** thread-per-connection, virtual and the JDK's server: nothing of their own. */
    public record NoSettings() implements ModelSettings {
    }

    /** @param threads the pool's platform threads */
    public record PoolSettings(int threads) implements ModelSettings {
        public PoolSettings {
            requirePositive("threads", threads);
        }
    }

    /**
     * @param loops       event loops
     * @param selector    the selector provider: {@code epoll}, {@code poll}, or null for the JDK's default
     * @param workers     threads of the pool that runs blocking work off the event loops
     * @param workerQueue blocking work that may wait for a worker; beyond it the work is refused
     */
    public record NioSettings(int loops, String selector, int workers, int workerQueue) implements ModelSettings {
        public NioSettings {
            requirePositive("loops", loops);
            requirePositive("workers", workers);
            requirePositive("worker-queue", workerQueue);
        }
    }

    /**
     * @param loops     event loops
     * @param transport Netty's transport
     */
    public record NettySettings(int loops, NettyTransport transport) implements ModelSettings {
        public NettySettings {
            requirePositive("loops", loops);
            Objects.requireNonNull(transport, "transport");
        }
    }

    public ServerSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(own, "own");
        requirePositive("backlog", backlog);
        requirePositive("max-connections", maxConnections);
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout must not be negative: " + idleTimeout);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        Objects.requireNonNull(acceptDelay, "acceptDelay");
        if (acceptDelay.isNegative()) {
            throw new IllegalArgumentException("accept-delay must not be negative: " + acceptDelay);
        }
        if (acceptDelay.isPositive() && (model == Model.NETTY || model == Model.JDK)) {
            throw new IllegalArgumentException("accept-delay applies to the lab's four models, not to " + model);
        }
        if (tls != null && endpoint instanceof java.net.UnixDomainSocketAddress) {
            throw new IllegalArgumentException("--tls is served over TCP (IPv4 or IPv6), not on a Unix domain socket");
        }
        if (tls != null && tls.provider() != iolab.servers.tls.Tls.Provider.JDK && model != Model.NETTY) {
            throw new IllegalArgumentException(
                    "--tls-provider " + tls.provider().cliName()
                            + " is Netty's; the lab's models and the JDK's server use the JDK's TLS");
        }
        if (own.getClass() != defaultsOf(model).getClass()) {
            throw new IllegalArgumentException(
                    model + " takes " + defaultsOf(model).getClass().getSimpleName() + ", not "
                            + own.getClass().getSimpleName());
        }
    }

    /** The defaults of the command line, for {@code model} on {@code endpoint}. */
    public static ServerSettings defaults(Model model, SocketAddress endpoint) {
        return new ServerSettings(
                model,
                endpoint,
                DEFAULT_BACKLOG,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_GRACE,
                Duration.ZERO,
                defaultsOf(model));
    }

    /** A model's own settings by default: a pool of 200, one event loop per core, 200 nio workers, Netty on NIO. */
    public static ModelSettings defaultsOf(Model model) {
        int cores = Runtime.getRuntime().availableProcessors();
        return switch (model) {
            case POOL -> new PoolSettings(DEFAULT_THREADS);
            case NIO -> new NioSettings(cores, null, DEFAULT_WORKERS, DEFAULT_WORKER_QUEUE);
            case NETTY -> new NettySettings(cores, NettyTransport.NIO);
            case THREAD_PER_CONNECTION, VIRTUAL, JDK -> new NoSettings();
        };
    }

    public PoolSettings pool() {
        return own(PoolSettings.class);
    }

    public NioSettings nio() {
        return own(NioSettings.class);
    }

    public NettySettings netty() {
        return own(NettySettings.class);
    }

    private <T extends ModelSettings> T own(Class<T> type) {
        if (!type.isInstance(own)) {
            throw new IllegalStateException(model + " has no " + type.getSimpleName());
        }
        return type.cast(own);
    }

    /**
     * Requests that can wait on the server at once (a blocking {@code /delay}): the pool's threads,
     * nio's workers; 0 when only the connections bound it. Little's law turns it into a throughput ceiling.
     */
    public int inServiceLimit() {
        return switch (own) {
            case PoolSettings pool -> pool.threads();
            case NioSettings nio -> nio.workers();
            default -> 0;
        };
    }

    /**
     * How often a server looks for idle connections and for protocol deadlines (an HTTP
     * header timeout): a quarter of the idle timeout, between 10 and 250 ms.
     */
    public Duration sweepPeriod() {
        return Duration.ofMillis(idleTimeout.isZero() ? 250 : Math.max(10, Math.min(250, idleTimeout.toMillis() / 4)));
    }

    public ServerSettings with(ModelSettings value) {
        return new ServerSettings(
                model, endpoint, backlog, maxConnections, idleTimeout, grace, acceptDelay, value, tls);
    }

    /** pool only. */
    public ServerSettings withThreads(int value) {
        pool();
        return with(new PoolSettings(value));
    }

    /** nio and netty only. */
    public ServerSettings withLoops(int value) {
        return switch (own) {
            case NioSettings n -> with(new NioSettings(value, n.selector(), n.workers(), n.workerQueue()));
            case NettySettings n -> with(new NettySettings(value, n.transport()));
            default -> throw new IllegalStateException(model + " has no event loops");
        };
    }

    /** nio only. */
    public ServerSettings withSelector(String value) {
        NioSettings n = nio();
        return with(new NioSettings(n.loops(), value, n.workers(), n.workerQueue()));
    }

    /** nio only. */
    public ServerSettings withWorkers(int value, int queue) {
        NioSettings n = nio();
        return with(new NioSettings(n.loops(), n.selector(), value, queue));
    }

    /** netty only. */
    public ServerSettings withTransport(NettyTransport value) {
        NettySettings n = netty();
        return with(new NettySettings(n.loops(), value));
    }

    public ServerSettings withMaxConnections(int value) {
        return new ServerSettings(model, endpoint, backlog, value, idleTimeout, grace, acceptDelay, own, tls);
    }

    public ServerSettings withIdleTimeout(Duration value) {
        return new ServerSettings(model, endpoint, backlog, maxConnections, value, grace, acceptDelay, own, tls);
    }

    public ServerSettings withBacklog(int value) {
        return new ServerSettings(model, endpoint, value, maxConnections, idleTimeout, grace, acceptDelay, own, tls);
    }

    public ServerSettings withAcceptDelay(Duration value) {
        return new ServerSettings(model, endpoint, backlog, maxConnections, idleTimeout, grace, value, own, tls);
    }

    /** HTTPS with {@code value}; null for plain TCP. */
    public ServerSettings withTls(iolab.servers.tls.Tls value) {
        return new ServerSettings(
                model, endpoint, backlog, maxConnections, idleTimeout, grace, acceptDelay, own, value);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
