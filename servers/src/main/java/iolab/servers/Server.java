package iolab.servers;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;

/** A running server of one I/O model and one protocol. */
public interface Server extends AutoCloseable {

    /** Binds and starts accepting; returns the bound address (the real port when asked for 0). */
    SocketAddress start() throws IOException;

    /** The bound address once started (the real port when asked for 0), else null. */
    SocketAddress address();

    /** Connections admitted, rejected and open, counted since start. */
    ConnectionCounter connections();

    /**
     * Stops accepting (a Unix socket file is removed), lets open connections finish for up to
     * {@code grace}, then closes the rest and ends every thread the server started.
     *
     * @return how many connections were still open when the grace period ran out
     */
    int stop(Duration grace);

    @Override
    default void close() {
        stop(Duration.ZERO);
    }
}
