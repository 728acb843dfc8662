package iolab.servers.datagram;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every model's UDP echo keeps alike: the address it is bound to, the datagrams it has sent back, how it reports a
 * failure.
 */
abstract class CountingDatagramServer implements DatagramServer {

    private final AtomicLong echoed = new AtomicLong();
    private volatile SocketAddress address;

    /** The socket is bound: {@link #address()} has its real port from now on. */
    protected final SocketAddress bound(SocketAddress local) {
        address = local;
        return local;
    }

    /** One datagram went back. */
    protected final void countEcho() {
        echoed.incrementAndGet();
    }

    /** A datagram socket has no peer to lose: a failure is reported, and the server serves on (or is stopping). */
    protected static void report(Throwable failure) {
        System.err.println("iolab-servers: udp: " + failure);
    }

    @Override
    public final SocketAddress address() {
        return address;
    }

    @Override
    public final long echoed() {
        return echoed.get();
    }
}
