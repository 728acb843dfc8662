package iolab.clients.http;

import iolab.clients.Workload;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 requests, all alike; responses framed by {@code Content-Length}, chunked coding,
 * or the server's close. A status of 400 or above counts as a bad response.
 */
public final class HttpWorkload implements Workload {

    /** A response head larger than this is refused as unparseable. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final String STATUS_PREFIX = "HTTP/1.";
    static final int INITIAL_HEAD_BYTES = 1024;

    private final byte[] request;
    private final boolean head;
    private final String describe;

    public HttpWorkload(String method, String path, String host, List<String> headers, byte[] body) {
        StringBuilder text = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        boolean hasHost = headers.stream().anyMatch(h -> h.regionMatches(true, 0, "host:", 0, 5));
        if (!hasHost) {
            text.append("Host: ").append(host).append("\r\n");
        }
        for (String header : headers) {
            if (header.indexOf(':') <= 0 || header.contains("\r") || header.contains("\n")) {
                throw new IllegalArgumentException("not a header 'Name: value': '" + header + "'");
            }
            text.append(header).append("\r\n");
        }
        if (body.length > 0 || method.equals("POST") || method.equals("PUT")) {
            text.append("Content-Length: ").append(body.length).append("\r\n");
        }
        text.append("\r\n");
        byte[] headBytes = text.toString().getBytes(StandardCharsets.ISO_8859_1);
        this.request = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        this.head = method.equals("HEAD");
        this.describe = method + " " + path;
    }

    /** {@code headers} with {@code Connection: close}, unless they already say how to treat the connection. */
    public static List<String> closing(List<String> headers) {
        if (headers.stream().anyMatch(h -> h.regionMatches(true, 0, "connection:", 0, 11))) {
            return headers;
        }
        List<String> closing = new java.util.ArrayList<>(headers);
        closing.add("Connection: close");
        return closing;
    }

    @Override
    public byte[] request() {
        return request;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public ResponseReader newReader() {
        return new Reader(head);
    }

    /** A response parser that keeps only the head; bodies are counted, not kept. */
    static final class Reader implements ResponseReader {
        private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE }

        private final boolean headRequests;
        /** Grows to {@link #MAX_HEAD_BYTES} only for a head that needs it: 10,000 connections' readers stay small. */
        private byte[] line = new byte[INITIAL_HEAD_BYTES];
        private int lineLength;
        private State state = State.HEAD;
        private int status;
        private boolean closes;
        private long remaining;
        private long contentLength;
        private boolean chunked;

        Reader(boolean headRequests) {
            this.headRequests = headRequests;
        }

        @Override
        public void read(ByteBuffer in, Completion done) throws BadResponseException {
            while (in.hasRemaining()) {
                switch (state) {
                    case HEAD -> {
                        if (readHeadBytes(in)) {
                            parseHead();
                            lineLength = 0;
                            startBody(done);
                        }
                    }
                    case BODY -> {
                        int n = (int) Math.min(remaining, in.remaining());
                        in.position(in.position() + n);
                        remaining -= n;
                        if (remaining == 0) {
                            complete(done);
                        }
                    }
                    case CHUNK_SIZE -> {
                        if (readLine(in)) {
                            remaining = chunkSize();
                            lineLength = 0;
                            state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
                        }
                    }
                    case CHUNK_DATA -> {
                        int n = (int) Math.min(remaining, in.remaining());
                        in.position(in.position() + n);
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.CHUNK_END;
                        }
                    }
                    case CHUNK_END -> {
                        if (readLine(in)) {
                            if (lineLength != 2) {
                                throw new BadResponseException("chunk not followed by CRLF");
                            }
                            lineLength = 0;
                            state = State.CHUNK_SIZE;
                        }
                    }
                    case TRAILERS -> {
                        if (readLine(in)) {
                            boolean empty = lineLength == 2;
                            lineLength = 0;
                            if (empty) {
                                complete(done);
                            }
                        }
                    }
                    case UNTIL_CLOSE -> in.position(in.limit());
                }
            }
        }

        @Override
        public void endOfInput(Completion done) throws BadResponseException {
            if (state == State.UNTIL_CLOSE) {
                complete(done);
            }
        }

        /** Accumulates up to the blank line that ends the head, in bulk; true once it is complete. */
        private boolean readHeadBytes(ByteBuffer in) throws BadResponseException {
            int before = lineLength;
            int n = Math.min(in.remaining(), room() - lineLength);
            if (n == 0) {
                throw new BadResponseException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            int start = in.position();
            in.get(line, lineLength, n);
            lineLength += n;
            if (before < STATUS_PREFIX.length()
                    && !startsWith(0, STATUS_PREFIX.substring(0, Math.min(lineLength, STATUS_PREFIX.length())))) {
                // At once: another protocol's banner, or garbage, may never end in a blank line.
                throw new BadResponseException("not an HTTP/1.x status line: '" + firstLine() + "'");
            }
            for (int i = Math.max(0, before - 3); i + 3 < lineLength; i++) {
                if (line[i] == '\r' && line[i + 1] == '\n' && line[i + 2] == '\r' && line[i + 3] == '\n') {
                    lineLength = i + 4;
                    in.position(start + (lineLength - before)); // what follows the head is the body's
                    return true;
                }
            }
            return false;
        }

        /** The line buffer's size, doubled (up to the limit) when it is full. */
        private int room() {
            if (lineLength == line.length && line.length < MAX_HEAD_BYTES) {
                line = Arrays.copyOf(line, Math.min(MAX_HEAD_BYTES, line.length * 2));
            }
            return line.length;
        }

        private boolean readLine(ByteBuffer in) throws BadResponseException {
            while (in.hasRemaining()) {
                if (lineLength == room()) {
                    throw new BadResponseException("line over " + MAX_HEAD_BYTES + " bytes");
                }
                byte b = in.get();
                line[lineLength++] = b;
                if (b == '\n') {
                    if (lineLength < 2 || line[lineLength - 2] != '\r') {
                        throw new BadResponseException("line not ended by CRLF");
                    }
                    return true;
                }
            }
            return false;
        }

        /**
         * The chunk-size line's size (RFC 9112, 7.1: hex digits, then optional whitespace and extensions). Only digits:
         * {@code Long.parseLong} took a sign, and a size of -100 ended the whole event loop.
         */
        private long chunkSize() throws BadResponseException {
            int end = lineLength - 2;
            long size = 0;
            int i = 0;
            for (; i < end; i++) {
                int digit = Character.digit(line[i], 16);
                if (digit < 0) {
                    break;
                }
                if (i >= 15) {
                    throw new BadResponseException(
                            "chunk size over 15 hex digits: '" + text(0, Math.min(end, 40)) + "'");
                }
                size = size * 16 + digit;
            }
            int rest = skipSpaces(i, end);
            if (i == 0 || (rest < end && line[rest] != ';')) {
                throw new BadResponseException("malformed chunk size '" + text(0, Math.min(end, 40)) + "'");
            }
            return size;
        }

        /** Reads the head in place, byte by byte: a String per response would cost more than the rest of the read. */
        private void parseHead() throws BadResponseException {
            int end = lineLength - 2; // the head's lines, each ending in CRLF
            if (end < 14 || !startsWith(0, STATUS_PREFIX) || line[8] != ' ') {
                throw new BadResponseException("not an HTTP/1.x status line: '" + firstLine() + "'");
            }
            status = digit(9) * 100 + digit(10) * 10 + digit(11);
            boolean http10 = line[7] == '0';
            closes = http10;
            contentLength = -1;
            chunked = false;
            int lineStart = indexOfCrlf(0, end) + 2;
            while (lineStart < end) {
                int lineEnd = indexOfCrlf(lineStart, end);
                int colon = indexOf((byte) ':', lineStart, lineEnd);
                if (colon <= lineStart) {
                    throw new BadResponseException(
                            "malformed header line '" + text(lineStart, Math.min(lineEnd, lineStart + 60)) + "'");
                }
                if (nameIs(lineStart, colon, "content-length")) {
                    long length = 0;
                    int i = skipSpaces(colon + 1, lineEnd);
                    int digits = i;
                    for (; i < lineEnd && line[i] != ' ' && line[i] != '\t'; i++) {
                        if (line[i] < '0' || line[i] > '9' || length > Long.MAX_VALUE / 10 - 10) {
                            throw new BadResponseException("malformed Content-Length");
                        }
                        length = length * 10 + (line[i] - '0');
                    }
                    if (i == digits || skipSpaces(i, lineEnd) < lineEnd) {
                        throw new BadResponseException("malformed Content-Length");
                    }
                    // RFC 9112, 6.3: differing lengths leave the framing invalid, an unrecoverable error for the
                    // recipient.
                    if (contentLength >= 0 && contentLength != length) {
                        throw new BadResponseException(
                                "two differing Content-Length values: " + contentLength + " and " + length);
                    }
                    contentLength = length;
                } else if (nameIs(lineStart, colon, "transfer-encoding")) {
                    chunked = text(colon + 1, lineEnd).strip().toLowerCase(Locale.ROOT).endsWith("chunked");
                } else if (nameIs(lineStart, colon, "connection")) {
                    String value = text(colon + 1, lineEnd).toLowerCase(Locale.ROOT);
                    closes = value.contains("close") || (http10 && !value.contains("keep-alive"));
                }
                lineStart = lineEnd + 2;
            }
        }

        private int digit(int index) throws BadResponseException {
            byte b = line[index];
            if (b < '0' || b > '9') {
                throw new BadResponseException("malformed status code");
            }
            return b - '0';
        }

        private boolean startsWith(int from, String prefix) {
            for (int i = 0; i < prefix.length(); i++) {
                if (line[from + i] != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** Case-insensitive comparison of the field name in [from, to) with a lower-case name. */
        private boolean nameIs(int from, int to, String lowerCaseName) {
            if (to - from != lowerCaseName.length()) {
                return false;
            }
            for (int i = 0; i < lowerCaseName.length(); i++) {
                if ((line[from + i] | 0x20) != lowerCaseName.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private int indexOfCrlf(int from, int to) {
            for (int i = from; i + 1 <= to; i++) {
                if (line[i] == '\r' && line[i + 1] == '\n') {
                    return i;
                }
            }
            return to;
        }

        private int indexOf(byte wanted, int from, int to) {
            for (int i = from; i < to; i++) {
                if (line[i] == wanted) {
                    return i;
                }
            }
            return -1;
        }

        private int skipSpaces(int from, int to) {
            while (from < to && (line[from] == ' ' || line[from] == '\t')) {
                from++;
            }
            return from;
        }

        private String text(int from, int to) {
            return new String(line, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
        }

        /**
         * The head's first line as far as it came (60 bytes at most), other control bytes as \xNN: a reason is one
         * line.
         */
        private String firstLine() {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < Math.min(lineLength, 60) && line[i] != '\r' && line[i] != '\n'; i++) {
                int b = line[i] & 0xff;
                text.append(b < 0x20 || b == 0x7f ? String.format("\\x%02x", b) : String.valueOf((char) b));
            }
            return text.toString();
        }

        private void startBody(Completion done) throws BadResponseException {
            if (status >= 100 && status < 200) {
                state = State.HEAD; // an interim response: the real one follows
                return;
            }
            if (headRequests || status == 204 || status == 304) {
                complete(done);
            } else if (chunked) {
                state = State.CHUNK_SIZE;
            } else if (contentLength >= 0) {
                remaining = contentLength;
                if (remaining == 0) {
                    complete(done);
                } else {
                    state = State.BODY;
                }
            } else {
                closes = true;
                state = State.UNTIL_CLOSE;
            }
        }

        private void complete(Completion done) throws BadResponseException {
            state = State.HEAD;
            done.completed(status, closes);
        }

    }
}
