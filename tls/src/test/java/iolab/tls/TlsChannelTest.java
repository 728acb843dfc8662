package iolab.tls;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TlsChannel} on both ends of a loopback connection, driven by one thread as an event loop drives it: records
 * split at every byte, plaintext larger than the reader's buffer, close_notify both ways (and behind the last data),
 * and the handshake's budget of records a turn.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsChannelTest {

    private static SSLContext server;
    private static SSLContext client;

    private SocketChannel serverSide;
    private SocketChannel clientSide;

    /**
     * A key and self-signed certificate made by the JDK's own keytool, and a client that trusts just that certificate.
     */
    @BeforeAll
    static void aKeyAndAClientThatTrustsIt(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "secret", "-keypass", "secret").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertEquals(0, keytool.waitFor(), output);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "secret".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "secret".toCharArray());
        server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", keys.getCertificate("server"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
    }

    @BeforeEach
    void aConnection() throws IOException {
        try (ServerSocketChannel listener =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            clientSide = SocketChannel.open(listener.getLocalAddress());
            serverSide = listener.accept();
        }
        for (SocketChannel channel : new SocketChannel[] {clientSide, serverSide}) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
    }

    @AfterEach
    void closeBoth() throws IOException {
        clientSide.close();
        serverSide.close();
    }

    private static SSLEngine engine(SSLContext context, boolean clientMode) {
        SSLEngine engine = clientMode ? context.createSSLEngine("127.0.0.1", 443) : context.createSSLEngine();
        engine.setUseClientMode(clientMode);
        return engine;
    }

    @Test
    void recordsThatArriveOneByteAtATimeAreGatheredIntoWholeOnes() throws Exception {
        // The client's side goes through a relay that forwards every byte in a write of its own, both ways.
        try (Relay relay = new Relay()) {
            TlsChannel tlsClient = new TlsChannel(relay.clientEnd(), engine(client, true));
            TlsChannel tlsServer = new TlsChannel(relay.serverEnd(), engine(server, false));
            byte[] request = randomBytes(20_000, 1); // more than one record: 16 KiB is the most one holds
            byte[] response = randomBytes(3_000, 2);
            assertArrayEquals(request, transfer(tlsClient, tlsServer, request), "the request, whole");
            assertArrayEquals(response, transfer(tlsServer, tlsClient, response), "the response, whole");
        }
    }

    @Test
    void plaintextLargerThanTheReadersBufferWaitsInTheChannelAndIsSaidToBeThere() throws Exception {
        Ends ends = handshaken();
        TlsChannel tlsClient = ends.client();
        TlsChannel tlsServer = ends.server();
        byte[] record = randomBytes(1_000, 3);
        assertEquals(record.length, tlsClient.write(ByteBuffer.wrap(record)));
        ByteBuffer small = ByteBuffer.allocate(100);
        pump(() -> read(tlsServer, small) > 0, tlsClient, tlsServer);
        assertEquals(100, small.position(), "as much as the buffer holds");
        assertTrue(tlsServer.hasBufferedInput(), "the rest is held, where the selector cannot see it");
        ByteBuffer rest = ByteBuffer.allocate(2_000);
        rest.put(small.flip());
        while (tlsServer.hasBufferedInput()) {
            assertTrue(tlsServer.read(rest) > 0, "a read takes what is held, without the socket");
        }
        assertArrayEquals(record, Arrays.copyOf(rest.array(), rest.position()));
    }

    @Test
    void aCloseNotifyEndsTheInputBothWaysAndOneBehindTheLastDataIsSeenWithoutTheSocket() throws Exception {
        Ends ends = handshaken();
        TlsChannel tlsClient = ends.client();
        TlsChannel tlsServer = ends.server();
        byte[] last = randomBytes(50, 4);
        tlsClient.write(ByteBuffer.wrap(last));
        tlsClient.shutdownOutput(); // its close_notify, right behind the data
        awaitReadable(serverSide); // on loopback a write has reached the peer when it returns: both are there
        ByteBuffer in = ByteBuffer.allocate(1_000);
        assertEquals(last.length, tlsServer.read(in), "the data first");
        assertTrue(tlsServer.hasBufferedInput(), "the close_notify taken with it is said to be there");
        assertEquals(-1, tlsServer.read(in), "then the end, at once");
        tlsServer.close(); // sends the server's close_notify
        ByteBuffer back = ByteBuffer.allocate(100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int n;
        while ((n = tlsClient.read(back)) == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(-1, n, "the client sees the server's close_notify as the end, not an error");
    }

    @Test
    void aHandshakeFloodedWithRecordsTakesSixteenATurnAndSaysTheRestAreWaiting() throws Exception {
        TlsChannel tlsServer = new TlsChannel(serverSide, engine(server, false));
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x5a
        }; // a warning (user_canceled): ignored, so it finishes nothing
        ByteBuffer flood = ByteBuffer.allocate(alert.length * 100);
        while (flood.hasRemaining()) {
            flood.put(alert);
        }
        flood.flip();
        while (flood.hasRemaining()) {
            clientSide.write(flood);
        }
        awaitReadable(serverSide); // one write, one segment: all of it
        int turns = 0;
        while (true) {
            assertFalse(tlsServer.handshake(), "alerts never finish a handshake");
            turns++;
            if (!tlsServer.hasBufferedInput()) {
                break;
            }
            assertTrue(turns < 100, "each turn takes some");
        }
        assertEquals(100 / TlsChannel.HANDSHAKE_RECORDS_PER_TURN + 1, turns, "a hundred records, sixteen a turn");
    }

    /** Writes {@code data} through {@code from} and reads it from {@code to}, moving both ends on as a loop would. */
    private static byte[] transfer(TlsChannel from, TlsChannel to, byte[] data) throws Exception {
        ByteBuffer out = ByteBuffer.wrap(data);
        ByteBuffer in = ByteBuffer.allocate(data.length);
        pump(() -> {
            try {
                if (out.hasRemaining() || from.hasPendingOutput()) {
                    from.write(out);
                }
                if (to.handshaking()) {
                    to.handshake();
                } else {
                    to.read(in);
                }
                return !in.hasRemaining();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, from, to);
        return in.array();
    }

    private record Ends(TlsChannel client, TlsChannel server) {
    }

    /** TLS on both ends of the direct connection, the handshake done. */
    private Ends handshaken() throws Exception {
        Ends ends = new Ends(
                new TlsChannel(clientSide, engine(client, true)), new TlsChannel(serverSide, engine(server, false)));
        pump(() -> !ends.client().handshaking() && !ends.server().handshaking(), ends.client(), ends.server());
        return ends;
    }

    /** Moves both handshakes on until {@code done}, for at most ten seconds. */
    private static void pump(BooleanSupplier done, TlsChannel a, TlsChannel b) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (a.handshaking()) {
                a.handshake();
            }
            if (b.handshaking()) {
                b.handshake();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not done in 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitReadable(SocketChannel channel) throws IOException {
        try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
            channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
            assertEquals(1, selector.select(5_000), "readable within 5 s");
        }
    }

    private static int read(TlsChannel channel, ByteBuffer into) {
        try {
            return channel.read(into);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Two connections of its own, client end to relay and relay to server end; every byte is forwarded in a write of
     * its own, in both directions, so that each record arrives in one-byte pieces.
     */
    private final class Relay implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final SocketChannel clientEnd;
        private final SocketChannel serverEnd;
        private final Socket toClient;
        private final Socket toServer;

        Relay() throws IOException {
            clientEnd = SocketChannel.open(listener.getLocalSocketAddress());
            toClient = listener.accept();
            try (ServerSocketChannel serverListener =
                    ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                toServer = new Socket(
                        InetAddress.getLoopbackAddress(),
                        ((InetSocketAddress) serverListener.getLocalAddress()).getPort());
                serverEnd = serverListener.accept();
            }
            for (SocketChannel channel : new SocketChannel[] {clientEnd, serverEnd}) {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            toClient.setTcpNoDelay(true);
            toServer.setTcpNoDelay(true);
            forward(toClient, toServer);
            forward(toServer, toClient);
        }

        SocketChannel clientEnd() {
            return clientEnd;
        }

        SocketChannel serverEnd() {
            return serverEnd;
        }

        private void forward(Socket from, Socket to) {
            Thread.ofPlatform().daemon().start(() -> {
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int b;
                    while ((b = in.read()) >= 0) {
                        out.write(b); // a segment of its own: TCP_NODELAY
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        @Override
        public void close() throws IOException {
            for (java.io.Closeable c : new java.io.Closeable[] {clientEnd, serverEnd, toClient, toServer, listener}) {
                c.close();
            }
        }
    }
}
