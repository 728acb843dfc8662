package iolab.clients;

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
    private final Workload.Completion done = (status, last) -> statuses.add(status);

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
        byte[] bytes = ("HTTP/1.1 200 OK\r\nX-Padding: " + "p".repeat(HttpWorkload.MAX_HEAD_BYTES) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Workload.BadResponseException e = assertThrows(Workload.BadResponseException.class, () -> reader().read(ByteBuffer.wrap(bytes), done));
        assertTrue(e.getMessage().contains("over " + HttpWorkload.MAX_HEAD_BYTES + " bytes"), e.getMessage());
    }

    private static Workload.ResponseReader reader() {
        return new HttpWorkload("GET", "/", "localhost", List.of(), new byte[0]).newReader();
    }
}
