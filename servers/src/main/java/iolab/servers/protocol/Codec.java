package iolab.servers.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One connection's side of a protocol. The I/O model calls it from one thread at a time.
 *
 * <p>Input may arrive split at any byte: a codec consumes what it can and leaves the rest
 * in the buffer (position at the first unconsumed byte); the model hands those bytes back,
 * followed by more, on the next call.
 */
public interface Codec {

    /** Bytes arrived: consume from {@code input}, send replies through {@code out}. */
    void received(ByteBuffer input, Outbound out) throws IOException;

    /**
     * The peer shut down its output (half-close). The model closes the connection once
     * everything sent through {@code out} has been written.
     */
    default void inputClosed(Outbound out) throws IOException {
    }

    /**
     * The connection is gone, whoever closed it: give back what the codec holds. Called once,
     * on the connection's thread, after the last {@link #received}.
     */
    default void closed() {
    }

    /**
     * Asked now and then from any thread: true when the connection has outstayed a deadline
     * of the protocol's own (an HTTP client trickling its head or its body), and the model closes it.
     */
    default boolean expired(long nowNanos) {
        return false;
    }
}
