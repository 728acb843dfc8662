package iolab.servers.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a codec sends bytes, and how it asks for blocking work. Each I/O model implements
 * it once: a blocking model writes until done and blocks its own thread for blocking work;
 * the selector model writes what the kernel takes now, queues the rest, and runs blocking
 * work on a bounded worker pool so that its event loop never blocks.
 */
public interface Outbound {

    /**
     * Sends every remaining byte of {@code bytes}. On return the buffer is consumed:
     * the bytes were written, or the model kept a copy to write later, so the caller may
     * reuse the buffer at once.
     */
    void send(ByteBuffer bytes) throws IOException;

    /**
     * Sends {@code count} bytes of {@code file} from {@code position}, after everything sent
     * before, streaming it ({@link FileChannel#transferTo} where it can) so that memory stays
     * bounded however large the file. The model closes {@code file} when done or on failure.
     */
    void sendFile(FileChannel file, long position, long count) throws IOException;

    /**
     * Runs {@code work} where blocking is allowed and then, on the connection's own thread,
     * {@link BlockingWork#complete}. Until then the codec is not handed more input.
     *
     * @return false, at once, when the model has no room for more blocking work (the
     *         selector model's worker queue is full); {@code work} was not run
     */
    boolean runBlocking(BlockingWork work) throws IOException;

    /**
     * True while earlier output still waits for the peer to read it. A codec answers no further
     * request then: the model hands the unread input back once the output has drained, so a peer
     * that pipelines and never reads costs one response's worth of memory and work (the selector
     * model: one read's responses, which it stages and writes together), not one per request it
     * sent. A blocking model's writes finish before they return: never backlogged.
     */
    boolean backlogged();

    /**
     * Closes the connection once everything sent so far has been written. The close is gentle
     * (RFC 9112, 9.6): the model shuts down its output and reads what the peer still sends,
     * for a short while, so that a reset cannot destroy the last response before it is read.
     */
    void closeWhenFlushed();

    /** Work that blocks (a stand-in for a database call), then a reply. */
    interface BlockingWork {

        /** The blocking part; runs on the connection's thread or on a worker. */
        void run() throws Exception;

        /** After {@link #run}, on the connection's thread: send the reply, resume the codec. */
        void complete(Outbound out, Exception failure) throws IOException;
    }
}
