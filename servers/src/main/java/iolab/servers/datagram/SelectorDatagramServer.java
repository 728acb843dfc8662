package iolab.servers.datagram;

import iolab.servers.SelectorProviders;
import iolab.servers.ServerSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;

/**
 * {@code nio} over UDP: one non-blocking {@link DatagramChannel} on one loop's {@link Selector}.
 * A UDP socket is one channel, so there is one loop whatever {@code --loops} says. A reply the
 * socket's send buffer has no room for is kept, and the loop stops reading until it is sent
 * (the TCP model's back-pressure): datagrams then wait in, and overflow from, the kernel's
 * receive buffer, which is where UDP loses them.
 */
final class SelectorDatagramServer extends CountingDatagramServer {

    /** Datagrams taken per wake-up before the selector is asked again. */
    private static final int BATCH = 64;

    private final ServerSettings settings;
    private final SelectorProvider provider;
    private DatagramChannel channel;
    private Selector selector;
    private Thread loop;
    private volatile boolean stopping;

    SelectorDatagramServer(ServerSettings settings) {
        this.settings = settings;
        this.provider = SelectorProviders.named(settings.nio().selector());
    }

    @Override
    public SocketAddress start() throws IOException {
        InetSocketAddress endpoint = (InetSocketAddress) settings.endpoint();
        channel = provider.openDatagramChannel(endpoint.getAddress() instanceof java.net.Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.bind(endpoint);
            channel.configureBlocking(false);
            selector = provider.openSelector();
            channel.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        bound(channel.getLocalAddress());
        loop = Thread.ofPlatform().name("udp-loop").start(this::run);
        return address();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(DatagramServers.RECEIVE_BUFFER);
        SocketAddress pendingTo = null; // a reply kept in buffer, waiting for room to send
        try {
            SelectionKey key = channel.keyFor(selector);
            while (!stopping) {
                selector.select();
                selector.selectedKeys().clear();
                if (stopping) {
                    break;
                }
                if (pendingTo != null) {
                    if (!sent(buffer, pendingTo)) {
                        continue;
                    }
                    countEcho();
                    pendingTo = null;
                    key.interestOps(SelectionKey.OP_READ);
                }
                for (int i = 0; i < BATCH; i++) {
                    buffer.clear();
                    SocketAddress from = channel.receive(buffer);
                    if (from == null) {
                        break;
                    }
                    buffer.flip();
                    if (!sent(buffer, from)) {
                        pendingTo = from;
                        key.interestOps(SelectionKey.OP_WRITE);
                        break;
                    }
                    countEcho();
                }
            }
        } catch (ClosedSelectorException | java.nio.channels.ClosedChannelException e) {
            // stopped
        } catch (IOException e) {
            if (!stopping) {
                report(e);
            }
        }
    }

    /** Whether the reply went out: {@code send} returns 0 both for no room and for an empty datagram sent. */
    private boolean sent(ByteBuffer reply, SocketAddress to) throws IOException {
        boolean empty = !reply.hasRemaining();
        return channel.send(reply, to) > 0 || empty;
    }

    @Override
    public int stop(Duration grace) {
        stopping = true;
        if (selector != null) {
            selector.wakeup();
        }
        if (loop != null) {
            try {
                loop.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (selector != null) {
                selector.close();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing is left to serve
        }
        return 0;
    }

    @Override
    public String toString() {
        return "nio, UDP, one loop (" + provider.getClass().getSimpleName() + ")";
    }
}
