package iolab.servers;

import iolab.servers.datagram.DatagramServer;
import iolab.servers.datagram.DatagramServers;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP echo on every server that serves it, over IPv4 and IPv6: each datagram comes back whole, to its own sender. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatagramEchoTest {

    static Stream<Arguments> everyUdpServerAndFamily() {
        List<Arguments> cases = new ArrayList<>();
        for (ServerVariant variant : ServerVariant.values()) {
            if (DatagramServers.unsupported(variant.model()).isEmpty() && !variant.httpsOnly()) {
                for (String loopback : List.of("127.0.0.1", "::1")) {
                    cases.add(Arguments.of(variant, loopback));
                }
            }
        }
        return cases.stream();
    }

    private static DatagramServer start(ServerVariant variant, String loopback) throws Exception {
        ServerSettings settings =
                ServerCase.settings(variant, new InetSocketAddress(InetAddress.getByName(loopback), 0));
        DatagramServer server =
                DatagramServers.create(settings.model().hasEventLoops() ? settings.withLoops(1) : settings);
        server.start();
        return server;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyUdpServerAndFamily")
    void everyDatagramComesBackWholeToItsSender(ServerVariant variant, String loopback) throws Exception {
        try (DatagramServer server = start(variant, loopback);
             DatagramSocket a = new DatagramSocket(0, InetAddress.getByName(loopback));
             DatagramSocket b = new DatagramSocket(0, InetAddress.getByName(loopback))) {
            a.setSoTimeout(5000);
            b.setSoTimeout(5000);
            Random random = new Random(7);
            // Empty, small, one Ethernet MTU's payload, one that IP must fragment and the family's largest (IPv6's
            // length field leaves out its header): each is one datagram, sent back whole. Netty's nio and epoll
            // datagram channels write nothing for an empty buffer, so they cannot echo an empty datagram.
            boolean nettyDropsEmpty = variant == ServerVariant.NETTY_NIO || variant == ServerVariant.NETTY_EPOLL;
            int largest = loopback.contains(":") ? 65_527 : 65_507;
            for (int size :
                    nettyDropsEmpty ? new int[] {1, 1472, 60_000, largest} : new int[] {0, 1, 1472, 60_000, largest}) {
                byte[] fromA = new byte[size];
                byte[] fromB = new byte[size];
                random.nextBytes(fromA);
                random.nextBytes(fromB);
                a.send(new DatagramPacket(fromA, size, server.address()));
                b.send(new DatagramPacket(fromB, size, server.address()));
                assertArrayEquals(fromA, receive(a), variant + ": " + size + " bytes back to a");
                assertArrayEquals(fromB, receive(b), variant + ": " + size + " bytes back to b");
            }
            int sent = nettyDropsEmpty ? 8 : 10;
            assertEquals(sent, waitForEchoed(server, sent));
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("everyUdpServerAndFamily")
    void aBurstIsServedAndTheServerStopsCleanly(ServerVariant variant, String loopback) throws Exception {
        DatagramServer server = start(variant, loopback);
        Set<Integer> back = new HashSet<>();
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getByName(loopback))) {
            client.setSoTimeout(2000);
            client.setReceiveBufferSize(1 << 20);
            int burst = 200; // well inside the kernel's buffers: none may be lost on loopback
            for (int i = 0; i < burst; i++) {
                client.send(new DatagramPacket(new byte[] {(byte) i, (byte) (i >> 8)}, 2, server.address()));
            }
            while (back.size() < burst) {
                byte[] reply = receive(client);
                back.add((reply[0] & 0xff) | (reply[1] & 0xff) << 8);
            }
        } finally {
            server.stop(Duration.ZERO);
        }
        assertEquals(200, back.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!serverThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), serverThreads(), variant + " left threads behind");
    }

    /** The live threads the UDP servers name: {@code udp-...} and Netty's {@code netty-udp-...}. */
    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("udp-") || name.startsWith("netty-udp")).toList();
    }

    private static byte[] receive(DatagramSocket socket) throws java.io.IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static long waitForEchoed(DatagramServer server, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.echoed() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5); // a virtual thread counts its reply just after sending it
        }
        return server.echoed();
    }
}
