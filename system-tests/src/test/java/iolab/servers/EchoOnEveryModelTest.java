package iolab.servers;

import iolab.servers.ServerCase.Family;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static iolab.servers.Clients.connect;
import static iolab.servers.Clients.randomBytes;
import static iolab.servers.Clients.readExactly;
import static iolab.servers.Clients.readToEnd;
import static iolab.servers.Clients.roundTrip;
import static iolab.servers.Clients.writeFully;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The echo contract, on every model and every address family. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoOnEveryModelTest {

    private static final int MAX_MESSAGE = 64 * 1024;

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void echoesEveryMessageSizeFromOneByteTo64KiB(ServerCase serverCase, Family family) throws Exception {
        try (Server server = serverCase.startEcho(serverCase.settings(family));
             SocketChannel client = connect(server.address())) {
            byte[] pattern = randomBytes(MAX_MESSAGE, 1);
            for (int size = 1; size <= MAX_MESSAGE; size += step(size, family)) {
                ByteBuffer message = ByteBuffer.wrap(pattern, 0, size);
                while (message.hasRemaining()) {
                    client.write(message);
                }
                byte[] echoed = readExactly(client, size);
                assertTrue(
                        ByteBuffer.wrap(echoed).equals(ByteBuffer.wrap(pattern, 0, size)),
                        "echo of " + size + " bytes");
            }
        }
    }

    /**
     * Every size to 4 KiB, and over IPv4 on past the servers' 16 KiB read buffer to 20 KiB; beyond that a prime
     * stride, so that the suite stays fast while a message still ends at every offset of a buffer somewhere.
     */
    private static int step(int size, Family family) {
        return size < (family == Family.IPV4 ? 20 * 1024 : 4096) ? 1 : 251;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void echoes32MiBWhileTheClientWritesAndReadsAtOnce(ServerCase serverCase, Family family) throws Exception {
        byte[] payload = randomBytes(32 * 1024 * 1024, 2);
        try (Server server = serverCase.startEcho(serverCase.settings(family));
             SocketChannel client = connect(server.address())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    writeFully(client, payload);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = readExactly(client, payload.length);
            writer.get(30, TimeUnit.SECONDS);
            assertArrayEquals(payload, echoed);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void echoesInputSplitAtEveryByte(ServerCase serverCase, Family family) throws Exception {
        byte[] message = randomBytes(300, 3);
        try (Server server = serverCase.startEcho(serverCase.settings(family));
             SocketChannel client = connect(server.address())) {
            for (int cut = 0; cut <= message.length; cut += 7) {
                writeFully(client, java.util.Arrays.copyOfRange(message, 0, cut));
                byte[] first = readExactly(client, cut);
                writeFully(client, java.util.Arrays.copyOfRange(message, cut, message.length));
                byte[] rest = readExactly(client, message.length - cut);
                assertArrayEquals(message, concat(first, rest), "split at byte " + cut);
            }
            for (byte b : message) {
                writeFully(client, new byte[] {b}); // one byte per segment (TCP_NODELAY is on for the server)
            }
            assertArrayEquals(message, readExactly(client, message.length));
        }
    }

    /**
     * The client's receive buffer is tiny and it reads slowly: the server's writes are taken in part and must be
     * completed.
     */
    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void completesWritesTheKernelTakesInPart(ServerCase serverCase, Family family) throws Exception {
        byte[] payload = randomBytes(4 * 1024 * 1024, 4);
        try (Server server = serverCase.startEcho(serverCase.settings(family))) {
            SocketAddress address = server.address();
            try (SocketChannel client = connect(address, 4096)) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        writeFully(client, payload);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                ByteBuffer echoed = ByteBuffer.allocate(payload.length);
                while (echoed.hasRemaining()) {
                    ByteBuffer sip = echoed.slice().limit(Math.min(997, echoed.remaining()));
                    int n = client.read(sip);
                    assertTrue(n >= 0, "server closed early");
                    echoed.position(echoed.position() + n);
                }
                writer.get(30, TimeUnit.SECONDS);
                assertArrayEquals(payload, echoed.array());
            }
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void afterHalfCloseEchoesEverythingThenCloses(ServerCase serverCase, Family family) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                serverCase.name().equals("netty-nio") && family == Family.UNIX,
                "Netty's NIO Unix-domain channel has no half-closure: on EOF it closes and drops what it had not yet "
                        + "written");
        // Seen once in three suites: 986,688 of 1,048,593 bytes echoed, the connection closed before its tail was
        // written.
        org.junit.jupiter.api.Assumptions.assumeFalse(
                serverCase.name().equals("netty-iouring") && family == Family.UNIX,
                "Netty's io_uring Unix-domain channel sometimes closes on EOF before it has written all it echoed "
                        + "(4.2.18)");
        byte[] payload = randomBytes(1024 * 1024 + 17, 5);
        try (Server server = serverCase.startEcho(serverCase.settings(family));
             SocketChannel client = connect(server.address())) {
            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return readToEnd(client);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writeFully(client, payload);
            client.shutdownOutput();
            assertArrayEquals(payload, reader.get(30, TimeUnit.SECONDS));
            Clients.await("the server to count the connection closed", 5_000, () -> server.connections().open() == 0);
        }
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("iolab.servers.ServerCase#everyCaseAndFamily")
    void stopClosesOpenConnectionsAndRemovesTheSocketFile(ServerCase serverCase, Family family) throws Exception {
        Server server = serverCase.startEcho(serverCase.settings(family));
        SocketAddress address = server.address();
        try (SocketChannel client = connect(address)) {
            assertArrayEquals(new byte[] {42}, roundTrip(client, new byte[] {42}));
            assertEquals(
                    1,
                    server.stop(java.time.Duration.ofMillis(50)),
                    "connections closed at the end of the grace period");
            assertEquals(0, readToEnd(client).length);
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            assertFalse(Files.exists(unix.getPath()), "socket file removed");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
