package iolab.servers.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a codec sends bytes. Each I/O model implements it once: a blocking model writes
 * until done; the selector model writes what the kernel takes now and queues the rest.
 */
public interface Outbound {

    /**
     * Sends every remaining byte of {@code bytes}. On return the buffer is consumed:
     * the bytes were written, or the model kept a copy to write later, so the caller may
     * reuse the buffer at once.
     */
    void send(ByteBuffer bytes) throws IOException;

    /** Closes the connection once everything sent so far has been written. */
    void closeWhenFlushed();
}
