package iolab.servers.http;

import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Outbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the HTTP codec promises the I/O models, checked without a socket. */
class HttpCodecContractTest {

    @TempDir
    Path root;

    /** Records what the codec asks of its model; blocking work runs inline, as on a blocking model. */
    static class Recording implements Outbound {
        final StringBuilder sent = new StringBuilder();
        final List<String> blockingWork = new ArrayList<>();
        boolean backlogged;
        boolean closeRequested;

        @Override
        public void send(ByteBuffer bytes) throws IOException {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            sent.append(new String(copy, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void sendFile(FileChannel file, long position, long count) throws IOException {
            try (file) {
                ByteBuffer buffer = ByteBuffer.allocate((int) count);
                file.read(buffer, position);
                send(buffer.flip());
            }
        }

        @Override
        public boolean runBlocking(BlockingWork work) throws IOException {
            blockingWork.add(work.toString());
            Exception failure = null;
            try {
                work.run();
            } catch (Exception e) {
                failure = e;
            }
            work.complete(this, failure);
            return true;
        }

        @Override
        public boolean backlogged() {
            return backlogged;
        }

        @Override
        public void closeWhenFlushed() {
            closeRequested = true;
        }
    }

    /**
     * The pre-encoded responses are byte for byte what the codec wrote when it built each one from strings: status
     * line, Date, Server, the route's fields, Content-Length, then Connection where it must be said; in request order.
     */
    @Test
    void responsesAreByteForByteAsBefore() throws IOException {
        Codec codec = new HttpProtocol(HttpSettings.defaults(root)).newCodec();
        Recording out = new Recording();
        String requests = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n"
                + "HEAD /json HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /json HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /plaintext HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        codec.received(ByteBuffer.wrap(requests.getBytes(StandardCharsets.ISO_8859_1)), out);
        String expected = "HTTP/1.1 200 OK\r\nDate: D\r\nServer: iolab\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 13\r\n\r\nHello, World!"
                + "HTTP/1.1 200 OK\r\nDate: D\r\nServer: iolab\r\nContent-Type: application/json\r\n"
                + "Content-Length: 27\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nDate: D\r\nServer: iolab\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 14\r\n\r\n404 Not Found\n"
                + "HTTP/1.1 200 OK\r\nDate: D\r\nServer: iolab\r\nContent-Type: application/json\r\n"
                + "Content-Length: 27\r\nConnection: keep-alive\r\n\r\n{\"message\":\"Hello, World!\"}"
                + "HTTP/1.1 200 OK\r\nDate: D\r\nServer: iolab\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 13\r\nConnection: close\r\n\r\nHello, World!";
        String sent = out.sent.toString().replaceAll("Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} "
                + "\\d{2}:\\d{2}:\\d{2} GMT", "Date: D");
        assertEquals(expected, sent);
        assertTrue(out.closeRequested, "Connection: close closes");
    }

    @Test
    void aFileChannelIsClosedWhenTheHeadCannotBeWritten() throws IOException {
        Path file = Files.writeString(root.resolve("a.txt"), "content");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        Response response = new Response(200).file("text/plain", channel, 0, 7);
        Outbound reset = new Recording() {
            @Override
            public void send(ByteBuffer bytes) throws IOException {
                throw new IOException("Connection reset by peer");
            }
        };
        assertThrows(IOException.class, () -> new ResponseWriter().write(reset, response, false, true, false));
        assertFalse(channel.isOpen(), "the file is closed when the response fails");
    }

    @Test
    void fileWorkIsHandedToTheModelAsBlockingWork() throws IOException {
        Files.writeString(root.resolve("a.txt"), "content");
        Codec codec = new HttpProtocol(HttpSettings.defaults(root)).newCodec();
        Recording out = new Recording();
        codec.received(
                ascii("GET /files/a.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /files/ HTTP/1.1\r\nHost: t\r\n\r\n"), out);
        assertEquals(2, out.blockingWork.size(), "file metadata and listings may block: never on an event loop");
        assertTrue(out.sent.toString().contains("content"), out.sent.toString());
    }

    @Test
    void noFurtherRequestIsParsedWhileTheOutputIsBacklogged() throws IOException {
        Codec codec = new HttpProtocol(HttpSettings.defaults(root)).newCodec();
        Recording out = new Recording() {
            @Override
            public void send(ByteBuffer bytes) throws IOException {
                super.send(bytes);
                backlogged = true; // the kernel's buffer is full: the rest of the response waits
            }
        };
        ByteBuffer pipeline = ascii("GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n".repeat(3));
        codec.received(pipeline, out);
        assertEquals(1, count(out.sent, "HTTP/1.1 200"), "one answer, then the codec waits for the output to drain");
        assertTrue(pipeline.hasRemaining(), "the rest is left for later");
        for (int drained = 0; drained < 2; drained++) {
            out.backlogged = false;
            codec.received(pipeline, out);
        }
        assertEquals(3, count(out.sent, "HTTP/1.1 200"), "one more each time the output drains");
        assertFalse(pipeline.hasRemaining());
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static int count(CharSequence text, String what) {
        return text.toString().split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }
}
