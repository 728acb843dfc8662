package iolab.clients;

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
        private final byte[] line = new byte[MAX_HEAD_BYTES];
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
                            String size = new String(line, 0, lineLength - 2, StandardCharsets.ISO_8859_1);
                            int semicolon = size.indexOf(';');
                            try {
                                remaining = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
                            } catch (NumberFormatException e) {
                                throw new BadResponseException("malformed chunk size '" + size + "'");
                            }
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

        /** Accumulates up to the blank line that ends the head; true once it is complete. */
        private boolean readHeadBytes(ByteBuffer in) throws BadResponseException {
            while (in.hasRemaining()) {
                if (lineLength == line.length) {
                    throw new BadResponseException("response head over " + MAX_HEAD_BYTES + " bytes");
                }
                byte b = in.get();
                line[lineLength++] = b;
                if (b == '\n' && lineLength >= 4 && line[lineLength - 2] == '\r'
                        && line[lineLength - 3] == '\n' && line[lineLength - 4] == '\r') {
                    return true;
                }
            }
            return false;
        }

        private boolean readLine(ByteBuffer in) throws BadResponseException {
            while (in.hasRemaining()) {
                if (lineLength == line.length) {
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

        private void parseHead() throws BadResponseException {
            String head = new String(line, 0, lineLength - 4, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String statusLine = lines[0];
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
                throw new BadResponseException("not an HTTP/1.x status line: '" + abbreviate(statusLine) + "'");
            }
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new BadResponseException("malformed status in '" + abbreviate(statusLine) + "'");
            }
            boolean http10 = statusLine.charAt(7) == '0';
            closes = http10;
            contentLength = -1;
            chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    throw new BadResponseException("malformed header line '" + abbreviate(lines[i]) + "'");
                }
                String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new BadResponseException("malformed Content-Length '" + value + "'");
                        }
                    }
                    case "transfer-encoding" -> chunked = value.endsWith("chunked");
                    case "connection" -> closes = value.contains("close") || (http10 && !value.contains("keep-alive"));
                    default -> {
                    }
                }
            }
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

        private void complete(Completion done) {
            state = State.HEAD;
            done.completed(status, closes);
        }

        private static String abbreviate(String s) {
            return s.length() > 60 ? s.substring(0, 60) + "..." : s;
        }
    }
}
