package iolab.servers;

import iolab.servers.ServerCase.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --accept-delay}: the lab's models take one connection per delay, and the rest wait in the kernel's queue. */
class AcceptDelayTest {

    static Stream<ServerCase> labModels() {
        return ServerCase.all().stream().filter(c -> c.model().servesFiles());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void connectionsAreTakenOnePerDelay(ServerCase c) throws Exception {
        ServerSettings settings = c.settings(Family.IPV4).withAcceptDelay(Duration.ofMillis(300));
        try (Server server = c.startEcho(settings)) {
            List<SocketChannel> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.add(SocketChannel.open(server.address())); // the kernel completes each handshake at once
                }
                Thread.sleep(150);
                assertTrue(
                        server.connections().admitted() <= 1,
                        "one taken, the rest in the queue: " + server.connections());
                Clients.await(
                        "all four taken, one per 300 ms",
                        3_000,
                        () -> server.connections().admitted() == 4);
            } finally {
                for (SocketChannel client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void theReferencesCannotBeMadeSlowToAccept() {
        for (Model model : List.of(Model.NETTY, Model.JDK)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ServerSettings.defaults(model, new InetSocketAddress(0))
                            .withAcceptDelay(Duration.ofMillis(1)));
            assertEquals("accept-delay applies to the lab's four models, not to " + model, e.getMessage());
        }
    }
}
