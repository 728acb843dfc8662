package iolab.servers.datagram;

import iolab.servers.ConnectionCounter;
import iolab.servers.Server;

/**
 * A UDP echo server: every datagram received is sent back, whole, to the address it came from.
 * UDP has no connections, so there is nothing to admit, time out or let finish: stopping closes
 * the socket, and a datagram still in the kernel's buffer is lost, as UDP allows.
 */
public interface DatagramServer extends Server {

    /** Datagrams sent back since start. */
    long echoed();

    /** Always zero: a UDP socket has no connections. */
    @Override
    default ConnectionCounter connections() {
        return new ConnectionCounter(0);
    }
}
