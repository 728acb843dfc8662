package iolab.clients;

import iolab.clients.udp.DatagramLoad;
import iolab.clients.udp.DatagramResult;
import iolab.clients.udp.DatagramSettings;
import iolab.clients.cli.Main;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.servers.Model;
import iolab.servers.ServerSettings;
import iolab.servers.datagram.DatagramServer;
import iolab.servers.datagram.DatagramServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP load: what it counts is what happened, and loss is a result, not an error. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramLoadTest {

    @TempDir
    Path dir;

    private static DatagramServer udpServer() throws Exception {
        DatagramServer server = DatagramServers.create(ServerSettings.defaults(Model.NIO,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withLoops(1));
        server.start();
        return server;
    }

    private static DatagramSettings settings(DatagramServer server, double rate, Duration duration) {
        int port = ((InetSocketAddress) server.address()).getPort();
        return new DatagramSettings(
                Target.parse("127.0.0.1:" + port), 2, 64, rate, false, Duration.ZERO, duration, Duration.ofMillis(500));
    }

    @Test
    void aLightLoadOnLoopbackComesBackWhole() throws Exception {
        try (DatagramServer server = udpServer()) {
            DatagramResult result = DatagramLoad.run(settings(server, 2000, Duration.ofMillis(500)), null, null);
            assertEquals(1000, result.sent(), 40, "the schedule's datagrams were sent");
            assertEquals(result.sent(), result.echoed(), "none lost on loopback at 2,000/s");
            assertEquals(0, result.lost());
            assertEquals(0, result.duplicated() + result.bad() + result.refused());
            assertEquals(result.echoed(), result.latencyNanos().getTotalCount(), "a latency per echoed datagram");
        }
    }

    @Test
    void aServerStoppedMidRunShowsAsLossAndAsRefusals() throws Exception {
        DatagramServer server = udpServer();
        DatagramSettings settings = settings(server, 4000, Duration.ofSeconds(1));
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException ignored) {
                // stop now
            }
            server.stop(Duration.ZERO);
        });
        DatagramResult result = DatagramLoad.run(settings, null, null);
        stopper.join();
        // A second at 4,000/s, the server gone after half of it: about half come back.
        assertTrue(
                result.lossRatio() > 0.3 && result.lossRatio() < 0.7, "lost " + result.lost() + " of " + result.sent());
        assertEquals(result.sent() - result.echoed(), result.lost());
        assertTrue(result.echoed() > 1000, "the first half second's were echoed: " + result.echoed());
        assertTrue(
                result.refused() > 0, "loopback reports the closed port (ICMP port unreachable): " + result.refused());
    }

    @Test
    void theCommandLineSummarisesAndWritesJson() throws Exception {
        try (DatagramServer server = udpServer()) {
            int port = ((InetSocketAddress) server.address()).getPort();
            Path json = dir.resolve("udp.json");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int status = Main.start(
                    new String[] {
                        "--udp",
                        "-R",
                        "1k",
                        "-d",
                        "1",
                        "-c",
                        "2",
                        "--size",
                        "100",
                        "-q",
                        "--json",
                        json.toString(),
                        "127.0.0.1:" + port
                    },
                    new PrintWriter(out, true),
                    new PrintWriter(err, true));
            assertEquals(0, status, err.toString());
            assertTrue(out.toString().contains("udp echo 100 B to 127.0.0.1"), out.toString());
            assertTrue(
                    out.toString().matches("(?s).*\\d+ datagrams sent in 1\\.00s, \\d+ echoed, \\d+ lost.*"),
                    out.toString());
            JsonObject summary = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
            assertEquals(
                    summary.get("sent").getAsLong(),
                    summary.get("echoed").getAsLong() + summary.get("lost").getAsLong());
            assertTrue(
                    summary.has("reordered") && summary.has("late") && summary.has("latencyMillis"),
                    summary.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--udp 127.0.0.1:9",
                "--udp -R 10 --pipeline 2 127.0.0.1:9",
                "--udp -R 10 unix:/tmp/x.sock",
                "--udp -R 10 http://127.0.0.1:9/",
                "--udp -R 10 --size 8 127.0.0.1:9",
                "--udp -R 10 --reconnect 127.0.0.1:9",
                "--udp -R 10 --protocol http 127.0.0.1:9"
            })
    void aFlagThatDoesNotApplyToUdpIsNamed(String args) {
        StringWriter err = new StringWriter();
        int status = Main.start(args.split(" "), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(2, status, err.toString());
        assertFalse(err.toString().split("\n")[0].isBlank());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }
}
