package iolab.clients;

import iolab.clients.http.HttpWorkload;

import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.ServerVariant;
import iolab.servers.Servers;
import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.reference.NettyHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new connection per request, 100,000 times, on each of the lab's four models and Netty:
 * every response arrives, nothing fails, and afterwards the process holds no more descriptors
 * or threads than before. (Server and client share this JVM, so both sides are counted. The
 * JDK's server is left out: its connections are the JDK's code, and it speaks TCP only, where
 * 100,000 connections take twice as long.)
 */
class ConnectionChurnTest {

    static final int CONNECTIONS = 100_000;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServerVariant.class, names = {"THREAD_PER_CONNECTION", "POOL", "VIRTUAL", "NIO", "NETTY_EPOLL"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aHundredThousandConnectionsLeaveNoDescriptorOrThreadBehind(ServerVariant variant) throws Exception {
        variant.unavailable().ifPresent(Assumptions::abort);
        // Over a Unix domain socket: the same accept, serve and close as over TCP, for less of the kernel's work per
        // connection, so that 100,000 of them fit in the suite.
        java.net.SocketAddress endpoint = java.net.UnixDomainSocketAddress.of(dir.resolve("churn.sock"));
        ServerSettings settings = variant.configure(ServerSettings.defaults(variant.model(), endpoint));
        if (variant.model().hasEventLoops()) {
            settings = settings.withLoops(1);
        }
        HttpSettings http = HttpSettings.defaults(dir);
        try (Server server =
                Servers.create(settings, new HttpProtocol(http), p -> NettyHttp.configure(p, http.maxBodyBytes()))) {
            server.start();
            Target target = new Target(server.address(), "localhost", "/plaintext");
            churn(target, 2_000); // the pools, loops and caches that are made once
            long descriptors = settle(ConnectionChurnTest::descriptors, Long.MAX_VALUE);
            long threads = settle(ConnectionChurnTest::threads, Long.MAX_VALUE);

            Map<ErrorKind, Long> errors = churn(target, CONNECTIONS);

            assertEquals(0, errors.values().stream().mapToLong(Long::longValue).sum(), errors.toString());
            long descriptorsAfter = settle(ConnectionChurnTest::descriptors, descriptors + 4);
            long threadsAfter = settle(ConnectionChurnTest::threads, threads + 2);
            assertTrue(
                    descriptorsAfter <= descriptors + 4,
                    "descriptors " + descriptors + " before, " + descriptorsAfter + " after");
            assertTrue(threadsAfter <= threads + 2, "threads " + threads + " before, " + threadsAfter + " after");
        }
    }

    /** {@code count} connections, each with one request and its response; returns the errors. */
    private static Map<ErrorKind, Long> churn(Target target, int count) throws Exception {
        LoadSettings settings = new LoadSettings(
                        target,
                        new HttpWorkload(
                                "GET", target.path(), target.host(), HttpWorkload.closing(List.of()), new byte[0]),
                        1,
                        16,
                        0,
                        1,
                        Duration.ZERO,
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5))
                .withReconnect();
        try (LoadRun run = LoadRun.start(settings)) {
            run.awaitConnected();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            while (run.completed() + run.errorCount() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            run.stop(Duration.ofSeconds(2));
            assertTrue(
                    run.completed() >= count,
                    "only " + run.completed() + " of " + count + " connections answered in 100 s");
            return run.errors();
        }
    }

    /**
     * Waits up to 5 s for {@code figure} to come down to {@code target}, or with no target (a baseline, while the
     * previous run's teardown may still be under way) until it holds still for 300 ms; returns where it settled.
     */
    private static long settle(java.util.function.LongSupplier figure, long target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        long value = figure.getAsLong();
        long stillSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            boolean settled = target == Long.MAX_VALUE
                    ? System.nanoTime() - stillSince >= TimeUnit.MILLISECONDS.toNanos(300)
                    : value <= target;
            if (settled) {
                break;
            }
            Thread.sleep(50);
            long next = figure.getAsLong();
            if (next != value) {
                stillSince = System.nanoTime();
            }
            value = next;
        }
        return value;
    }

    private static long descriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    private static long threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
