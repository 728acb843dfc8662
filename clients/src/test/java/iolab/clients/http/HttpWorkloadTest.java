package iolab.clients.http;

import iolab.clients.Workload;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The response reader: its head buffer starts small (10,000 connections hold one each) and grows to the limit. */
class HttpWorkloadTest {

    private final List<Integer> statuses = new ArrayList<>();
    private final Workload.Completion done = new Workload.Completion() {
        @Override
        public void completed(int status, boolean last) {
            statuses.add(status);
        }

        @Override
        public int inFlight() {
            return 1; // the reader of HTTP does not ask
        }
    };

    @Test
    void aHeadLargerThanTheFirstBufferIsReadWholeWhateverTheSplit() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nX-Padding: " + "p".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\nok";
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        for (int split : new int[] {1, 7, 1023, 1024, 1025, 4096, bytes.length}) {
            Workload.ResponseReader reader = reader();
            for (int at = 0; at < bytes.length; at += split) {
                reader.read(ByteBuffer.wrap(bytes, at, Math.min(split, bytes.length - at)).slice(), done);
            }
        }
        assertEquals(7, statuses.size(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s == 200));
    }

    @Test
    void aHeadOverTheLimitIsABadResponse() {
        byte[] bytes = ("HTTP/1.1 200 OK\r\nX-Padding: " + "p".repeat(HttpWorkload.MAX_HEAD_BYTES) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Workload.BadResponseException e =
                assertThrows(Workload.BadResponseException.class, () -> reader().read(ByteBuffer.wrap(bytes), done));
        assertTrue(e.getMessage().contains("over " + HttpWorkload.MAX_HEAD_BYTES + " bytes"), e.getMessage());
    }

    @Test
    void aChunkSizeIsHexDigitsOnlyWithOptionalExtensions() throws Exception {
        for (String size : new String[] {"-100", "+5", "", " 5", "5x", "0x5", "1234567890abcdef0"}) {
            byte[] bytes = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            Workload.BadResponseException e = assertThrows(
                    Workload.BadResponseException.class,
                    () -> reader().read(ByteBuffer.wrap(bytes), done),
                    "'" + size + "'");
            assertTrue(e.getMessage().contains("chunk size"), e.getMessage());
        }
        for (String size : new String[] {"5", "05", "5;name=value", "5 ;name", "5  "}) {
            reader().read(
                            ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size
                                            + "\r\nhello\r\n0\r\n\r\n")
                                    .getBytes(StandardCharsets.ISO_8859_1)),
                            done);
        }
        assertEquals(5, statuses.size(), statuses.toString());
    }

    @Test
    void differingContentLengthsAreInvalidFramingAndARepeatOfTheSameIsNot() throws Exception {
        byte[] differing = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nhello"
                .getBytes(StandardCharsets.ISO_8859_1);
        Workload.BadResponseException e = assertThrows(
                Workload.BadResponseException.class, () -> reader().read(ByteBuffer.wrap(differing), done));
        assertTrue(e.getMessage().contains("differing Content-Length"), e.getMessage());
        for (String value : new String[] {"", "1 2", "-1", "2x"}) {
            byte[] bytes = ("HTTP/1.1 200 OK\r\nContent-Length: " + value + "\r\n\r\nok")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertThrows(
                    Workload.BadResponseException.class,
                    () -> reader().read(ByteBuffer.wrap(bytes), done),
                    "'" + value + "'");
        }
        reader().read(
                        ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2 \r\n\r\nok"
                                .getBytes(StandardCharsets.ISO_8859_1)),
                        done);
        assertEquals(List.of(200), statuses);
    }

    private static Workload.ResponseReader reader() {
        return new HttpWorkload("GET", "/", "localhost", List.of(), new byte[0]).newReader();
    }

    @Test
    void theHttpReaderFramesResponsesSplitAnywhereInOrder() throws Exception {
        String responses = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: "
                + "1\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        byte[] bytes = responses.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= bytes.length; cut++) {
            HttpWorkload.Reader reader = new HttpWorkload.Reader(false);
            List<String> seen = new java.util.ArrayList<>();
            Workload.Completion done = new Workload.Completion() {
                @Override
                public void completed(int status, boolean last) {
                    seen.add(status + (last ? " last" : ""));
                }

                @Override
                public int inFlight() {
                    return 4;
                }
            };
            reader.read(java.nio.ByteBuffer.wrap(bytes, 0, cut), done);
            reader.read(java.nio.ByteBuffer.wrap(bytes, cut, bytes.length - cut), done);
            assertEquals(List.of("200", "404", "204", "500 last"), seen, "split at " + cut);
        }
    }
}
