package iolab.servers.http;

import iolab.servers.protocol.Outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A response: its status, fields and body, which {@link ResponseWriter} sends. Every response carries {@code Date},
 * {@code Server} and {@code Content-Length}; the body is bytes or a region of a file, never both.
 */
final class Response {

    static final String SERVER = "iolab";

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(206, "Partial Content"),
            Map.entry(301, "Moved Permanently"), Map.entry(304, "Not Modified"),
            Map.entry(400, "Bad Request"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(408, "Request Timeout"),
            Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(416, "Range Not Satisfiable"), Map.entry(417, "Expectation Failed"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"),
            Map.entry(505, "HTTP Version Not Supported"));

    final int status;
    private final List<String[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];
    private FileChannel file;
    private long filePosition;
    private long fileLength;
    private long contentLength;
    /** {@link #encodedFields()}, once asked for; volatile since a fixed route's response is shared by threads. */
    private volatile byte[] fields;

    Response(int status) {
        this.status = status;
    }

    /** A short plain-text explanation, e.g. {@code 404 Not Found: /files/missing}. */
    static Response error(int status, String detail) {
        return new Response(status).body(HttpRoutes.ERROR_TYPE, HttpRoutes.errorBody(status, detail));
    }

    Response header(String name, String value) {
        headers.add(new String[] {name, value});
        fields = null;
        return this;
    }

    Response body(String contentType, byte[] bytes) {
        if (contentType != null) {
            header("Content-Type", contentType);
        }
        this.body = bytes;
        this.contentLength = bytes.length;
        fields = null;
        return this;
    }

    /** The body is {@code length} bytes of {@code channel} from {@code position}; the writer closes the channel. */
    Response file(String contentType, FileChannel channel, long position, long length) {
        header("Content-Type", contentType);
        this.file = channel;
        this.filePosition = position;
        this.fileLength = length;
        this.contentLength = length;
        fields = null;
        return this;
    }

    /** For HEAD and 304: the length the body would have, with no body sent. */
    Response contentLengthOnly(long length) {
        this.contentLength = length;
        fields = null;
        return this;
    }

    /**
     * Everything of the head after the status and {@code Date} lines and before {@code Connection}: {@code Server},
     * the fields set here, {@code Content-Length}. Encoded once, so a response that many requests share (a fixed
     * route's) costs no encoding per request.
     */
    byte[] encodedFields() {
        byte[] encoded = fields;
        if (encoded == null) {
            StringBuilder text = new StringBuilder(96).append("Server: ").append(SERVER).append("\r\n");
            for (String[] field : headers) {
                text.append(field[0]).append(": ").append(field[1]).append("\r\n");
            }
            text.append("Content-Length: ").append(contentLength).append("\r\n");
            encoded = text.toString().getBytes(StandardCharsets.ISO_8859_1);
            fields = encoded;
        }
        return encoded;
    }

    byte[] body() {
        return body;
    }

    boolean hasFile() {
        return file != null;
    }

    /** Hands the body's file over to the model, which closes it from now on. */
    void sendFile(Outbound out) throws IOException {
        FileChannel sending = file;
        file = null;
        out.sendFile(sending, filePosition, fileLength);
    }

    /** Closes the body's file if it was not handed over (the peer reset the connection before it could be). */
    void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // only reading it was left to do
            }
            file = null;
        }
    }

    /** The interim {@code 100 Continue}. */
    static void writeContinue(Outbound out) throws IOException {
        out.send(ByteBuffer.wrap(CONTINUE));
    }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    static String reason(int status) {
        return REASONS.getOrDefault(status, "Unknown");
    }
}
