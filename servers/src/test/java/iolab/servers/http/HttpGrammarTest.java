package iolab.servers.http;

import iolab.servers.protocol.Codec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the codec answers to requests it must refuse (RFC 9110/9112), checked once, without a socket: every lab model
 * speaks through this one codec, so the models' own tests keep only what a model adds (reading, closing).
 */
class HttpGrammarTest {

    @TempDir
    Path root;

    /** A codec's answer to one request on a fresh connection. */
    private record Answer(int status, String head, String body, boolean closeRequested) {
    }

    private Answer answer(HttpSettings http, String request) throws IOException {
        Codec codec = new HttpProtocol(http).newCodec();
        HttpCodecContractTest.Recording out = new HttpCodecContractTest.Recording();
        codec.received(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)), out);
        String sent = out.sent.toString();
        assertTrue(sent.startsWith("HTTP/1.1 "), "an answer to " + abbreviate(request) + ": " + abbreviate(sent));
        int headEnd = sent.indexOf("\r\n\r\n");
        return new Answer(Integer.parseInt(sent.substring(9, 12)), sent.substring(0, headEnd),
                sent.substring(headEnd + 4), out.closeRequested);
    }

    @Test
    void eachLimitAndErrorGetsItsPreciseStatusAndABodyThatExplains() throws Exception {
        HttpSettings http = new HttpSettings(root, 1000, HttpSettings.DEFAULT_HEADER_TIMEOUT);
        String many = "X-F: 1\r\n".repeat(101);
        String[][] cases = {
            {"400", "GARBAGE\r\n\r\n"},
            {"414", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"431", "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n"},
            {"431", "GET / HTTP/1.1\r\nHost: t\r\n" + many + "\r\n"},
            {"413", "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n"},
            {"413", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3e9\r\n"},
            {"501", "BREW /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"505", "GET /plaintext HTTP/2.0\r\nHost: t\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\n\r\n"},
            {"400", "GET /delay?ms=x HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"501", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
            {"417", "POST /echo HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx"},
        };
        for (String[] expected : cases) {
            Answer answer = answer(http, expected[1]);
            assertEquals(Integer.parseInt(expected[0]), answer.status(), abbreviate(expected[1]));
            assertTrue(answer.body().startsWith(expected[0]), "the body explains: " + answer.body());
        }
    }

    /** The message shapes behind request smuggling: each is refused with 400 and its connection closed. */
    @Test
    void ambiguousFramingIsRejectedNotGuessed() throws Exception {
        String[] smuggling = {
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3, 4\r\n\r\nabcd",
            "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: +3\r\n\r\nabc",
            "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
            "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n",
            "GET /plaintext HTTP/1.1\nHost: t\r\n\r\n",
            "GET /plaintext HTTP/1.1\r\nHost: t\nX-A: 1\r\n\r\n",
            "GET /plaintext HTTP/1.1\r\nHost: t\rX-A: 1\r\n\r\n",
            "GET /plaintext HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET  /plaintext HTTP/1.1\r\nHost: t\r\n\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
            "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n",
        };
        for (String request : smuggling) {
            Answer answer = answer(HttpSettings.defaults(root), request);
            assertEquals(400, answer.status(), abbreviate(request));
            assertTrue(answer.head().contains("\r\nConnection: close"), abbreviate(request));
            assertTrue(answer.closeRequested(), "the codec asks its model to close after " + abbreviate(request));
        }
    }

    /** The head is checked where it lies, byte by byte: what each check accepts and refuses. */
    @Test
    void theHeadsBytesAreCheckedAsTheRfcSays() throws Exception {
        String[][] cases = {
            {"200", "GET /plaintext HTTP/1.1\r\nHOST: t\r\nx-any: caf\u00e9 \t\r\n\r\n"}, // obs-text in a value
            {"200", "GET /plaintext HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"},
            {"200", "GET /plaintext HTTP/1.1\r\nHost: a%20b.example\r\n\r\n"},
            {"200", "GET /plaintext HTTP/1.1\r\nHost:\r\n\r\n"}, // empty: allowed (RFC 9112, 3.2)
            {"400", "GET /plaintext HTTP/1.1\r\nHost: a b\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: [::1\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t:8x\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: a\u0001b\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-A: a\u007fb\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t\r\nX@A: 1\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t\r\n: 1\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1\r\nHost: t\r\nNoColon\r\n\r\n"},
            {"400", "GET /plain\rtext HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"400", "GET /plain#text HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"400", "GET /plaintext HTTP/1.1 \r\nHost: t\r\n\r\n"},
            {"400", "G(T /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"400", "GET /plaintext http/1.1\r\nHost: t\r\n\r\n"},
            {"505", "GET /plaintext HTTP/1.2\r\nHost: t\r\n\r\n"},
            {"501", "GETS /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"},
            {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n X: 1\r\n\r\n"},
            {"400", "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: \u0001\r\n\r\n"},
            {"200", "POST /echo HTTP/1.1\r\nHost: t\r\ntransfer-ENCODING: Chunked\r\n\r\n1\r\nx\r\n0\r\nX: 1\r\n\r\n"},
        };
        for (String[] expected : cases) {
            assertEquals(Integer.parseInt(expected[0]), answer(HttpSettings.defaults(root), expected[1]).status(),
                    abbreviate(expected[1]));
        }
    }

    /** Connection's options are a comma-separated list, matched without regard to case. */
    @Test
    void connectionCloseIsFoundInAListInAnyCase() throws Exception {
        assertTrue(answer(HttpSettings.defaults(root),
                "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: x, CLOSE \r\n\r\n").closeRequested());
        assertTrue(!answer(HttpSettings.defaults(root),
                "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: closed\r\n\r\n").closeRequested());
        assertTrue(!answer(HttpSettings.defaults(root),
                "GET /plaintext HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").closeRequested());
        assertTrue(answer(HttpSettings.defaults(root), "GET /plaintext HTTP/1.0\r\n\r\n").closeRequested());
    }

    @Test
    void aBadDelayIsRefusedWithAReason() throws Exception {
        Answer answer = answer(HttpSettings.defaults(root), "GET /delay?ms=999999 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(400, answer.status());
        assertTrue(answer.body().contains("ms=N"), answer.body());
    }

    private static String abbreviate(String request) {
        String shown = request.replace("\r", "\\r").replace("\n", "\\n");
        return shown.length() > 120 ? shown.substring(0, 120) + "..." : shown;
    }
}
