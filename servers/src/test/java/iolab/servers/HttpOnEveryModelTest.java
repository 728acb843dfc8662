package iolab.servers;

import iolab.servers.RawHttp.Reply;
import iolab.servers.http.HttpSettings;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static iolab.servers.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP/1.1 as every server speaks it, the reference servers included. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpOnEveryModelTest {

    @TempDir
    Path root;

    static Stream<HttpCase> everyServer() {
        return HttpCase.all().stream();
    }

    static Stream<HttpCase> labModelsAndNetty() {
        return HttpCase.all().stream().filter(c -> c.model() != Model.JDK);
    }

    static Stream<HttpCase> labModels() {
        return HttpCase.labModels().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void plaintextAndJsonCarryDateServerAndContentLength(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            Reply plaintext = client.exchange(get("/plaintext"));
            assertEquals(200, plaintext.status());
            assertEquals("Hello, World!", plaintext.text());
            assertTrue(plaintext.header("Content-Type").startsWith("text/plain"));
            assertNotNull(plaintext.header("Server"));
            Instant date = DateTimeFormatter.RFC_1123_DATE_TIME.parse(plaintext.header("Date"), Instant::from);
            assertTrue(Math.abs(date.getEpochSecond() - Instant.now().getEpochSecond()) < 5, "Date is now");
            Reply json = client.exchange(get("/json"));
            assertEquals("{\"message\":\"Hello, World!\"}", json.text());
            assertEquals("application/json", json.header("Content-Type"));
            Reply head = client.send("HEAD /plaintext HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals("13", head.header("Content-Length"), "HEAD carries the GET's length, and no body");
            assertEquals(404, client.exchange(get("/nowhere")).status());
            assertEquals("Hello, World!", client.exchange(get("/plaintext")).text(), "still on the same connection");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void sixteenPipelinedRequestsAreAnsweredInOrder(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                String body = "request " + i;
                pipeline.append(i % 3 == 0 ? get("/delay?ms=" + (16 - i))
                        : "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            }
            client.send(pipeline.toString());
            for (int i = 0; i < 16; i++) {
                Reply reply = client.read(false);
                assertEquals(200, reply.status());
                assertEquals(
                        i % 3 == 0 ? "delayed " + (16 - i) + " ms\n" : "request " + i, reply.text(), "response " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void aRequestSplitAtEveryBytePositionIsUnderstood(HttpCase c) throws Exception {
        String request = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            client.socket.setTcpNoDelay(true);
            for (int cut = 1; cut < bytes.length; cut++) {
                client.send(java.util.Arrays.copyOfRange(bytes, 0, cut));
                client.send(java.util.Arrays.copyOfRange(bytes, cut, bytes.length));
                Reply reply = client.read(false);
                assertEquals("hello", reply.text(), "split at byte " + cut);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void http10ClosesUnlessAskedToKeepAlive(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root))) {
            try (RawHttp client = new RawHttp(server.address())) {
                assertEquals(200, client.exchange("GET /plaintext HTTP/1.0\r\n\r\n").status());
                assertTrue(client.closedByServer(), "HTTP/1.0 closes by default");
            }
            try (RawHttp client = new RawHttp(server.address())) {
                Reply first = client.exchange("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertEquals("keep-alive", first.header("Connection").toLowerCase(Locale.ROOT));
                assertEquals(200, client.exchange("GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").status());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void connectionCloseIsHonoured(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            Reply reply = client.exchange("GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertEquals(200, reply.status());
            if (c.model() != Model.JDK) { // the JDK's server closes without saying so
                assertEquals("close", reply.header("Connection").toLowerCase(Locale.ROOT));
            }
            assertTrue(client.closedByServer());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void aChunkedBodyIsEchoed(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root));
                RawHttp client = new RawHttp(server.address())) {
            Reply reply = client.exchange(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: text/x-test\r\n\r\n"
                            + "5\r\nhello\r\n1\r\n,\r\n6\r\n world\r\n0\r\n\r\n");
            assertEquals(200, reply.status());
            assertEquals("hello, world", reply.text());
            assertEquals(
                    200, client.exchange(get("/plaintext")).status(), "the connection goes on after a chunked body");
        }
    }

    /** The JDK's server stumbles on these; the lab's codec and Netty's read them as RFC 9112 says. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("labModelsAndNetty")
    void chunkExtensionsAndTrailersAreReadAndIgnored(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root));
                RawHttp client = new RawHttp(server.address())) {
            Reply reply = client.exchange(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Type: text/x-test\r\n\r\n"
                            + "5\r\nhello\r\n1;ext=1\r\n,\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
            assertEquals(200, reply.status());
            assertEquals("hello, world", reply.text());
            assertEquals("text/x-test", reply.header("Content-Type"));
            assertEquals(
                    200, client.exchange(get("/plaintext")).status(), "the connection goes on after a chunked body");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void expect100ContinueGetsAnInterimResponseBeforeTheBody(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root));
                RawHttp client = new RawHttp(server.address())) {
            Reply interim = client.send(
                            "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
                    .read(false);
            assertEquals(100, interim.status());
            Reply reply = client.send("body").read(false);
            assertEquals("body", reply.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void anAbsoluteFormTargetIsServed(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root));
                RawHttp client = new RawHttp(server.address())) {
            assertEquals(
                    "Hello, World!",
                    client.exchange("GET http://test/plaintext HTTP/1.1\r\nHost: test\r\n\r\n")
                            .text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void aKnownRouteWithTheWrongMethodGets405WithAllow(HttpCase c) throws Exception {
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            Reply reply = client.exchange("DELETE /plaintext HTTP/1.1\r\nHost: t\r\n\r\n");
            assertEquals(405, reply.status());
            assertTrue(reply.header("Allow").contains("GET"), reply.headers().toString());
            Reply echo = client.exchange(get("/echo"));
            assertEquals(405, echo.status());
            assertEquals("POST", echo.header("Allow"));
        }
    }

    /**
     * What the codec refuses ({@code http.HttpGrammarTest} has every case) is answered and its connection closed by
     * every lab model: a head too large for one read, a body over the limit, and a smuggling shape.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void aRefusedRequestIsAnsweredAndItsConnectionClosed(HttpCase c) throws Exception {
        HttpSettings http = new HttpSettings(root, 1000, HttpSettings.DEFAULT_HEADER_TIMEOUT);
        try (Server server = c.start(http)) {
            String[][] cases = {
                {"431", "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n"},
                {"413", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n"},
                {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n"},
            };
            for (String[] expected : cases) {
                try (RawHttp client = new RawHttp(server.address())) {
                    Reply reply = client.exchange(expected[1]);
                    assertEquals(Integer.parseInt(expected[0]), reply.status(), abbreviate(expected[1]));
                    assertTrue(client.closedByServer(), "closed after " + abbreviate(expected[1]));
                }
            }
            try (RawHttp client = new RawHttp(server.address())) {
                assertEquals(200, client.exchange(get("/plaintext")).status(), "the server goes on serving");
            }
        }
    }

    private static String abbreviate(String request) {
        String shown = request.replace("\r", "\\r").replace("\n", "\\n");
        return shown.length() > 120 ? shown.substring(0, 120) + "..." : shown;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout(HttpCase c) throws Exception {
        try (Server server = c.start(
                        c.settings().withIdleTimeout(java.time.Duration.ofMillis(200)), HttpSettings.defaults(root));
                RawHttp client = new RawHttp(server.address())) {
            assertEquals(200, client.exchange(get("/plaintext")).status());
            assertTrue(client.closedByServer());
        }
    }
}
