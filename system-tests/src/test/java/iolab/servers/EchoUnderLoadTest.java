package iolab.servers;

import iolab.servers.ServerCase.Family;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static iolab.servers.Clients.await;
import static iolab.servers.Clients.connect;
import static iolab.servers.Clients.randomBytes;
import static iolab.servers.Clients.readToEnd;
import static iolab.servers.Clients.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many clients, misbehaving clients, and the limits: on every model, over TCP/IPv4. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoUnderLoadTest {

    static Stream<ServerCase> everyCase() {
        return ServerCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void twoThousandConcurrentConnectionsEachGetTheirOwnBytesBack(ServerCase serverCase) throws Exception {
        int clients = 2_000;
        try (Server server = serverCase.startEcho(serverCase.settings(Family.IPV4));
             ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch allConnected = new CountDownLatch(clients);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] own = randomBytes(64 + i % 512, i);
                results.add(clientThreads.submit(() -> {
                    try (SocketChannel client = connect(server.address())) {
                        allConnected.countDown();
                        allConnected.await(); // every connection is open before any is served
                        return java.util.Arrays.equals(own, roundTrip(client, own));
                    }
                }));
            }
            int correct = 0;
            for (Future<Boolean> result : results) {
                correct += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(clients, correct, "clients that got exactly their own bytes back");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void fiftyResettingClientsDisturbNobodyAndLeaveNoThreadOrDescriptorBehind(ServerCase serverCase) throws Exception {
        try (Server server = serverCase.startEcho(serverCase.settings(Family.IPV4));
                SocketChannel bystander = connect(server.address())) {
            assertArrayEquals(new byte[] {1}, roundTrip(bystander, new byte[] {1}));
            // The pool's threads are started on demand and then kept: start them all (the bystander holds one) before
            // counting.
            warmUp(server.address(), ServerCase.TEST_POOL_THREADS - 1);
            await(
                    "warm-up connections to close",
                    5_000,
                    () -> server.connections().open() == 1);
            long fdsBefore = Clients.openFileDescriptors();
            int threadsBefore = liveThreads();

            byte[] bulk = randomBytes(256 * 1024, 7);
            for (int i = 0; i < 50; i++) {
                SocketChannel resetter = connect(server.address());
                resetter.setOption(StandardSocketOptions.SO_LINGER, 0); // close sends RST
                ByteBuffer part = ByteBuffer.wrap(bulk, 0, 1 + i * 5000);
                while (part.hasRemaining()) {
                    resetter.write(part);
                }
                resetter.close();
            }

            byte[] message = randomBytes(10_000, 8);
            assertArrayEquals(message, roundTrip(bystander, message), "the bystander is still served");
            await("the server to release the 50 reset connections", 10_000, () -> server.connections().open() == 1);
            await("threads back to " + threadsBefore, 10_000, () -> liveThreads() <= threadsBefore);
            await("file descriptors back to " + fdsBefore, 10_000, () -> Clients.openFileDescriptors() <= fdsBefore);
        }
    }

    /**
     * The client sends and never reads. Were the server to queue what it cannot send, the
     * client could send without end; it must instead stall once the kernel buffers between
     * them are full, while another client is served as usual.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void aClientThatNeverReadsIsThrottledAndOthersAreStillServed(ServerCase serverCase) throws Exception {
        try (Server server = serverCase.startEcho(serverCase.settings(Family.IPV4));
             SocketChannel hog = connect(server.address());
             Selector selector = Selector.open()) {
            hog.configureBlocking(false);
            hog.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer chunk = ByteBuffer.wrap(randomBytes(64 * 1024, 9));
            long sent = 0;
            long limit = 512L * 1024 * 1024;
            // Stalled: not writable for a whole second. The kernel's buffers on loopback hold a few MiB.
            while (sent < limit && selector.select(1_000) > 0) {
                selector.selectedKeys().clear();
                sent += hog.write(chunk.clear());
            }
            assertTrue(
                    sent < 64L * 1024 * 1024,
                    "the hog sent " + sent + " bytes before stalling: the server buffered without bound");

            try (SocketChannel other = connect(server.address())) {
                byte[] message = randomBytes(4096, 10);
                assertArrayEquals(
                        message, roundTrip(other, message), "another client is served while the hog is stalled");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void maxConnectionsTurnsAwayTheExtraOneWithoutDisturbingTheAdmitted(ServerCase serverCase) throws Exception {
        int max = 3;
        try (Server server = serverCase.startEcho(serverCase.settings(Family.IPV4).withMaxConnections(max))) {
            List<SocketChannel> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < max; i++) {
                    SocketChannel client = connect(server.address());
                    admitted.add(client);
                    assertArrayEquals(new byte[] {(byte) i}, roundTrip(client, new byte[] {(byte) i}));
                }
                try (SocketChannel extra = connect(server.address())) {
                    assertEquals(0, readToEndOrReset(extra), "the extra connection is closed at once, unserved");
                }
                assertEquals(1, server.connections().rejected());
                for (SocketChannel client : admitted) {
                    byte[] message = randomBytes(1000, admitted.indexOf(client));
                    assertArrayEquals(message, roundTrip(client, message), "an admitted client is still served");
                }
                admitted.remove(0).close();
                await(
                        "a closed connection to free its place",
                        5_000,
                        () -> server.connections().open() == max - 1);
                try (SocketChannel next = connect(server.address())) {
                    assertArrayEquals(
                            new byte[] {7},
                            roundTrip(next, new byte[] {7}),
                            "a freed place is given to the next client");
                }
            } finally {
                for (SocketChannel client : admitted) {
                    client.close();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCase")
    void anIdleConnectionIsClosedAfterTheIdleTimeout(ServerCase serverCase) throws Exception {
        ServerSettings settings = serverCase.settings(Family.IPV4).withIdleTimeout(Duration.ofMillis(200));
        try (Server server = serverCase.startEcho(settings);
             SocketChannel idle = connect(server.address())) {
            assertArrayEquals(new byte[] {5}, roundTrip(idle, new byte[] {5}));
            long start = System.nanoTime();
            assertEquals(0, readToEndOrReset(idle));
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMillis >= 150, "closed after " + waitedMillis + " ms, before the idle timeout");
        }
    }

    private static void warmUp(SocketAddress address, int connections) throws Exception {
        List<SocketChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                open.add(connect(address));
            }
            for (SocketChannel channel : open) {
                roundTrip(channel, new byte[] {9});
            }
        } finally {
            for (SocketChannel channel : open) {
                channel.close();
            }
        }
    }

    private static int readToEndOrReset(SocketChannel channel) {
        try {
            return readToEnd(channel).length;
        } catch (IOException reset) {
            return 0;
        }
    }


    /** Platform threads; a virtual thread that ended cannot hold anything, and the counter covers it. */
    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

}
