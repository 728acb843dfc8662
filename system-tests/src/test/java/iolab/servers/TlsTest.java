package iolab.servers;

import iolab.servers.http.HttpSettings;
import iolab.servers.tls.ServerIdentity;
import iolab.servers.tls.Tls;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS on every HTTP server, with a client that checks the certificate: keep-alive requests,
 * records split at every byte, a handshake that stalls, one reset half-way, one flooded with alerts,
 * a client-initiated renegotiation (refused) and a close_notify sent with the last request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(400);
    private static ServerIdentity identity;
    private static SSLContext client;

    @TempDir
    static Path root;

    @BeforeAll
    static void oneIdentityAndAClientThatTrustsIt() throws Exception {
        identity = ServerIdentity.makeSelfSigned();
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("iolab", identity.chain().getFirst());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
    }

    /** Every HTTP server on the JDK's TLS, and Netty on BoringSSL too. */
    static Stream<Arguments> everyServerAndProvider() {
        List<Arguments> cases = new ArrayList<>();
        for (HttpCase c : HttpCase.all()) {
            cases.add(Arguments.of(c, Tls.Provider.JDK));
        }
        cases.add(Arguments.of(new HttpCase(ServerVariant.NETTY_EPOLL), Tls.Provider.OPENSSL));
        return cases.stream();
    }

    private static Server start(HttpCase c, Tls.Provider provider) throws IOException {
        return start(c, provider, c.settings());
    }

    private static Server start(HttpCase c, Tls.Provider provider, ServerSettings settings) throws IOException {
        Tls.unavailable(provider).ifPresent(Assumptions::abort);
        Tls tls = new Tls(identity, provider, HANDSHAKE_TIMEOUT);
        return c.start(
                settings.withTls(tls), new HttpSettings(root, HttpSettings.DEFAULT_MAX_BODY_BYTES, HANDSHAKE_TIMEOUT));
    }

    /** One event loop, where there are loops: whatever takes it takes the whole server. */
    private static ServerSettings oneLoop(HttpCase c) throws IOException {
        ServerSettings settings = c.settings();
        return switch (settings.own()) {
            case ServerSettings.NioSettings nio -> settings.withLoops(1);
            case ServerSettings.NettySettings netty -> settings.withLoops(1);
            default -> settings;
        };
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(HttpCase c, Tls.Provider provider)
            throws Exception {
        try (Server server = start(c, provider);
                SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port(server))) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name 127.0.0.1
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream()
                        .write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                assertEquals("Hello, World!", body(socket.getInputStream()), c + ": request " + (i + 1));
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void recordsSplitAtEveryByteAreGatheredAgain(HttpCase c, Tls.Provider provider) throws Exception {
        try (Server server = start(c, provider);
                SocketChannel channel = SocketChannel.open(server.address())) {
            channel.setOption(
                    StandardSocketOptions.TCP_NODELAY, true); // so that each byte leaves as a segment of its own
            SSLEngine engine = client.createSSLEngine("localhost", port(server));
            engine.setUseClientMode(true);
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            exchange(
                    engine,
                    channel,
                    "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    response);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200") && text.endsWith("Hello, World!"), c + ": " + text);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void aHandshakeThatStallsIsCutOffWhileOthersAreServed(HttpCase c, Tls.Provider provider) throws Exception {
        Assumptions.assumeTrue(
                c.model() != Model.JDK, "the JDK's HttpsServer has no handshake timeout that can be set");
        try (Server server = start(c, provider);
                SocketChannel stalled = SocketChannel.open(server.address())) {
            // The first bytes of a ClientHello's record header, then nothing.
            stalled.write(ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02}));
            long start = System.nanoTime();
            requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(server);
            stalled.socket().setSoTimeout(5_000);
            int n;
            try (InputStream in = stalled.socket().getInputStream()) {
                n = in.read();
            } catch (IOException reset) {
                n = -1;
            }
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(-1, n, c + ": the stalled connection was closed");
            assertTrue(waitedMillis >= HANDSHAKE_TIMEOUT.toMillis() / 2 && waitedMillis < 4_000,
                    c + ": closed after the handshake timeout, not before nor much later: " + waitedMillis + " ms");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void aClientResetMidHandshakeLeavesNothingOpen(HttpCase c, Tls.Provider provider) throws Exception {
        try (Server server = start(c, provider)) {
            for (int i = 0; i < 20; i++) {
                SocketChannel channel = SocketChannel.open(server.address());
                SSLEngine engine = client.createSSLEngine("localhost", port(server));
                engine.setUseClientMode(true);
                ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
                engine.wrap(ByteBuffer.allocate(0), hello);
                hello.flip().limit(hello.limit() / 2);
                channel.write(hello); // half a ClientHello
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                channel.close(); // RST
            }
            requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(server);
            if (c.model() != Model.JDK) { // the JDK's server counts no connections
                Clients.await("every reset connection closed", 5_000, () -> server.connections().open() == 0);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void aHandshakeFloodedWithAlertsIsCutOffWhileOthersAreServed(HttpCase c, Tls.Provider provider) throws Exception {
        Assumptions.assumeTrue(
                c.model() != Model.JDK, "the JDK's HttpsServer has no handshake timeout that can be set");
        // Warning alerts (user_canceled) in plaintext records, before any ClientHello: the JDK's TLS ignores each one.
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x5a};
        ByteBuffer flood = ByteBuffer.allocate(alert.length * 2_000);
        while (flood.hasRemaining()) {
            flood.put(alert);
        }
        long floodMillis = 8_000;
        try (Server server = start(c, provider, oneLoop(c));
                SocketChannel flooder = SocketChannel.open(server.address())) {
            java.util.concurrent.CompletableFuture<Long> cutOffAfter =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        long start = System.nanoTime();
                        try {
                            while (System.nanoTime() - start < floodMillis * 1_000_000) {
                                flooder.write(flood.clear());
                            }
                            return null; // never cut off
                        } catch (IOException cutOff) {
                            return (System.nanoTime() - start) / 1_000_000;
                        }
                    });
            Thread.sleep(200); // the flood has the loop
            long start = System.nanoTime();
            requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(server);
            long servedMillis = (System.nanoTime() - start) / 1_000_000;
            Long floodedMillis = cutOffAfter.get(floodMillis + 5_000, TimeUnit.MILLISECONDS);
            assertTrue(floodedMillis != null, c + ": the flood went on for " + floodMillis + " ms, never cut off");
            assertTrue(
                    floodedMillis < 4_000,
                    c + ": the flooded handshake was cut off after " + floodedMillis
                            + " ms, not at the handshake timeout");
            assertTrue(servedMillis < 4_000, c + ": a fresh client beside the flood waited " + servedMillis + " ms");
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void aClientInitiatedRenegotiationIsRefusedAndOthersAreServed(HttpCase c, Tls.Provider provider) throws Exception {
        try (Server server = start(c, provider);
             SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port(server))) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"}); // TLS 1.3 has no renegotiation
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("Hello, World!", body(socket.getInputStream()), c + ": before the renegotiation");
            IOException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    IOException.class,
                    () -> {
                        socket.startHandshake(); // on an established TLS 1.2 session: a renegotiation
                        socket.getOutputStream()
                                .write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                        .getBytes(StandardCharsets.US_ASCII));
                        body(socket.getInputStream());
                    },
                    c + ": the renegotiation was accepted and the request answered");
            assertTrue(
                    !(refused instanceof java.net.SocketTimeoutException), c + ": the renegotiation hung: " + refused);
            requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(server);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyServerAndProvider")
    void aCloseNotifySentWithTheLastRequestClosesTheConnectionOnceItIsAnswered(HttpCase c, Tls.Provider provider)
            throws Exception {
        Assumptions.assumeTrue(
                c.model() != Model.JDK,
                "the JDK's HttpsServer keeps a connection after the client's close_notify until its idle timeout");
        try (Server server = start(c, provider);
                java.net.Socket socket = new java.net.Socket("127.0.0.1", port(server))) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(5_000); // the idle timeout is 60 s: a server that missed the close_notify waits for it
            SSLEngine engine = client.createSSLEngine("localhost", port(server));
            engine.setUseClientMode(true);
            long start = System.nanoTime();
            String text;
            try {
                text = requestThenCloseNotify(engine, socket, "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n");
            } catch (java.net.SocketTimeoutException stillOpen) {
                throw new AssertionError(c + ": the connection stayed open after the client's close_notify", stillOpen);
            }
            // BoringSSL shuts both directions when the close_notify arrives, so the request that came with it goes
            // unanswered (TLS 1.2's rule; TLS 1.3 lets the server answer, as the JDK's TLS does).
            assertTrue(
                    provider == Tls.Provider.OPENSSL
                            ? text.isEmpty()
                            : text.startsWith("HTTP/1.1 200") && text.endsWith("Hello, World!"),
                    c + " on " + provider + ": answered, then closed: " + text);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 4_000, c + ": closed at once");
        }
    }

    private static void requestsOnOneKeptAliveConnectionAreAnsweredOverAVerifiedCertificate(Server server)
            throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port(server))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("Hello, World!", body(socket.getInputStream()));
        }
    }

    /**
     * A client that drives its engine over a blocking channel and writes every byte of ciphertext on its own: each TLS
     * record reaches the server in pieces of one byte. Sends {@code request} once the handshake is done; reads to the
     * end.
     */
    private static void exchange(
            SSLEngine engine, SocketChannel channel, String request, ByteArrayOutputStream response)
            throws IOException {
        engine.beginHandshake();
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        ByteBuffer appOut = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (true) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP
                    || (status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && appOut.hasRemaining())) {
                netOut.clear();
                engine.wrap(appOut, netOut);
                netOut.flip();
                while (netOut.hasRemaining()) {
                    ByteBuffer one = netOut.slice(netOut.position(), 1);
                    while (channel.write(one) == 0) {
                        Thread.onSpinWait();
                    }
                    netOut.position(netOut.position() + 1);
                }
            } else {
                netIn.flip();
                SSLEngineResult result = engine.unwrap(netIn, appIn);
                netIn.compact();
                if (appIn.position() > 0) {
                    response.write(appIn.array(), 0, appIn.position());
                    appIn.clear();
                }
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return;
                }
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(netIn) < 0) {
                    return;
                }
            }
        }
    }

    /**
     * Drives {@code engine} over {@code socket}: the handshake, then {@code request} and the client's close_notify in
     * one write, so that they arrive in one segment; returns the plaintext received until the server closes.
     */
    private static String requestThenCloseNotify(SSLEngine engine, java.net.Socket socket, String request)
            throws IOException {
        engine.beginHandshake();
        InputStream in = socket.getInputStream();
        java.io.OutputStream out = socket.getOutputStream();
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        ByteBuffer appOut = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        while (!engine.isInboundDone()) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                engine.wrap(ByteBuffer.allocate(0), netOut.clear());
                out.write(netOut.array(), 0, netOut.position());
            } else if (status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && appOut.hasRemaining()) {
                engine.wrap(appOut, netOut.clear());
                engine.closeOutbound();
                engine.wrap(ByteBuffer.allocate(0), netOut); // close_notify, behind the request
                out.write(netOut.array(), 0, netOut.position());
            } else {
                netIn.flip();
                SSLEngineResult result = engine.unwrap(netIn, appIn);
                netIn.compact();
                received.write(appIn.array(), 0, appIn.position());
                appIn.clear();
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                    if (n < 0) {
                        break;
                    }
                    netIn.position(netIn.position() + n);
                }
            }
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** The body of one response read from {@code in}, by its Content-Length. */
    private static String body(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int at = text.indexOf("content-length:");
        int length = Integer.parseInt(text.substring(at + 15, text.indexOf("\r\n", at)).strip());
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static int port(Server server) {
        return ((InetSocketAddress) server.address()).getPort();
    }
}
