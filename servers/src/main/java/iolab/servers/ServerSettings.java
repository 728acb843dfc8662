package iolab.servers;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything that configures a server; every run records it. Settings that do not apply to
 * the model (for example {@code loops} for {@code pool}) are carried but unused.
 *
 * @param endpoint       where to listen: an {@link java.net.InetSocketAddress} (IPv4 or IPv6)
 *                       or a {@link java.net.UnixDomainSocketAddress}
 * @param threads        pool size of the {@code pool} model
 * @param loops          event loops of {@code nio} and {@code netty}
 * @param backlog        listen backlog (the kernel caps it at {@code somaxconn})
 * @param maxConnections open connections beyond which a new one is closed at once
 * @param idleTimeout    a connection that moves no byte for this long is closed; zero: never
 * @param grace          on stop, how long open connections may take to finish
 * @param selector       {@code nio}'s selector provider: {@code epoll}, {@code poll}, or null for the JDK's default
 * @param transport      {@code netty}'s transport
 * @param workers        {@code nio}: threads of the pool that runs blocking work off the event loops
 * @param workerQueue    {@code nio}: blocking work that may wait for a worker; beyond it the work is refused
 */
public record ServerSettings(
        Model model,
        SocketAddress endpoint,
        int threads,
        int loops,
        int backlog,
        int maxConnections,
        Duration idleTimeout,
        Duration grace,
        String selector,
        NettyTransport transport,
        int workers,
        int workerQueue) {

    public static final int DEFAULT_THREADS = 200;
    public static final int DEFAULT_BACKLOG = 4096;
    /** Below the 20,000 open files a process may have here, leaving room for the JVM's own. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    /** As many workers as the pool model has threads, so that /delay compares like with like. */
    public static final int DEFAULT_WORKERS = DEFAULT_THREADS;
    public static final int DEFAULT_WORKER_QUEUE = 10_000;

    public enum NettyTransport { NIO, EPOLL }

    public ServerSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(transport, "transport");
        requirePositive("threads", threads);
        requirePositive("loops", loops);
        requirePositive("backlog", backlog);
        requirePositive("max-connections", maxConnections);
        requirePositive("workers", workers);
        requirePositive("worker-queue", workerQueue);
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle-timeout must not be negative: " + idleTimeout);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
    }

    /** The defaults of the command line, for {@code model} on {@code endpoint}. */
    public static ServerSettings defaults(Model model, SocketAddress endpoint) {
        return new ServerSettings(model, endpoint, DEFAULT_THREADS, Runtime.getRuntime().availableProcessors(),
                DEFAULT_BACKLOG, DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT, DEFAULT_GRACE, null,
                NettyTransport.NIO, DEFAULT_WORKERS, DEFAULT_WORKER_QUEUE);
    }

    /**
     * How often a server looks for idle connections and for protocol deadlines (an HTTP
     * header timeout): a quarter of the idle timeout, between 10 and 250 ms.
     */
    public Duration sweepPeriod() {
        return Duration.ofMillis(idleTimeout.isZero() ? 250 : Math.max(10, Math.min(250, idleTimeout.toMillis() / 4)));
    }

    public ServerSettings withThreads(int value) {
        return new ServerSettings(model, endpoint, value, loops, backlog, maxConnections, idleTimeout, grace, selector, transport, workers, workerQueue);
    }

    public ServerSettings withLoops(int value) {
        return new ServerSettings(model, endpoint, threads, value, backlog, maxConnections, idleTimeout, grace, selector, transport, workers, workerQueue);
    }

    public ServerSettings withMaxConnections(int value) {
        return new ServerSettings(model, endpoint, threads, loops, backlog, value, idleTimeout, grace, selector, transport, workers, workerQueue);
    }

    public ServerSettings withIdleTimeout(Duration value) {
        return new ServerSettings(model, endpoint, threads, loops, backlog, maxConnections, value, grace, selector, transport, workers, workerQueue);
    }

    public ServerSettings withSelector(String value) {
        return new ServerSettings(model, endpoint, threads, loops, backlog, maxConnections, idleTimeout, grace, value, transport, workers, workerQueue);
    }

    public ServerSettings withTransport(NettyTransport value) {
        return new ServerSettings(model, endpoint, threads, loops, backlog, maxConnections, idleTimeout, grace, selector, value, workers, workerQueue);
    }

    public ServerSettings withWorkers(int value, int queue) {
        return new ServerSettings(model, endpoint, threads, loops, backlog, maxConnections, idleTimeout, grace, selector, transport, value, queue);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + value);
        }
    }
}
