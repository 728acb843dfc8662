package iolab.clients;

import iolab.clients.http.HttpWorkload;
import iolab.clients.echo.EchoWorkload;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator against servers that misbehave on purpose, in both loops: whatever a server sends, every request
 * the client issued ends as exactly one answer, failure or unanswered request ({@link RequestAccount#balances()}), as
 * many as the server read (a server that resets loses those still on their way: they must be among the failed), each
 * failure of the kind it was, a bad response with a one-line reason; the run ends on time
 * and its memory stays bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileServerTest {

    private static final byte[] OK = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    private static final int ECHO_SIZE = 64;
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** How a hostile server misbehaves, given a reader of the requests that counts each one it read. */
    interface Hostility {
        void serve(Requests requests, OutputStream out, Socket socket) throws IOException, InterruptedException;
    }

    /**
     * @param pipeline requests in flight per connection
     * @param expected the error the hostility must be counted as
     * @param reason   for a bad response, what its reason must say
     */
    record Hostile(String name, boolean http, int pipeline, ErrorKind expected, String reason, Hostility hostility) {
        @Override
        public String toString() {
            return (http ? "http: " : "echo: ") + name;
        }
    }

    static List<Hostile> hostiles() {
        List<Hostile> all = new ArrayList<>();
        // HTTP
        all.add(new Hostile(
                "a Content-Length longer than the body, then a close",
                true,
                1,
                ErrorKind.READ,
                null,
                (in, out, socket) -> {
                    in.next();
                    out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok"));
                }));
        all.add(new Hostile(
                "a Content-Length shorter than the body",
                true,
                1,
                ErrorKind.BAD_RESPONSE,
                "not an HTTP/1.x status line",
                (in, out, socket) -> {
                    while (in.next()) {
                        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nok"));
                    }
                }));
        all.add(new Hostile(
                "two differing Content-Length values",
                true,
                1,
                ErrorKind.BAD_RESPONSE,
                "two differing Content-Length",
                (in, out, socket) -> {
                    while (in.next()) {
                        out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok"));
                    }
                }));
        all.add(new Hostile(
                "every answer twice", true, 1, ErrorKind.BAD_RESPONSE, "no request in flight", (in, out, socket) -> {
                    while (in.next()) {
                        out.write(concat(OK, OK));
                    }
                }));
        all.add(new Hostile(
                "a reset after four of eight pipelined", true, 8, ErrorKind.READ, null, (in, out, socket) -> {
                    for (int i = 0; i < 4 && in.next(); i++) {
                        out.write(OK);
                    }
                    in.drain();
                    socket.setSoLinger(true, 0);
                }));
        all.add(new Hostile(
                "garbage for a status line",
                true,
                1,
                ErrorKind.BAD_RESPONSE,
                "not an HTTP/1.x status line: 'HTTX/9 what'",
                (in, out, socket) -> {
                    while (in.next()) {
                        out.write(ascii("HTTX/9 what\r\n\r\n"));
                    }
                }));
        all.add(new Hostile(
                "another protocol's banner",
                true,
                1,
                ErrorKind.BAD_RESPONSE,
                "not an HTTP/1.x status line: 'SSH-2.0-OpenSSH_9.2p1'",
                (in, out, socket) -> {
                    out.write(ascii("SSH-2.0-OpenSSH_9.2p1\r\n"));
                    while (in.next()) {
                        out.write(ascii("Protocol mismatch.\n"));
                    }
                }));
        all.add(new Hostile(
                "a negative chunk size",
                true,
                1,
                ErrorKind.BAD_RESPONSE,
                "malformed chunk size '-100'",
                (in, out, socket) -> {
                    while (in.next()) {
                        out.write(
                                ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-100\r\nok\r\n0\r\n\r\n"));
                    }
                }));
        all.add(new Hostile(
                "an endless head", true, 1, ErrorKind.BAD_RESPONSE, "response head over", (in, out, socket) -> {
                    in.next();
                    out.write(ascii("HTTP/1.1 200 OK\r\n"));
                    byte[] field = ascii("X-Endless: " + "a".repeat(1000) + "\r\n");
                    while (true) {
                        out.write(field);
                    }
                }));
        all.add(new Hostile("an endless body", true, 1, ErrorKind.TIMEOUT, null, (in, out, socket) -> {
            in.next();
            out.write(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            byte[] chunk = concat(ascii("4000\r\n"), new byte[0x4000], ascii("\r\n"));
            while (true) {
                out.write(chunk);
            }
        }));
        all.add(new Hostile("a slow drip", true, 1, ErrorKind.TIMEOUT, null, (in, out, socket) -> {
            while (in.next()) {
                for (byte b : OK) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(20); // 37 bytes: 740 ms a response
                }
            }
        }));
        all.add(new Hostile("a storm of 100 Continue", true, 1, ErrorKind.TIMEOUT, null, (in, out, socket) -> {
            in.next();
            byte[] interim = ascii("HTTP/1.1 100 Continue\r\n\r\n".repeat(100));
            while (true) {
                out.write(interim);
            }
        }));
        // Echo
        all.add(new Hostile(
                "every echo twice", false, 1, ErrorKind.BAD_RESPONSE, "more than were sent", (in, out, socket) -> {
                    while (in.next()) {
                        out.write(concat(in.last(), in.last()));
                    }
                }));
        all.add(new Hostile(
                "one byte more than sent",
                false,
                1,
                ErrorKind.BAD_RESPONSE,
                "1 bytes more than were sent",
                (in, out, socket) -> {
                    while (in.next()) {
                        out.write(concat(in.last(), new byte[] {'!'}));
                    }
                }));
        all.add(new Hostile("a changed byte", false, 1, ErrorKind.BAD_RESPONSE, "echo differs", (in, out, socket) -> {
            while (in.next()) {
                byte[] echo = in.last();
                echo[ECHO_SIZE / 2] ^= 0x20;
                out.write(echo);
            }
        }));
        all.add(new Hostile(
                "a reset after four of eight pipelined", false, 8, ErrorKind.READ, null, (in, out, socket) -> {
                    for (int i = 0; i < 4 && in.next(); i++) {
                        out.write(in.last());
                    }
                    in.drain();
                    socket.setSoLinger(true, 0);
                }));
        all.add(new Hostile(
                "an HTTP answer", false, 1, ErrorKind.BAD_RESPONSE, "answered in HTTP", (in, out, socket) -> {
                    while (in.next()) {
                        out.write(
                                ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + "x".repeat(ECHO_SIZE)));
                    }
                }));
        all.add(new Hostile("a slow drip", false, 1, ErrorKind.TIMEOUT, null, (in, out, socket) -> {
            while (in.next()) {
                for (byte b : in.last()) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(20);
                }
            }
        }));
        return all;
    }

    static Stream<Arguments> everyHostileInBothLoops() {
        return hostiles().stream().flatMap(h -> Stream.of(Arguments.of(h, 0.0), Arguments.of(h, 2_000.0)));
    }

    @ParameterizedTest(name = "{0}, {1} req/s (0: closed loop)")
    @MethodSource("everyHostileInBothLoops")
    void everyRequestIsAccountedForOnceAndTheRunEndsOnTime(Hostile hostile, double rate) throws Exception {
        AtomicLong seen = new AtomicLong();
        try (TestServers.Raw server = new TestServers.Raw(socket -> {
            try (OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024) {
                @Override
                public void write(byte[] b) throws IOException {
                    super.write(b);
                    flush(); // each answer leaves when written: a test of framing, not of buffering
                }
            }) {
                hostile.hostility().serve(new Requests(socket.getInputStream(), hostile.http(), seen), out, socket);
            }
        })) {
            Target target = Target.parse(hostile.http() ? server.url("/") : server.target());
            Workload workload = hostile.http()
                    ? new HttpWorkload("GET", "/", target.host(), List.of(), new byte[0])
                    : new EchoWorkload(ECHO_SIZE);
            // No warm-up: everything is recorded, so that what the client counts is what the server read.
            LoadSettings settings = new LoadSettings(
                    target,
                    workload,
                    1,
                    4,
                    rate,
                    hostile.pipeline(),
                    Duration.ZERO,
                    Duration.ofSeconds(1),
                    TIMEOUT,
                    Duration.ofSeconds(2));
            long heapBefore = usedHeap();
            long start = System.nanoTime();
            RequestAccount account;
            String reason;
            java.util.Map<ErrorKind, Long> errors;
            try (LoadRun run = LoadRun.start(settings)) {
                run.awaitConnected();
                Thread.sleep(700);
                run.stop(TIMEOUT);
                account = run.account();
                reason = run.badResponse();
                errors = run.errors();
            }
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            long heapGrowth = usedHeap() - heapBefore;
            long issued = account.issued();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (seen.get() < issued && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the server's threads may still be counting what they read
            }
            String context = hostile + " at " + rate + ": " + account + ", errors " + errors + ", reason " + reason;
            assertTrue(account.balances(), context);
            assertTrue(account.issued() > 0, context);
            if (hostile.name().startsWith("a reset")) {
                // Requests still on their way when the server resets are lost unread: each of them must be among the
                // failed.
                assertTrue(
                        seen.get() <= issued && issued - seen.get() <= account.failed(),
                        "the server read " + seen.get() + "; every one it did not is counted failed: " + context);
            } else {
                assertEquals(seen.get(), issued, "the server read as many as were issued: " + context);
            }
            assertTrue(errors.get(hostile.expected()) > 0, "counted as " + hostile.expected() + ": " + context);
            if (hostile.reason() != null) {
                assertTrue(
                        reason != null && reason.contains(hostile.reason()) && !reason.contains("\n"),
                        "a one-line reason: " + context);
            }
            assertTrue(tookMillis < 3_000, "the run ends on time: " + tookMillis + " ms; " + context);
            assertTrue(
                    heapGrowth < 64 << 20,
                    "memory stays bounded: the heap grew by " + (heapGrowth >> 20) + " MiB; " + context);
        }
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /**
     * Reads a connection's requests one at a time, counting each one read whole: HTTP by its blank line, echo by its
     * size.
     */
    static final class Requests {
        private final InputStream in;
        private final boolean http;
        private final AtomicLong seen;
        private byte[] last;

        Requests(InputStream in, boolean http, AtomicLong seen) {
            this.in = new java.io.BufferedInputStream(in);
            this.http = http;
            this.seen = seen;
        }

        /** Reads the next request; false when the client closed. */
        boolean next() throws IOException {
            if (http) {
                int matched = 0;
                java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return false;
                    }
                    request.write(b);
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                last = request.toByteArray();
            } else {
                last = in.readNBytes(ECHO_SIZE);
                if (last.length < ECHO_SIZE) {
                    return false;
                }
            }
            seen.incrementAndGet();
            return true;
        }

        byte[] last() {
            return last.clone();
        }

        /** Reads and counts every whole request that has already arrived. */
        void drain() throws IOException {
            while (in.available() > 0 && next()) {
                // counted
            }
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }
}
