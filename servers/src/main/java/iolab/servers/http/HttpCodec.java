package iolab.servers.http;

import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 (RFC 9112) for one connection: an incremental parser that accepts a request split
 * at any byte, then the router, then the response writer. Requests are answered in order;
 * a request whose reply needs blocking work holds back the ones pipelined behind it.
 *
 * <p>Where RFC 9112 lets a server either accept or reject an ambiguous message (the shapes
 * behind request smuggling), this codec rejects: both {@code Transfer-Encoding} and
 * {@code Content-Length}; differing {@code Content-Length}s; {@code Transfer-Encoding} in
 * HTTP/1.0; whitespace before a colon; folded lines; bare CR or LF; a second {@code Host}.
 * Every refusal is answered with its status and the connection is closed, since what
 * follows can no longer be framed with certainty.
 */
final class HttpCodec implements Codec {

    static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_HEADER_FIELDS = 100;
    private static final int MAX_CHUNK_LINE_BYTES = 1024;
    private static final java.util.regex.Pattern CHUNK_SIZE = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,15}");

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DISPATCH, WAITING, CLOSED }

    private final HttpSettings settings;
    private final Routes routes;
    private State state = State.HEAD;
    private volatile long headStartedNanos;

    private String method;
    private String target;
    private int minorVersion;
    private List<String[]> headers;
    private ByteArrayOutputStream body;
    private long bodyRemaining;
    private long chunkRemaining;
    private int trailerBytes;

    HttpCodec(HttpSettings settings, Routes routes) {
        this.settings = settings;
        this.routes = routes;
    }

    @Override
    public void received(ByteBuffer input, Outbound out) throws IOException {
        try {
            boolean progressed = true;
            while (progressed && state != State.WAITING && state != State.CLOSED) {
                progressed = switch (state) {
                    case HEAD -> readHead(input, out);
                    case BODY -> readFixedBody(input);
                    case CHUNK_SIZE -> readChunkSize(input);
                    case CHUNK_DATA -> readChunkData(input);
                    case CHUNK_END -> readChunkEnd(input);
                    case TRAILERS -> readTrailers(input);
                    case DISPATCH -> dispatch(out);
                    case WAITING, CLOSED -> false;
                };
            }
        } catch (HttpException refused) {
            Response.error(refused.status(), refused.getMessage()).writeTo(out, false, false);
            close(out);
        }
        if (state == State.CLOSED) {
            input.position(input.limit()); // nothing after a refusal or a last response is read
        }
    }

    @Override
    public boolean expired(long nowNanos) {
        long started = headStartedNanos;
        return started != 0 && nowNanos - started > settings.headerTimeout().toNanos();
    }

    // ---------------------------------------------------------------- request head

    private boolean readHead(ByteBuffer in, Outbound out) throws HttpException, IOException {
        skipEmptyLines(in);
        if (!in.hasRemaining()) {
            return false;
        }
        if (headStartedNanos == 0) {
            headStartedNanos = System.nanoTime();
        }
        int start = in.position();
        int lineEnd = indexOf(in, start, start + MAX_REQUEST_LINE_BYTES + 2, (byte) '\n');
        if (lineEnd < 0) {
            if (in.remaining() > MAX_REQUEST_LINE_BYTES + 1) {
                throw new HttpException(414, "request line longer than " + MAX_REQUEST_LINE_BYTES + " bytes");
            }
            return false;
        }
        if (lineEnd == start || in.get(lineEnd - 1) != '\r') {
            throw new HttpException(400, "request line not ended by CRLF");
        }
        int headerStart = lineEnd + 1;
        int headEnd = endOfHeaderSection(in, lineEnd - 1);
        if (headEnd < 0) {
            if (in.limit() - headerStart > MAX_HEADER_BYTES + 2) {
                throw new HttpException(431, "header section longer than " + MAX_HEADER_BYTES + " bytes");
            }
            return false;
        }
        if (headEnd - headerStart > MAX_HEADER_BYTES) {
            throw new HttpException(431, "header section longer than " + MAX_HEADER_BYTES + " bytes");
        }
        parseRequestLine(text(in, start, lineEnd - 1));
        headers = parseHeaders(text(in, headerStart, headEnd));
        in.position(headEnd + 2);
        headStartedNanos = 0;
        chooseFraming(in, out);
        return true;
    }

    /** RFC 9112, 2.2: a server SHOULD ignore empty lines received before a request line. */
    private static void skipEmptyLines(ByteBuffer in) {
        while (in.remaining() >= 2 && in.get(in.position()) == '\r' && in.get(in.position() + 1) == '\n') {
            in.position(in.position() + 2);
        }
    }

    /** The index just past the header section's last CRLF (of CRLF CRLF), or -1. */
    private static int endOfHeaderSection(ByteBuffer in, int from) {
        for (int i = from; i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                return i + 2;
            }
        }
        return -1;
    }

    private void parseRequestLine(String line) throws HttpException {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new HttpException(400, "malformed request line");
        }
        for (int i = 0; i < parts[1].length(); i++) {
            char c = parts[1].charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '#') {
                throw new HttpException(400, "malformed request target");
            }
        }
        String version = parts[2];
        if (version.length() != 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))
                || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpException(505, version + " (this server speaks HTTP/1.0 and HTTP/1.1)");
        }
        method = parts[0];
        target = parts[1];
        minorVersion = version.charAt(7) - '0';
    }

    private static List<String[]> parseHeaders(String section) throws HttpException {
        List<String[]> fields = new ArrayList<>();
        if (section.isEmpty()) {
            return fields;
        }
        // The section's line ends were checked (CRLF only) by text(); each field ends with one.
        for (int lineStart = 0, lineEnd; (lineEnd = section.indexOf("\r\n", lineStart)) >= 0; lineStart = lineEnd + 2) {
            String line = section.substring(lineStart, lineEnd);
            if (fields.size() == MAX_HEADER_FIELDS) {
                throw new HttpException(431, "more than " + MAX_HEADER_FIELDS + " header fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new HttpException(400, "obsolete line folding");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HttpException(400, "malformed header field name");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < ' ' && c != '\t') || c == 0x7f) {
                    throw new HttpException(400, "control character in a header field value");
                }
            }
            fields.add(new String[] {line.substring(0, colon), value});
        }
        return fields;
    }

    /** Decides how the body is framed, refusing every ambiguous combination. */
    private void chooseFraming(ByteBuffer in, Outbound out) throws HttpException, IOException {
        List<String> hosts = HttpRequest.valuesOf(headers, "Host");
        if (hosts.size() > 1 || (minorVersion == 1 && hosts.isEmpty())) {
            throw new HttpException(400, hosts.isEmpty() ? "HTTP/1.1 request without Host" : "more than one Host");
        }
        List<String> transferEncodings = HttpRequest.valuesOf(headers, "Transfer-Encoding");
        List<String> contentLengths = HttpRequest.valuesOf(headers, "Content-Length");
        body = new ByteArrayOutputStream();
        boolean chunked = false;
        long length = 0;
        if (!transferEncodings.isEmpty()) {
            if (minorVersion == 0) {
                throw new HttpException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (!contentLengths.isEmpty()) {
                throw new HttpException(400, "both Transfer-Encoding and Content-Length");
            }
            List<String> codings = new ArrayList<>();
            for (String value : transferEncodings) {
                for (String coding : value.split(",")) {
                    if (!coding.isBlank()) {
                        codings.add(coding.strip().toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (codings.isEmpty() || !codings.getLast().equals("chunked")) {
                throw new HttpException(400, "Transfer-Encoding does not end in chunked");
            }
            if (codings.size() > 1) {
                throw new HttpException(501, "transfer coding " + codings.getFirst() + " is not supported");
            }
            chunked = true;
        } else if (!contentLengths.isEmpty()) {
            String agreed = null;
            for (String value : contentLengths) {
                for (String part : value.split(",", -1)) {
                    String number = part.strip();
                    if (!isDigits(number, 18) || (agreed != null && !agreed.equals(number))) {
                        throw new HttpException(400, "invalid or conflicting Content-Length");
                    }
                    agreed = number;
                }
            }
            length = Long.parseLong(agreed);
            if (length > settings.maxBodyBytes()) {
                throw new HttpException(413, "body of " + length + " bytes, more than " + settings.maxBodyBytes());
            }
        }
        List<String> expectations = HttpRequest.valuesOf(headers, "Expect");
        if (!expectations.isEmpty()) {
            String expect = String.join(", ", expectations);
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpException(417, "unsupported expectation " + expect);
            }
            if ((chunked || length > 0) && !in.hasRemaining() && minorVersion == 1) {
                Response.writeContinue(out);
            }
        }
        if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            bodyRemaining = length;
            state = State.BODY;
        } else {
            state = State.DISPATCH;
        }
    }

    // ---------------------------------------------------------------- body

    private boolean readFixedBody(ByteBuffer in) {
        int n = (int) Math.min(bodyRemaining, in.remaining());
        if (n == 0) {
            return false;
        }
        copyBody(in, n);
        bodyRemaining -= n;
        if (bodyRemaining == 0) {
            state = State.DISPATCH;
        }
        return true;
    }

    private boolean readChunkSize(ByteBuffer in) throws HttpException {
        String line = readLine(in, MAX_CHUNK_LINE_BYTES, "chunk size line");
        if (line == null) {
            return false;
        }
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        if (!CHUNK_SIZE.matcher(hex).matches()) {
            throw new HttpException(400, "malformed chunk size");
        }
        chunkRemaining = Long.parseLong(hex, 16);
        if (body.size() + chunkRemaining > settings.maxBodyBytes()) {
            throw new HttpException(413, "chunked body of more than " + settings.maxBodyBytes() + " bytes");
        }
        state = chunkRemaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
        trailerBytes = 0;
        return true;
    }

    private boolean readChunkData(ByteBuffer in) {
        int n = (int) Math.min(chunkRemaining, in.remaining());
        if (n == 0) {
            return false;
        }
        copyBody(in, n);
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            state = State.CHUNK_END;
        }
        return true;
    }

    private boolean readChunkEnd(ByteBuffer in) throws HttpException {
        if (in.remaining() < 2) {
            return false;
        }
        if (in.get() != '\r' || in.get() != '\n') {
            throw new HttpException(400, "chunk data not followed by CRLF");
        }
        state = State.CHUNK_SIZE;
        return true;
    }

    /** Trailer fields are read and dropped: none of them may change how the request is handled. */
    private boolean readTrailers(ByteBuffer in) throws HttpException {
        int before = in.position();
        String line = readLine(in, MAX_HEADER_BYTES - trailerBytes, "trailer section");
        if (line == null) {
            return false;
        }
        trailerBytes += in.position() - before;
        if (line.isEmpty()) {
            state = State.DISPATCH;
        } else if (line.indexOf(':') <= 0) {
            throw new HttpException(400, "malformed trailer field");
        }
        return true;
    }

    private void copyBody(ByteBuffer in, int n) {
        byte[] bytes = new byte[n];
        in.get(bytes);
        body.writeBytes(bytes);
    }

    /** A CRLF-terminated line, or null until it has fully arrived. */
    private static String readLine(ByteBuffer in, int maxBytes, String what) throws HttpException {
        int start = in.position();
        int end = indexOf(in, start, start + maxBytes + 2, (byte) '\n');
        if (end < 0) {
            if (in.remaining() > maxBytes + 1) {
                throw new HttpException(400, what + " too long");
            }
            return null;
        }
        if (end == start || in.get(end - 1) != '\r') {
            throw new HttpException(400, what + " not ended by CRLF");
        }
        String line = text(in, start, end - 1);
        in.position(end + 1);
        return line;
    }

    // ---------------------------------------------------------------- dispatch

    private boolean dispatch(Outbound out) throws IOException, HttpException {
        HttpRequest request = HttpRequest.parse(method, target, minorVersion, headers, body.toByteArray());
        body = null;
        boolean keepAlive = request.keepAlive();
        Routes.Reply reply = routes.route(request);
        if (reply instanceof Routes.Reply.AfterDelay delayed) {
            state = State.WAITING;
            boolean accepted = out.runBlocking(new Outbound.BlockingWork() {
                @Override
                public void run() throws InterruptedException {
                    Thread.sleep(delayed.delayMillis());
                }

                @Override
                public void complete(Outbound later, Exception failure) throws IOException {
                    Response response = failure == null ? delayed.response() : Response.error(500, "interrupted");
                    respond(later, request, response, keepAlive);
                }
            });
            if (!accepted) {
                state = State.DISPATCH; // so that respond() moves on from here
                respond(out, request, Response.error(503, "every worker is busy and the queue is full")
                        .header("Retry-After", "1"), keepAlive);
            }
        } else {
            respond(out, request, ((Routes.Reply.Now) reply).response(), keepAlive);
        }
        return true;
    }

    private void respond(Outbound out, HttpRequest request, Response response, boolean keepAlive) throws IOException {
        response.writeTo(out, request.isHead(), keepAlive, request.minorVersion() == 0);
        if (keepAlive) {
            state = State.HEAD;
        } else {
            close(out);
        }
    }

    private void close(Outbound out) {
        state = State.CLOSED;
        headStartedNanos = 0;
        out.closeWhenFlushed();
    }

    // ---------------------------------------------------------------- helpers

    private static int indexOf(ByteBuffer in, int from, int to, byte wanted) {
        int end = Math.min(to, in.limit());
        for (int i = from; i < end; i++) {
            if (in.get(i) == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** ISO-8859-1 keeps every byte as one char, so a bare CR or LF stays visible to the checks. */
    private static String text(ByteBuffer in, int from, int to) throws HttpException {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n')) {
                throw new HttpException(400, "bare CR");
            }
            if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\r')) {
                throw new HttpException(400, "bare LF");
            }
        }
        return text;
    }

    /** tchar of RFC 9110, 5.6.2, by character code. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[Character.toUpperCase(c)] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 128 || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isDigits(String s, int maxLength) {
        if (s.isEmpty() || s.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
