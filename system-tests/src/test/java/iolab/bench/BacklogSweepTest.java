package iolab.bench;

import iolab.runfiles.BacklogPoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The listen backlog's lesson, measured for real on this machine's kernel. */
class BacklogSweepTest {

    @TempDir
    Path run;

    @Test
    void theKernelsCountersAreReadByName() {
        ListenCounters counters = ListenCounters.parse(List.of(
                "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPHPHits",
                "TcpExt: 3 17 19 400",
                "IpExt: InNoRoutes",
                "IpExt: 0"));
        assertEquals(new ListenCounters(17, 19), counters);
        assertEquals(new ListenCounters(2, 3), new ListenCounters(19, 22).since(counters));
        assertNotNull(ListenCounters.read(), "this machine has /proc/net/netstat");
    }

    @Test
    void aBacklogOfOneDropsConnectsThatABacklogOf4096Queues() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<BacklogPoint> points = BacklogSweep.run(run, "backlog-test", List.of(1, 4096), Duration.ofSeconds(2),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        BacklogPoint one = points.get(0);
        BacklogPoint large = points.get(1);
        String said = printed.toString(StandardCharsets.UTF_8);
        // Beyond a backlog of one the kernel drops the handshake's last ACK: the connection waits a second, then three,
        // and keeps losing the one place in the queue to newcomers, so at the end much of the storm is still
        // unanswered.
        assertTrue(one.listenOverflows() + one.listenDrops() > 0, said);
        assertTrue(one.unanswered() >= BacklogSweep.IN_PROGRESS / 4, "a quarter of the storm stalled: " + said);
        assertTrue(
                large.unanswered() < one.unanswered() / 4, "a backlog that holds the storm queues it instead: " + said);
        assertEquals(0, large.listenOverflows() + large.listenDrops(), "a backlog of 4096 holds the storm: " + said);
        // Under the kernel's first SYN retransmit (1 s): connect() returns once the kernel has answered, not once
        // accepted.
        assertTrue(
                one.connectTime().getValueAtPercentile(50) < 500_000_000L,
                "connect() returns once the kernel has answered: " + said);
        assertEquals(3, Files.readAllLines(run.resolve(BacklogPoint.CSV)).size(), "a header and a line per backlog");
        assertTrue(Files.size(run.resolve(BacklogPoint.FOLDER).resolve(BacklogPoint.file(1))) > 0);
        assertTrue(Files.size(run.resolve(BacklogPoint.FOLDER).resolve(BacklogPoint.connectFile(1))) > 0);
    }
}
