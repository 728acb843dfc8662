package iolab.bench;

import iolab.runfiles.UdpTrial;

import iolab.servers.ServerVariant;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP sweep, for real: a server process echoes an open loop's datagrams, and the kernel's own counts say where any
 * were lost.
 */
class UdpSweepTest {

    @TempDir
    Path run;

    @Test
    void aTrialCountsWhatCameBackWhatTheServerSpentAndWhereDatagramsWereDropped() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<UdpTrial> trials = UdpSweep.run(
                run,
                "udp-test",
                List.of(ServerVariant.NIO),
                List.of(5_000L),
                1,
                Duration.ofMillis(300),
                Duration.ofMillis(500),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String said = printed.toString(StandardCharsets.UTF_8);
        assertEquals(1, trials.size(), said);
        UdpTrial t = trials.getFirst();
        assertEquals(2_500, t.sent(), 50, "half a second at 5,000/s: " + said);
        assertEquals(t.sent() - t.echoed(), t.lost());
        assertTrue(t.lossRatio() < 0.05, "5,000/s is far below any server's knee: " + said);
        assertTrue(
                Double.isFinite(t.cpuMicrosPerDatagram()) && t.cpuMicrosPerDatagram() > 0,
                "the server's CPU was read from /proc: " + said);
        assertTrue(
                t.serverDrops() >= 0 && t.clientDrops() >= 0,
                "the sockets' drops were read from /proc/net/udp: " + said);
        assertEquals(
                t.lost(),
                t.serverDrops() + t.clientDrops(),
                "on loopback a datagram is lost only to a full receive buffer: " + said);
        assertEquals(2, Files.readAllLines(run.resolve(UdpTrial.CSV)).size(), "a header and a line per trial");
    }
}
