package iolab.servers.datagram;

import iolab.servers.Model;
import iolab.servers.ServerSettings;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The course's {@code recvfrom}/{@code sendto} loop on a blocking {@link DatagramSocket}.
 * {@code pool}: N platform threads all block in {@code receive} on the one socket, and the kernel
 * wakes one per datagram. {@code virtual}: one thread receives and hands each datagram to a new
 * virtual thread that sends the reply, the per-request hand-off the TCP models pay per connection.
 */
final class BlockingDatagramServer extends CountingDatagramServer {

    private final ServerSettings settings;
    private final List<Thread> receivers = new ArrayList<>();
    private DatagramSocket socket;
    private ExecutorService senders;

    BlockingDatagramServer(ServerSettings settings) {
        this.settings = settings;
    }

    @Override
    public SocketAddress start() throws IOException {
        socket = new DatagramSocket(settings.endpoint());
        bound(socket.getLocalSocketAddress());
        if (settings.model() == Model.VIRTUAL) {
            senders = Executors.newVirtualThreadPerTaskExecutor();
            receivers.add(Thread.ofPlatform().name("udp-receiver").start(this::receiveAndHandOff));
        } else {
            for (int i = 0; i < settings.pool().threads(); i++) {
                receivers.add(Thread.ofPlatform().name("udp-" + i).start(this::receiveAndReply));
            }
        }
        return address();
    }

    private void receiveAndReply() {
        DatagramPacket packet =
                new DatagramPacket(new byte[DatagramServers.RECEIVE_BUFFER], DatagramServers.RECEIVE_BUFFER);
        try {
            while (true) {
                packet.setLength(DatagramServers.RECEIVE_BUFFER);
                socket.receive(packet);
                socket.send(packet); // to the address it came from, which receive() set
                countEcho();
            }
        } catch (IOException e) {
            stoppedOrFailed(e);
        }
    }

    private void receiveAndHandOff() {
        DatagramPacket packet =
                new DatagramPacket(new byte[DatagramServers.RECEIVE_BUFFER], DatagramServers.RECEIVE_BUFFER);
        try {
            while (true) {
                packet.setLength(DatagramServers.RECEIVE_BUFFER);
                socket.receive(packet);
                DatagramPacket reply = new DatagramPacket(
                        Arrays.copyOf(packet.getData(), packet.getLength()),
                        packet.getLength(),
                        packet.getSocketAddress());
                senders.execute(() -> {
                    try {
                        socket.send(reply);
                        countEcho();
                    } catch (IOException e) {
                        stoppedOrFailed(e);
                    }
                });
            }
        } catch (IOException e) {
            stoppedOrFailed(e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the senders no longer take work
        }
    }

    /** Closing the socket is how a blocked {@code receive} learns of the stop; any other failure is reported. */
    private void stoppedOrFailed(IOException e) {
        if (!(e instanceof SocketException) || !socket.isClosed()) {
            report(e);
        }
    }

    @Override
    public int stop(Duration grace) {
        if (socket != null) {
            socket.close();
        }
        for (Thread receiver : receivers) {
            receiver.interrupt();
            try {
                receiver.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (senders != null) {
            senders.close(); // waits for the replies already handed off
        }
        return 0;
    }

    @Override
    public String toString() {
        return settings.model() == Model.VIRTUAL ? "virtual, UDP, a virtual thread per datagram"
                : "pool, UDP, " + settings.pool().threads() + " thread(s) receiving on one socket";
    }
}
