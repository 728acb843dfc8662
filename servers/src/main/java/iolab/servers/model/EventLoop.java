package iolab.servers.model;

import iolab.servers.ConnectionCounter;
import iolab.servers.Endpoints;
import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Faults;
import iolab.servers.protocol.Outbound;
import iolab.servers.protocol.Protocol;

import java.io.IOException;
import iolab.servers.tls.Tls;
import iolab.tls.TlsChannel;

import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * One thread, one {@link Selector}, many connections; nothing here ever blocks.
 *
 * <p>Back-pressure: when the kernel takes only part of a write, the rest is queued, the
 * connection's interest switches from {@code OP_READ} to {@code OP_WRITE}, and it is not
 * read again until its queue has drained; the codec, told the output is
 * {@linkplain Outbound#backlogged() backlogged}, answers no further request of what it was
 * handed, and the rest waits unparsed. A peer that sends and never reads therefore costs at
 * most one read's worth of input and one read's worth of responses queued (at most
 * {@link #STAGED_BYTES} and one response), however long it keeps sending.
 *
 * <p>The responses one read produces are staged and written together, one write per read as
 * Netty flushes once per read: at 16 pipelined requests that is one system call and one
 * segment where a write per response made sixteen, each waking the peer.
 *
 * <p>A fault in a codec closes that connection only; the loop goes on serving the others.
 *
 * <p>Blocking work goes to the server's bounded worker pool; the connection is not read
 * while it waits, and the reply is sent from this loop when the work is done.
 */
final class EventLoop implements Runnable {

    /** One read at a time per loop, so one buffer per loop; leftovers are copied out. */
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);
    /** The responses of one read wait here, up to this many bytes, for the one write after the codec is done. */
    static final int STAGED_BYTES = 16 * 1024;

    private final Selector selector;
    private final Protocol protocol;
    private final ConnectionCounter counter;
    private final ExecutorService workers;
    private final long idleTimeoutNanos;
    private final long sweepPeriodNanos;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    /** One connection's read is processed at a time, so one staging buffer per loop too. */
    private final ByteBuffer staged = ByteBuffer.allocateDirect(STAGED_BYTES);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private long lastSweepNanos = System.nanoTime();

    /** HTTPS: each connection gets an engine of this; null for plain TCP. */
    private final Tls tls;

    EventLoop(Selector selector, Protocol protocol, ConnectionCounter counter, ExecutorService workers,
              Duration idleTimeout, Duration sweepPeriod, Tls tls) {
        this.tls = tls;
        this.selector = selector;
        this.protocol = protocol;
        this.counter = counter;
        this.workers = workers;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        // Protocol deadlines (an HTTP header timeout) are checked on the same sweep.
        this.sweepPeriodNanos = sweepPeriod.toNanos();
    }

    /** Called by the acceptor: the connection joins this loop at its next turn. */
    void adopt(SocketChannel channel) {
        if (!running) { // the loop has ended (its selector failed): the connection is turned away, not left hanging
            Quietly.close(channel);
            counter.release();
            return;
        }
        execute(() -> register(channel));
    }

    /** Runs {@code task} on this loop's thread. */
    private void execute(Runnable task) {
        tasks.add(task);
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
                // The action form: no selected-key set to iterate and empty, no iterator per turn.
                selector.select(key -> ((Connection) key.attachment()).handle(key), sweepPeriodNanos / 1_000_000);
                runTasks();
                sweep();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("event loop " + Thread.currentThread().getName() + " failed: " + e);
        } finally {
            running = false;
            for (SelectionKey key : selector.keys()) {
                ((Connection) key.attachment()).close();
            }
            runTasks();
            Quietly.close(selector);
            stopped.countDown();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException fault) {
                Faults.closedAfter(fault);
            }
        }
    }

    private void register(SocketChannel channel) {
        if (!running) {
            Quietly.close(channel);
            counter.release();
            return;
        }
        try {
            channel.configureBlocking(false);
            Endpoints.configureAccepted(channel);
            Connection connection = new Connection(
                    channel, protocol.newCodec(), tls == null ? null : new TlsChannel(channel, tls.newEngine()));
            if (tls != null) {
                connection.deadlines.handshakeStarted(tls.handshakeTimeout());
            }
            connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
        } catch (IOException | RuntimeException e) {
            Quietly.close(channel);
            counter.release();
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        if (now - lastSweepNanos < sweepPeriodNanos) {
            return;
        }
        lastSweepNanos = now;
        for (SelectionKey key : selector.keys()) {
            Connection connection = (Connection) key.attachment();
            if (connection.deadlines.due(now, idleTimeoutNanos, connection.awaitingWork, connection.codec)) {
                connection.close();
            }
        }
    }


    private interface IoStep {
        void run() throws IOException;
    }

    /** A file still to be sent, from its current position. */
    private static final class FileRegion {
        final FileChannel file;
        long position;
        long remaining;

        FileRegion(FileChannel file, long position, long count) {
            this.file = file;
            this.position = position;
            this.remaining = count;
        }

        /** Writes what the socket (or TLS, which encrypts it on the way) takes now; false when it took nothing. */
        boolean writeTo(java.nio.channels.WritableByteChannel channel) throws IOException {
            long n = file.transferTo(position, remaining, channel);
            if (n <= 0) {
                if (position >= file.size()) {
                    throw new IOException("file shrank while being sent");
                }
                return false;
            }
            position += n;
            remaining -= n;
            return true;
        }
    }

    /** A connection's state, touched only by its loop's thread. */
    private final class Connection implements Outbound {
        private final SocketChannel channel;
        /** What the codec's bytes go through: the socket itself, or TLS over it. */
        private final ByteChannel io;
        /** HTTPS: the TLS layer; null for plain TCP. */
        private final TlsChannel tls;
        private final Codec codec;
        /** ByteBuffers and FileRegions, in order. */
        private final Queue<Object> unsent = new ArrayDeque<>();
        private SelectionKey key;
        private ByteBuffer unconsumed;
        private boolean inputEnded;
        private boolean endSignalled;
        private boolean closeWhenFlushed;
        private long lingerBytes;
        private boolean awaitingWork;
        private boolean closed;
        /** While the codec works through one read: what it sends goes to the loop's staging buffer. */
        private boolean staging;
        final Deadlines deadlines = new Deadlines();

        Connection(SocketChannel channel, Codec codec, TlsChannel tls) {
            this.channel = channel;
            this.codec = codec;
            this.tls = tls;
            this.io = tls == null ? channel : tls;
        }

        void handle(SelectionKey key) {
            try {
                if (!handshakeDone()) {
                    return;
                }
                if (key.isWritable()) {
                    flush();
                    if (!backlogged()) {
                        resume();
                    }
                }
                if (!closed && key.isValid() && key.isReadable()) {
                    if (deadlines.lingering()) {
                        discard();
                    } else {
                        read();
                    }
                }
                if (!closed) {
                    afterIo();
                }
            } catch (IOException | CancelledKeyException e) {
                close(); // reset by the peer, or closed while we were at it
            } catch (RuntimeException fault) {
                Faults.closedAfter(fault);
                close();
            }
        }

        /** Moves a TLS handshake on; false while it is not done, the interest set to what it waits for. */
        private boolean handshakeDone() throws IOException {
            if (tls == null || !tls.handshaking()) {
                return true;
            }
            if (!tls.handshake()) {
                key.interestOps(tls.interest());
                // It had its turn with records still here: the loop's other connections go first.
                if (tls.hasBufferedInput()) {
                    execute(() -> guarded(() -> {
                        if (!closed && handshakeDone()) {
                            read();
                        }
                    }));
                }
                return false;
            }
            deadlines.handshakeDone();
            return true;
        }

        private void read() throws IOException {
            ByteBuffer input = readBuffer.clear();
            if (unconsumed != null) {
                input = unconsumed.remaining() < input.capacity() ? input.put(unconsumed) : grow(unconsumed);
                unconsumed = null;
            }
            int n = io.read(input);
            input.flip();
            if (n > 0) {
                deadlines.touch();
            }
            inputEnded = n < 0;
            process(input);
        }

        /**
         * Hands input to the codec and keeps what it left; passes on the end of input once the codec
         * is free and its output has drained, so requests pipelined before a half-close are answered.
         */
        private void process(ByteBuffer input) throws IOException {
            if (input.hasRemaining()) {
                staged.clear();
                staging = true;
                try {
                    codec.received(input, this);
                } finally {
                    staging = false;
                }
                writeStaged();
            }
            if (input.hasRemaining()) {
                unconsumed = ByteBuffer.allocate(input.remaining()).put(input).flip();
            }
            if (inputEnded && !endSignalled && !awaitingWork && unsent.isEmpty()) {
                endSignalled = true;
                codec.inputClosed(this);
                closeWhenFlushed = true;
            }
        }

        /** The codec may go on: its output drained, or its blocking work is done. Hands it what it left. */
        private void resume() throws IOException {
            if (closed || awaitingWork || (unconsumed == null && (!inputEnded || endSignalled))) {
                return;
            }
            ByteBuffer pending = unconsumed;
            unconsumed = null;
            process(pending == null ? NO_BYTES : pending);
        }

        /** Reads and drops what a peer sends after we closed our side, until it closes too. */
        private void discard() throws IOException {
            int n = channel.read(readBuffer.clear());
            if (n < 0 || (lingerBytes += n) > Deadlines.LINGER_BYTES) {
                close();
            }
        }

        private ByteBuffer grow(ByteBuffer leftover) {
            return ByteBuffer.allocate(leftover.remaining() + READ_BUFFER_BYTES).put(leftover);
        }

        /** Reading resumes only once the queue is empty and no blocking work is pending: that is the back-pressure. */
        private void afterIo() throws IOException {
            if (tls != null && tls.handshaking()) {
                return; // the handshake set the interest it needs
            }
            if (backlogged()) {
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (closeWhenFlushed) {
                if (inputEnded) {
                    close();
                } else {
                    linger();
                }
            } else {
                boolean reading = !awaitingWork && !inputEnded;
                key.interestOps(reading ? SelectionKey.OP_READ : 0);
                if (reading && tls != null && tls.hasBufferedInput()) {
                    execute(this::readBuffered); // decrypted, or whole records, that the selector cannot see
                }
            }
        }

        private void readBuffered() {
            if (closed || !key.isValid() || (key.interestOps() & SelectionKey.OP_READ) == 0) {
                return;
            }
            guarded(this::read);
        }

        /**
         * A step taken outside a selector event (a task on the loop): then the interest ops follow; a failure closes
         * this connection only.
         */
        private void guarded(IoStep step) {
            try {
                step.run();
                if (!closed) {
                    afterIo();
                }
            } catch (IOException | CancelledKeyException e) {
                close();
            } catch (RuntimeException fault) {
                Faults.closedAfter(fault);
                close();
            }
        }

        /**
         * RFC 9112, 9.6: half-close, then read until the peer closes, so its late bytes cannot turn into a reset that
         * destroys our last response.
         */
        private void linger() throws IOException {
            if (deadlines.startLingering()) {
                if (tls != null) {
                    tls.shutdownOutput(); // close_notify first
                } else {
                    channel.shutdownOutput();
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        @Override
        public boolean backlogged() {
            return !unsent.isEmpty() || (tls != null && tls.hasPendingOutput());
        }

        @Override
        public void send(ByteBuffer bytes) throws IOException {
            if (staging && !backlogged()) {
                if (bytes.remaining() > staged.remaining()) {
                    writeStaged(); // no room: what is staged goes first, and may leave the output backlogged
                }
                if (!backlogged() && bytes.remaining() <= staged.remaining()) {
                    staged.put(bytes);
                    return;
                }
            }
            writeOrQueue(bytes);
        }

        /** Writes what the kernel takes now, unless earlier output still waits; queues a copy of the rest after it. */
        private void writeOrQueue(ByteBuffer bytes) throws IOException {
            if (!backlogged()) {
                while (bytes.hasRemaining() && io.write(bytes) > 0) {
                    deadlines.touch();
                }
            }
            if (bytes.hasRemaining()) {
                unsent.add(ByteBuffer.allocate(bytes.remaining()).put(bytes).flip());
            }
        }

        /**
         * Writes what this read's responses staged, in one write when the kernel takes it. Nothing is queued while
         * bytes are staged (they are staged only when the output is not backlogged), so they cannot overtake.
         */
        private void writeStaged() throws IOException {
            try {
                writeOrQueue(staged.flip());
            } finally {
                staged.clear();
            }
        }

        @Override
        public void sendFile(FileChannel file, long position, long count) throws IOException {
            if (staging) {
                writeStaged(); // the head before the file
            }
            FileRegion region = new FileRegion(file, position, count);
            try {
                if (!backlogged()) {
                    while (region.remaining > 0 && region.writeTo(io)) {
                        deadlines.touch();
                    }
                }
            } catch (IOException e) {
                Quietly.close(file);
                throw e;
            }
            if (region.remaining > 0) {
                unsent.add(region);
            } else {
                Quietly.close(file);
            }
        }

        private void flush() throws IOException {
            if (tls != null && !tls.flush()) {
                return; // records wrapped earlier go first
            }
            Object head;
            while ((head = unsent.peek()) != null) {
                boolean done;
                if (head instanceof ByteBuffer bytes) {
                    if (io.write(bytes) == 0 && bytes.hasRemaining()) {
                        return; // the kernel's buffer is full again; OP_WRITE stays on
                    }
                    done = !bytes.hasRemaining();
                } else {
                    FileRegion region = (FileRegion) head;
                    if (!region.writeTo(io)) {
                        return;
                    }
                    done = region.remaining == 0;
                    if (done) {
                        Quietly.close(region.file);
                    }
                }
                deadlines.touch();
                if (done) {
                    unsent.poll();
                }
            }
        }

        @Override
        public boolean runBlocking(BlockingWork work) {
            try {
                workers.execute(() -> {
                    Exception failure = null;
                    try {
                        work.run();
                    } catch (Exception e) {
                        failure = e;
                    }
                    Exception outcome = failure;
                    execute(() -> workDone(work, outcome));
                });
            } catch (RejectedExecutionException full) {
                return false;
            }
            awaitingWork = true;
            return true;
        }

        private void workDone(BlockingWork work, Exception failure) {
            if (closed) {
                return;
            }
            awaitingWork = false;
            deadlines.touch();
            guarded(() -> {
                work.complete(this, failure);
                resume();
            });
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
            Quietly.close(io); // TLS tries to say close_notify first
            for (Object pending : unsent) {
                if (pending instanceof FileRegion region) {
                    Quietly.close(region.file);
                }
            }
            unsent.clear();
            unconsumed = null;
            counter.release();
            codec.closed();
        }
    }
}
