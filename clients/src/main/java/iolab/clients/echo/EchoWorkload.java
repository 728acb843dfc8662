package iolab.clients.echo;

import iolab.clients.Workload;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Echo: each request is {@code size} bytes; its response must be the same bytes, checked byte for byte. */
public final class EchoWorkload implements Workload {

    private final byte[] payload;

    public EchoWorkload(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("echo size must be at least 1 byte: " + size);
        }
        payload = new byte[size];
        new Random(size).nextBytes(payload);
    }

    @Override
    public byte[] request() {
        return payload;
    }

    @Override
    public String describe() {
        return "echo " + payload.length + " B";
    }

    @Override
    public ResponseReader newReader() {
        return new ResponseReader() {
            private int offset;

            @Override
            public void read(ByteBuffer input, Completion done) throws BadResponseException {
                if (offset == 0 && startsWithHttp(input)) {
                    throw new BadResponseException(
                            "the server answered in HTTP (\"" + firstLine(input) + "\"), not echo: a TARGET without a"
                                    + " scheme is echo; for an HTTP server give http://HOST:PORT/PATH");
                }
                long owed = (long) done.inFlight() * payload.length - offset;
                if (input.remaining()
                        > owed) { // checked first: a whole extra echo would otherwise match, and be credited to nothing
                    throw new BadResponseException(
                            "the server sent " + (input.remaining() - owed) + " bytes more than were sent to it");
                }
                while (input.hasRemaining()) {
                    int n = Math.min(input.remaining(), payload.length - offset);
                    ByteBuffer expected = ByteBuffer.wrap(payload, offset, n);
                    ByteBuffer actual = input.slice(input.position(), n);
                    if (expected.mismatch(actual) >= 0) {
                        throw new BadResponseException("echo differs from what was sent");
                    }
                    input.position(input.position() + n);
                    offset += n;
                    if (offset == payload.length) {
                        offset = 0;
                        done.completed(0, false);
                    }
                }
            }
        };
    }

    private static final byte[] HTTP = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);

    private boolean startsWithHttp(ByteBuffer input) {
        int n = Math.min(input.remaining(), HTTP.length);
        return n == HTTP.length && ByteBuffer.wrap(HTTP).mismatch(input.slice(input.position(), n)) < 0
                && ByteBuffer.wrap(payload, 0, n).mismatch(input.slice(input.position(), n)) >= 0;
    }

    private static String firstLine(ByteBuffer input) {
        String text = StandardCharsets.ISO_8859_1
                .decode(input.slice(input.position(), Math.min(input.remaining(), 80)))
                .toString();
        int end = text.indexOf('\r');
        return end < 0 ? text : text.substring(0, end);
    }
}
