package iolab.servers.http;

import iolab.servers.protocol.Outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Sends a connection's responses from pre-encoded parts (the status line, the second's {@code Date} line, the
 * response's own {@link Response#encodedFields}), copied into one buffer the connection reuses: a small response is
 * one {@link Outbound#send}, and costs no allocation.
 */
final class ResponseWriter {

    /** A body shorter than this goes out with its head, in one send. */
    private static final int ONE_SEND_LIMIT = 16 * 1024;

    /** {@code HTTP/1.1 <status> <reason>\r\n} for every status there is. */
    private static final byte[][] STATUS_LINES = new byte[600][];

    static {
        for (int status = 100; status < STATUS_LINES.length; status++) {
            STATUS_LINES[status] = ascii("HTTP/1.1 " + status + " " + Response.reason(status) + "\r\n");
        }
    }

    private static final byte[] CLOSE = ascii("Connection: close\r\n\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n\r\n");
    private static final byte[] END_OF_HEAD = ascii("\r\n");
    private static final byte[] NO_BODY = new byte[0];

    /** The most a connection keeps between responses. */
    private static final int KEPT_BYTES = 1024;

    private ByteBuffer buffer = ByteBuffer.allocate(256);

    /**
     * Writes {@code response}; with {@code head} only its header section. {@code http10}: the request was HTTP/1.0,
     * where keeping the connection must be said out loud.
     */
    void write(Outbound out, Response response, boolean head, boolean keepAlive, boolean http10) throws IOException {
        try {
            boolean withBody = !head && response.status != 304;
            byte[] body = withBody && !response.hasFile() ? response.body() : NO_BODY;
            boolean together = body.length < ONE_SEND_LIMIT;
            byte[] status = STATUS_LINES[response.status];
            byte[] date = HttpDate.line();
            byte[] fields = response.encodedFields();
            byte[] connection = !keepAlive ? CLOSE : http10 ? KEEP_ALIVE : END_OF_HEAD;
            ByteBuffer bytes = room(status.length + date.length + fields.length + connection.length
                    + (together ? body.length : 0));
            bytes.put(status).put(date).put(fields).put(connection);
            if (together) {
                bytes.put(body);
            }
            out.send(bytes.flip());
            if (!together) {
                out.send(ByteBuffer.wrap(body));
            }
            if (withBody && response.hasFile()) {
                response.sendFile(out);
            }
        } finally {
            response.closeFile(); // also when the peer reset the connection before the file was handed over
        }
    }

    /** The reused buffer when it can hold {@code size} bytes or grow to; past that a buffer for this send alone. */
    private ByteBuffer room(int size) {
        if (size > KEPT_BYTES) {
            return ByteBuffer.allocate(size); // so that one large echo does not keep 16 KiB for each connection
        }
        if (buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(Math.max(size, Math.min(KEPT_BYTES, 2 * buffer.capacity())));
        }
        return buffer.clear();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
