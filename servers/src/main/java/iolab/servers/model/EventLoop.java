package iolab.servers.model;

import iolab.servers.ConnectionCounter;
import iolab.servers.Endpoints;
import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Outbound;
import iolab.servers.protocol.Protocol;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

/**
 * One thread, one {@link Selector}, many connections; nothing here ever blocks.
 *
 * <p>Back-pressure: when the kernel takes only part of a write, the rest is queued, the
 * connection's interest switches from {@code OP_READ} to {@code OP_WRITE}, and it is not
 * read again until its queue has drained. A peer that sends and never reads therefore costs
 * at most one read's worth of queued bytes, however long it keeps sending.
 */
final class EventLoop implements Runnable {

    /** One read at a time per loop, so one buffer per loop; leftovers are copied out. */
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Selector selector;
    private final Protocol protocol;
    private final ConnectionCounter counter;
    private final long idleTimeoutNanos;
    private final long selectTimeoutMillis;
    private final Queue<SocketChannel> adopted = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private long lastIdleCheckNanos = System.nanoTime();

    EventLoop(Selector selector, Protocol protocol, ConnectionCounter counter, Duration idleTimeout) {
        this.selector = selector;
        this.protocol = protocol;
        this.counter = counter;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.selectTimeoutMillis = idleTimeout.isZero() ? 0 : Math.max(10, idleTimeout.toMillis() / 4);
    }

    /** Called by the acceptor: the connection joins this loop at its next turn. */
    void adopt(SocketChannel channel) {
        adopted.add(channel);
        selector.wakeup();
    }

    void stop() {
        running = false;
        selector.wakeup();
    }

    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void run() {
        try {
            while (running) {
                selector.select(selectTimeoutMillis);
                registerAdopted();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    ((Connection) key.attachment()).handle(key);
                }
                if (idleTimeoutNanos > 0) {
                    closeIdle();
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("event loop " + Thread.currentThread().getName() + " failed: " + e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                ((Connection) key.attachment()).close();
            }
            registerAdopted();
            closeQuietly(selector);
            stopped.countDown();
        }
    }

    private void registerAdopted() {
        SocketChannel channel;
        while ((channel = adopted.poll()) != null) {
            if (!running || !selector.isOpen()) {
                closeQuietly(channel);
                counter.release();
                continue;
            }
            try {
                channel.configureBlocking(false);
                Endpoints.configureAccepted(channel);
                Connection connection = new Connection(channel, protocol.newCodec());
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
            } catch (IOException e) {
                closeQuietly(channel);
                counter.release();
            }
        }
    }

    private void closeIdle() {
        long now = System.nanoTime();
        if (now - lastIdleCheckNanos < selectTimeoutMillis * 1_000_000) {
            return;
        }
        lastIdleCheckNanos = now;
        for (SelectionKey key : selector.keys()) {
            Connection connection = (Connection) key.attachment();
            if (now - connection.lastActiveNanos > idleTimeoutNanos) {
                connection.close();
            }
        }
    }

    static void closeQuietly(Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }

    /** A connection's state, touched only by its loop's thread. */
    private final class Connection implements Outbound {
        private final SocketChannel channel;
        private final Codec codec;
        private final Queue<ByteBuffer> unsent = new ArrayDeque<>();
        private SelectionKey key;
        private ByteBuffer unconsumed;
        private boolean closeWhenFlushed;
        private boolean closed;
        long lastActiveNanos = System.nanoTime();

        Connection(SocketChannel channel, Codec codec) {
            this.channel = channel;
            this.codec = codec;
        }

        void handle(SelectionKey key) {
            try {
                if (key.isWritable()) {
                    flush();
                }
                if (key.isValid() && key.isReadable()) {
                    read();
                }
                if (!closed) {
                    afterIo();
                }
            } catch (IOException | CancelledKeyException e) {
                close(); // reset by the peer, or closed while we were at it
            }
        }

        private void read() throws IOException {
            ByteBuffer input = readBuffer.clear();
            if (unconsumed != null) {
                input = unconsumed.remaining() < input.capacity() ? input.put(unconsumed) : grow(unconsumed);
                unconsumed = null;
            }
            int n = channel.read(input);
            input.flip();
            if (n < 0) {
                if (input.hasRemaining()) {
                    codec.received(input, this);
                }
                codec.inputClosed(this);
                closeWhenFlushed = true;
                return;
            }
            if (n > 0) {
                lastActiveNanos = System.nanoTime();
            }
            codec.received(input, this);
            if (input.hasRemaining()) {
                unconsumed = ByteBuffer.allocate(input.remaining()).put(input).flip();
            }
        }

        private ByteBuffer grow(ByteBuffer leftover) {
            return ByteBuffer.allocate(leftover.remaining() + READ_BUFFER_BYTES).put(leftover);
        }

        /** Reading resumes only once the queue is empty: that is the back-pressure. */
        private void afterIo() {
            if (!unsent.isEmpty()) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (closeWhenFlushed) {
                close();
            } else {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        @Override
        public void send(ByteBuffer bytes) throws IOException {
            if (unsent.isEmpty()) {
                while (bytes.hasRemaining() && channel.write(bytes) > 0) {
                    lastActiveNanos = System.nanoTime();
                }
            }
            if (bytes.hasRemaining()) {
                unsent.add(ByteBuffer.allocate(bytes.remaining()).put(bytes).flip());
            }
        }

        private void flush() throws IOException {
            ByteBuffer head;
            while ((head = unsent.peek()) != null) {
                if (channel.write(head) == 0 && head.hasRemaining()) {
                    return; // the kernel's buffer is full again; OP_WRITE stays on
                }
                lastActiveNanos = System.nanoTime();
                if (!head.hasRemaining()) {
                    unsent.poll();
                }
            }
        }

        @Override
        public void closeWhenFlushed() {
            closeWhenFlushed = true;
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
            counter.release();
        }
    }
}
