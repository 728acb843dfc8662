package iolab.servers.http;

import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Faults;
import iolab.servers.protocol.Outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 (RFC 9112) for one connection: an incremental parser that accepts a request split
 * at any byte, then the router, then the response writer. Requests are answered in order;
 * a request whose reply needs blocking work holds back the ones pipelined behind it.
 *
 * <p>Where RFC 9112 lets a server either accept or reject an ambiguous message (the shapes
 * behind request smuggling), this codec rejects: both {@code Transfer-Encoding} and
 * {@code Content-Length}; differing {@code Content-Length}s; {@code Transfer-Encoding} in
 * HTTP/1.0; whitespace before a colon; folded lines; bare CR or LF; a second or an invalid
 * {@code Host}; any whitespace but SP and HTAB around a field value; a chunk size that is not
 * bare hex digits. Every refusal is answered with its status and the connection is closed,
 * since what follows can no longer be framed with certainty.
 *
 * <p>What one client can cost is bounded: a head must arrive within {@code --header-timeout} of
 * its first byte and a body within {@code --body-timeout}; a body's bytes come from the server's
 * {@link BodyBudget}; no further request is answered while earlier output waits to be read; a
 * fault here costs only this connection (500 where no response has started).
 */
final class HttpCodec implements Codec {

    static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_HEADER_FIELDS = 100;
    private static final int MAX_CHUNK_LINE_BYTES = 1024;
    /** chunk-size, then nothing or BWS before a chunk extension (RFC 9112, 7.1). */
    private static final Pattern CHUNK_LINE = Pattern.compile("([0-9A-Fa-f]{1,15})(?:[ \t]*;.*)?");
    /** An IP literal of RFC 3986, 3.2.2 (IPv6 or IPvFuture), checked loosely: what may stand between the brackets. */
    private static final Pattern IP_LITERAL =
            Pattern.compile("[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\\.[A-Za-z0-9\\-._~!$&'()*+,;=:]+");

    private static final byte[] NO_BODY = new byte[0];

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, DISPATCH, WAITING, CLOSED }

    private final HttpSettings settings;
    private final Routes routes;
    private final BodyBudget budget;
    private final long headerTimeoutNanos;
    private final long bodyTimeoutNanos;
    private State state = State.HEAD;
    /** When the request being read must be complete (its head, then its body); 0 while none is being read. */
    private volatile long deadlineNanos;
    /** Bytes of the current head already searched for its end, so a head sent a byte at a time is scanned once. */
    private int headScanned;
    /** The request line's length once it has been read and checked, before the rest of the head. */
    private int requestLineBytes;

    private String method;
    private String target;
    private int minorVersion;
    private final HeaderFields headers = new HeaderFields();
    private HeaderFields trailers;
    /** The request line's bytes, parsed where they lie: a connection reuses the one array. */
    private byte[] requestLine = new byte[64];
    /** The last target read: a client that asks for the same target again gets the same String, not a new one. */
    private String lastTarget = "";
    private final ResponseWriter writer = new ResponseWriter();
    private byte[] body;
    private int bodyLength;
    private long bodyReserved;
    private long bodyRemaining;
    private long chunkRemaining;
    private int trailerBytes;
    private boolean responding;

    HttpCodec(HttpSettings settings, Routes routes, BodyBudget budget) {
        this.settings = settings;
        this.routes = routes;
        this.budget = budget;
        this.headerTimeoutNanos = settings.headerTimeout().toNanos();
        this.bodyTimeoutNanos = settings.bodyTimeout().toNanos();
    }

    @Override
    public void received(ByteBuffer input, Outbound out) throws IOException {
        try {
            boolean progressed = true;
            while (progressed && state != State.WAITING && state != State.CLOSED) {
                progressed = switch (state) {
                    case HEAD -> !out.backlogged() && readHead(input, out);
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
            refuse(out, refused.status(), refused.getMessage());
        } catch (RuntimeException fault) {
            Faults.closedAfter(fault);
            if (responding) {
                close(out); // part of a response is out: nothing can follow it that the client could frame
            } else {
                refuse(out, 500, "the server failed on this request");
            }
        }
        if (state == State.CLOSED) {
            input.position(input.limit()); // nothing after a refusal or a last response is read
        }
    }

    @Override
    public boolean expired(long nowNanos) {
        long deadline = deadlineNanos;
        return deadline != 0 && nowNanos - deadline > 0;
    }

    @Override
    public void closed() {
        releaseBody();
    }

    private void refuse(Outbound out, int status, String reason) throws IOException {
        releaseBody();
        Response response = Response.error(status, reason);
        if (status == 503) {
            response.header("Retry-After", "1");
        }
        writer.write(out, response, false, false, false);
        close(out);
    }

    // ---------------------------------------------------------------- request head

    private boolean readHead(ByteBuffer in, Outbound out) throws HttpException, IOException {
        if (!in.hasRemaining()) {
            return false;
        }
        if (deadlineNanos == 0) {
            // The clock starts at the first byte, empty lines included: a trickle of CRLFs is a trickled head.
            deadlineNanos = System.nanoTime() + headerTimeoutNanos;
        }
        if (requestLineBytes == 0 && skipEmptyLines(in)) {
            headScanned = 0;
        }
        int start = in.position();
        if (requestLineBytes == 0) {
            int lineEnd = indexOf(in, start + headScanned, start + MAX_REQUEST_LINE_BYTES + 2, (byte) '\n');
            if (lineEnd < 0) {
                if (in.remaining() > MAX_REQUEST_LINE_BYTES + 1) {
                    throw new HttpException(414, "request line longer than " + MAX_REQUEST_LINE_BYTES + " bytes");
                }
                headScanned = in.remaining();
                return false;
            }
            if (lineEnd == start || in.get(lineEnd - 1) != '\r') {
                throw new HttpException(400, "request line not ended by CRLF");
            }
            // Checked now, not once the head is complete: a bad line (HTTP/0.9's "GET /x") is refused at once.
            parseRequestLine(in, start, lineEnd - 1);
            requestLineBytes = lineEnd + 1 - start;
            headScanned = requestLineBytes;
        }
        int headerStart = start + requestLineBytes;
        int headEnd = endOfHeaderSection(in, Math.max(headerStart - 2, start + headScanned - 3));
        if (headEnd < 0) {
            if (in.limit() - headerStart > MAX_HEADER_BYTES + 2) {
                throw new HttpException(431, "header section longer than " + MAX_HEADER_BYTES + " bytes");
            }
            headScanned = in.remaining();
            return false;
        }
        if (headEnd - headerStart > MAX_HEADER_BYTES) {
            throw new HttpException(431, "header section longer than " + MAX_HEADER_BYTES + " bytes");
        }
        headers.clear();
        headers.add(in, headerStart, headEnd, "header", MAX_HEADER_FIELDS);
        in.position(headEnd + 2);
        headScanned = 0;
        requestLineBytes = 0;
        chooseFraming(in, out);
        return true;
    }

    /** RFC 9112, 2.2: a server SHOULD ignore empty lines received before a request line. True if it skipped any. */
    private static boolean skipEmptyLines(ByteBuffer in) {
        int from = in.position();
        while (in.remaining() >= 2 && in.get(in.position()) == '\r' && in.get(in.position() + 1) == '\n') {
            in.position(in.position() + 2);
        }
        return in.position() != from;
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

    /** {@code method SP request-target SP HTTP-version} (RFC 9112, 3), from the line's bytes in {@code in}. */
    private void parseRequestLine(ByteBuffer in, int from, int to) throws HttpException {
        int n = to - from;
        if (n > requestLine.length) {
            requestLine = new byte[Math.max(n, 2 * requestLine.length)];
        }
        byte[] b = requestLine;
        in.get(from, b, 0, n);
        int firstSpace = -1;
        int secondSpace = -1;
        int spaces = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] == '\r') {
                throw new HttpException(400, "bare CR");
            }
            if (b[i] == ' ' && spaces++ == 0) {
                firstSpace = i;
            } else if (b[i] == ' ' && spaces == 2) {
                secondSpace = i;
            }
        }
        if (spaces != 2 || !isToken(b, 0, firstSpace) || secondSpace == firstSpace + 1) {
            throw new HttpException(400, "malformed request line");
        }
        for (int i = firstSpace + 1; i < secondSpace; i++) {
            int c = b[i] & 0xff;
            if (c <= ' ' || c >= 0x7f || c == '#') {
                throw new HttpException(400, "malformed request target");
            }
        }
        int v = secondSpace + 1;
        if (n - v != 8 || b[v] != 'H' || b[v + 1] != 'T' || b[v + 2] != 'T' || b[v + 3] != 'P' || b[v + 4] != '/'
                || !isDigit((char) b[v + 5]) || b[v + 6] != '.' || !isDigit((char) b[v + 7])) {
            throw new HttpException(400, "malformed HTTP version");
        }
        if (b[v + 5] != '1' || (b[v + 7] != '1' && b[v + 7] != '0')) {
            String version = new String(b, v, 8, StandardCharsets.ISO_8859_1);
            throw new HttpException(505, version + " (this server speaks HTTP/1.0 and HTTP/1.1)");
        }
        method = methodName(b, firstSpace);
        if (!sameText(lastTarget, b, firstSpace + 1, secondSpace)) {
            lastTarget = new String(b, firstSpace + 1, secondSpace - firstSpace - 1, StandardCharsets.ISO_8859_1);
        }
        target = lastTarget;
        minorVersion = b[v + 7] - '0';
    }

    private static final String[] METHODS = HttpProtocol.KNOWN_METHODS.toArray(String[]::new);

    /** The known method the first {@code length} bytes name, as its constant; any other token as a new String. */
    private static String methodName(byte[] b, int length) {
        for (String known : METHODS) {
            if (sameText(known, b, 0, length)) {
                return known;
            }
        }
        return new String(b, 0, length, StandardCharsets.ISO_8859_1);
    }

    private static boolean sameText(String text, byte[] b, int from, int to) {
        if (text.length() != to - from) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != (b[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes leading and trailing SP and HTAB, and nothing else: {@link String#strip} would also take VT, FF and FS.
     */
    private static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    /** Decides how the body is framed, refusing every ambiguous combination. */
    private void chooseFraming(ByteBuffer in, Outbound out) throws HttpException, IOException {
        int hosts = headers.count("Host");
        if (hosts > 1 || (minorVersion == 1 && hosts == 0)) {
            throw new HttpException(400, hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host");
        }
        if (hosts == 1 && !headers.firstValueMatches("Host", HttpCodec::isValidHost)) {
            throw new HttpException(400, "invalid Host");
        }
        List<String> transferEncodings = headers.values("Transfer-Encoding");
        List<String> contentLengths = headers.values("Content-Length");
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
                for (String element : value.split(",", -1)) {
                    String coding = trimOws(element);
                    if (!coding.isEmpty()) {
                        codings.add(coding.toLowerCase(Locale.ROOT));
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
                    String number = trimOws(part);
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
        List<String> expectations = headers.values("Expect");
        if (!expectations.isEmpty()) {
            String expect = String.join(", ", expectations);
            if (!expect.equalsIgnoreCase("100-continue")) {
                throw new HttpException(417, "unsupported expectation " + expect);
            }
        }
        body = NO_BODY;
        bodyLength = 0;
        if (length > 0) {
            reserveBody((int) length); // the whole length at once: a body once started can always finish
        }
        if (!expectations.isEmpty() && (chunked || length > 0) && !in.hasRemaining() && minorVersion == 1) {
            Response.writeContinue(out);
        }
        if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length > 0) {
            bodyRemaining = length;
            state = State.BODY;
        } else {
            state = State.DISPATCH;
        }
        if (state != State.DISPATCH) {
            deadlineNanos = System.nanoTime() + bodyTimeoutNanos;
        }
    }

    // ---------------------------------------------------------------- body

    /** Makes room for a body of {@code length} bytes, from the server's budget; 503 when it is spent. */
    private void reserveBody(int length) throws HttpException {
        if (length <= body.length) {
            return;
        }
        int capacity = (int) Math.min(settings.maxBodyBytes(), Math.max(length, 2L * body.length));
        long more = capacity - body.length;
        if (!budget.tryReserve(more)) {
            throw new HttpException(503, "too many request bodies in memory at once; try again");
        }
        bodyReserved += more;
        body = Arrays.copyOf(body, capacity);
    }

    private void releaseBody() {
        if (bodyReserved > 0) {
            budget.release(bodyReserved);
            bodyReserved = 0;
        }
        body = null;
    }

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
        Matcher chunk = CHUNK_LINE.matcher(line);
        if (!chunk.matches() || hasControl(line)) {
            throw new HttpException(400, "malformed chunk size");
        }
        chunkRemaining = Long.parseLong(chunk.group(1), 16);
        if (bodyLength + chunkRemaining > settings.maxBodyBytes()) {
            throw new HttpException(413, "chunked body of more than " + settings.maxBodyBytes() + " bytes");
        }
        reserveBody((int) (bodyLength + chunkRemaining));
        state = chunkRemaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
        trailerBytes = 0;
        if (chunkRemaining == 0) {
            trailers = trailers == null ? new HeaderFields() : trailers;
            trailers.clear();
        }
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

    /** Trailer fields are checked and dropped: none of them may change how the request is handled. */
    private boolean readTrailers(ByteBuffer in) throws HttpException {
        int start = in.position();
        int end = lineEnd(in, MAX_HEADER_BYTES - trailerBytes, "trailer section");
        if (end < 0) {
            return false;
        }
        trailerBytes += end + 1 - start;
        if (end == start + 1) {
            state = State.DISPATCH;
        } else {
            trailers.add(in, start, end + 1, "trailer", MAX_HEADER_FIELDS);
        }
        in.position(end + 1);
        return true;
    }

    private void copyBody(ByteBuffer in, int n) {
        in.get(body, bodyLength, n);
        bodyLength += n;
    }

    /** A CRLF-terminated line, or null until it has fully arrived. */
    private static String readLine(ByteBuffer in, int maxBytes, String what) throws HttpException {
        int end = lineEnd(in, maxBytes, what);
        if (end < 0) {
            return null;
        }
        String line = text(in, in.position(), end - 1);
        in.position(end + 1);
        return line;
    }

    /** Where the CRLF-terminated line at {@code in}'s position ends (the index of its LF), or -1 until it arrives. */
    private static int lineEnd(ByteBuffer in, int maxBytes, String what) throws HttpException {
        int start = in.position();
        int end = indexOf(in, start, start + maxBytes + 2, (byte) '\n');
        if (end < 0) {
            if (in.remaining() > maxBytes + 1) {
                throw new HttpException(400, what + " too long");
            }
            return -1;
        }
        if (end == start || in.get(end - 1) != '\r') {
            throw new HttpException(400, what + " not ended by CRLF");
        }
        return end;
    }

    // ---------------------------------------------------------------- dispatch

    private boolean dispatch(Outbound out) throws IOException, HttpException {
        deadlineNanos = 0;
        byte[] bytes = bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        HttpRequest request = HttpRequest.parse(method, target, minorVersion, headers, bytes);
        boolean keepAlive = request.keepAlive();
        Routes.Reply reply = routes.route(request);
        if (reply instanceof Routes.Reply.Later later) {
            state = State.WAITING;
            boolean accepted = out.runBlocking(new Outbound.BlockingWork() {
                private Response response;

                @Override
                public void run() throws Exception {
                    response = later.work().call();
                }

                @Override
                public void complete(Outbound then, Exception failure) throws IOException {
                    if (failure != null) {
                        Faults.closedAfter(failure);
                    }
                    respond(
                            then,
                            request,
                            failure == null ? response : Response.error(500, "the server failed on this request"),
                            keepAlive && failure == null);
                }

                @Override
                public String toString() {
                    return request.method() + " " + request.target();
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
        responding = true;
        try {
            writer.write(out, response, request.isHead(), keepAlive, request.minorVersion() == 0);
        } finally {
            responding = false;
            releaseBody(); // handed over: the model holds what it could not write yet, within its own bound
        }
        if (keepAlive) {
            state = State.HEAD;
        } else {
            close(out);
        }
    }

    private void close(Outbound out) {
        state = State.CLOSED;
        deadlineNanos = 0;
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
    private static final boolean[] TCHAR = alphanumericsAnd("!#$%&'*+-.^_`|~");
    /** reg-name's characters but for pct-encoding: unreserved and sub-delims (RFC 3986, 3.2.2). */
    private static final boolean[] REG_NAME = alphanumericsAnd("-._~!$&'()*+,;=");

    /** A table by ASCII code: letters, digits and {@code punctuation}. */
    private static boolean[] alphanumericsAnd(String punctuation) {
        boolean[] table = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            table[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            table[c] = true;
            table[Character.toUpperCase(c)] = true;
        }
        for (char c : punctuation.toCharArray()) {
            table[c] = true;
        }
        return table;
    }

    static boolean isTchar(byte b) {
        return b >= 0 && TCHAR[b];
    }

    private static boolean isToken(byte[] b, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isTchar(b[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 9112, 3.2 and RFC 3986, 3.2.2: {@code uri-host [ ":" port ]}, the host a reg-name or an IP literal; may be
     * empty. Bytes {@code from} to {@code to} of {@code host}, as the request carries them.
     */
    private static boolean isValidHost(byte[] host, int from, int to) {
        int end = to;
        int colon = lastIndexOf(host, from, to, (byte) ':');
        boolean bracketed = to > from && host[from] == '[';
        if (colon >= 0 && (!bracketed || colon > lastIndexOf(host, from, to, (byte) ']'))) {
            for (int i = colon + 1; i < to; i++) {
                if (!isDigit((char) host[i])) {
                    return false;
                }
            }
            end = colon;
        }
        if (bracketed) {
            return end - from >= 2 && host[end - 1] == ']'
                    && IP_LITERAL.matcher(new String(host, from + 1, end - from - 2, StandardCharsets.ISO_8859_1))
                            .matches();
        }
        for (int i = from; i < end; i++) {
            int c = host[i] & 0xff;
            if (c == '%') {
                if (i + 2 >= end || Character.digit(host[i + 1], 16) < 0 || Character.digit(host[i + 2], 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (c >= 128 || !REG_NAME[c]) {
                return false;
            }
        }
        return true;
    }

    private static int lastIndexOf(byte[] b, int from, int to, byte wanted) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** A control character other than HTAB (RFC 9110, 5.5: not allowed in a field value). */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < ' ' && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
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
