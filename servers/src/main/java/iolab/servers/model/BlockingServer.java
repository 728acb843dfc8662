package iolab.servers.model;

import iolab.servers.ConnectionCounter;
import iolab.servers.Endpoints;
import iolab.servers.Model;
import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Faults;
import iolab.servers.protocol.Outbound;
import iolab.servers.protocol.Protocol;

import iolab.servers.tls.Tls;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The blocking server: an acceptor thread hands each connection to an executor, and the
 * executor's thread reads, lets the codec answer, and writes until done, blocking at every
 * step. The three blocking models are this class with three executors; nothing else differs.
 *
 * <ul>
 * <li>{@code thread-per-connection}: a new platform thread per connection. Each costs a
 *     kernel thread and its stack, so thousands of connections cost thousands of threads.
 * <li>{@code pool}: a fixed pool of N platform threads. Connection N+1 is accepted by the
 *     kernel and by us, then waits in the executor's queue, <em>unserved</em>, until one of
 *     the first N closes: a pool bounds threads by making connections wait, however idle
 *     the connections that hold the threads are.
 * <li>{@code virtual}: a new virtual thread per connection; a blocked read parks the virtual
 *     thread and frees its carrier, so the code stays blocking while the cost stays small.
 * </ul>
 */
public final class BlockingServer implements Server {

    private static final int READ_BUFFER_BYTES = 16 * 1024;

    private final ServerSettings settings;
    private final Protocol protocol;
    private final ExecutorService executor;
    private final ConnectionCounter counter;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private ServerSocketChannel listener;
    private volatile SocketAddress address;
    private Thread acceptor;
    private ScheduledExecutorService idleSweeper;

    public BlockingServer(ServerSettings settings, Protocol protocol) {
        this.settings = settings;
        this.protocol = protocol;
        this.executor = executorFor(settings);
        this.counter = new ConnectionCounter(settings.maxConnections());
    }

    /** The one thing that differs between the three blocking models. */
    private static ExecutorService executorFor(ServerSettings settings) {
        return switch (settings.model()) {
            case THREAD_PER_CONNECTION -> Executors.newThreadPerTaskExecutor(
                    Thread.ofPlatform().name("conn-", 1).factory());
            case POOL -> Executors.newFixedThreadPool(settings.pool().threads(),
                    Thread.ofPlatform().name("pool-", 1).factory());
            case VIRTUAL -> Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("vconn-", 1).factory());
            default -> throw new IllegalArgumentException("not a blocking model: " + settings.model());
        };
    }

    @Override
    public SocketAddress start() throws IOException {
        listener = Endpoints.listen(SelectorProvider.provider(), settings.endpoint(), settings.backlog());
        acceptor = Acceptor.start(listener, counter, settings.acceptDelay(), this::hand);
        // Also checks the protocol's own deadlines (an HTTP header timeout), so it always runs.
        long periodMillis = settings.sweepPeriod().toMillis();
        idleSweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("idle-sweeper").factory());
        idleSweeper.scheduleAtFixedRate(this::closeExpired, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        address = listener.getLocalAddress();
        return address;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public ConnectionCounter connections() {
        return counter;
    }

    private void hand(SocketChannel channel) {
        Connection connection = new Connection(channel, protocol.newCodec());
        connections.add(connection);
        try {
            executor.execute(() -> serve(connection));
        } catch (RejectedExecutionException | OutOfMemoryError noThread) {
            // Out of threads (thread-per-connection at its limit) or stopping: turn it away.
            connections.remove(connection);
            Quietly.close(channel);
            counter.revoke();
        }
    }

    private void serve(Connection connection) {
        SocketChannel channel = connection.channel;
        try {
            Endpoints.configureAccepted(channel);
            if (settings.tls() != null) {
                connection.handshake(settings.tls());
            }
            Codec codec = connection.codec;
            // TLS hands over bytes through a stream's arrays; plain TCP reads straight into native memory.
            ByteBuffer input = connection.tls == null
                    ? ByteBuffer.allocateDirect(READ_BUFFER_BYTES)
                    : ByteBuffer.allocate(READ_BUFFER_BYTES);
            while (!connection.closeRequested) {
                if (!input.hasRemaining()) {
                    // The codec needs more than a buffer's worth at once (long HTTP headers): grow.
                    input = ByteBuffer.allocate(2 * input.capacity()).put(input.flip());
                }
                int n = connection.read(input);
                if (n < 0) {
                    codec.inputClosed(connection);
                    connection.inputEnded = true;
                    break;
                }
                if (n > 0) {
                    connection.touch();
                }
                input.flip();
                codec.received(input, connection);
                input.compact();
            }
            if (connection.closeRequested && !connection.inputEnded) {
                linger(connection, input);
            }
        } catch (IOException e) {
            // Reset, idle-closed or stopped: the connection ends, the server goes on.
        } catch (RuntimeException fault) {
            Faults.closedAfter(fault);
        } finally {
            connections.remove(connection);
            Quietly.close(channel);
            counter.release();
            connection.codec.closed();
        }
    }

    /**
     * RFC 9112, 9.6: half-close, then read and drop until the peer closes, so its late bytes
     * cannot turn into a reset that destroys our last response. The sweeper ends a linger that
     * lasts too long.
     */
    private static void linger(Connection connection, ByteBuffer buffer) throws IOException {
        connection.deadlines.startLingering();
        if (connection.tls != null) {
            connection.tls.shutdownOutput(); // close_notify, then the TCP half-close
        } else {
            connection.channel.shutdownOutput();
        }
        long dropped = 0;
        int n;
        while ((n = connection.read(buffer.clear())) >= 0 && (dropped += n) <= Deadlines.LINGER_BYTES) {
            // dropped
        }
    }

    private void closeExpired() {
        long idleNanos = settings.idleTimeout().toNanos();
        long now = System.nanoTime();
        for (Connection connection : connections) {
            if (connection.deadlines.due(now, idleNanos, connection.working, connection.codec)) {
                Quietly.close(connection.channel);
            }
        }
    }

    @Override
    public int stop(Duration grace) {
        Quietly.close(listener);
        Endpoints.removeSocketFile(settings.endpoint());
        int forced = 0;
        try {
            if (acceptor != null) {
                acceptor.join();
            }
            if (!counter.awaitNoneOpen(grace)) {
                for (Connection connection : connections) {
                    Quietly.close(connection.channel);
                    forced++;
                }
            }
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (idleSweeper != null) {
                idleSweeper.shutdownNow();
            }
        }
        return forced;
    }


    /** One connection's blocking output: a write blocks until the kernel has taken every byte. */
    private static final class Connection implements Outbound {
        final SocketChannel channel;
        final Codec codec;
        /** HTTPS: the JDK's {@code SSLSocket} layered on the channel's socket; null for plain TCP. */
        SSLSocket tls;
        private InputStream tlsIn;
        private OutputStream tlsOut;
        final Deadlines deadlines = new Deadlines();
        volatile boolean closeRequested;
        volatile boolean working;
        boolean inputEnded;

        Connection(SocketChannel channel, Codec codec) {
            this.channel = channel;
            this.codec = codec;
        }

        void touch() {
            deadlines.touch();
        }

        /**
         * Layers TLS on the connection and completes the handshake, or fails once the handshake timeout has closed it.
         */
        void handshake(Tls settings) throws IOException {
            deadlines.handshakeStarted(settings.handshakeTimeout());
            tls = (SSLSocket) settings.jdkContext()
                    .getSocketFactory()
                    .createSocket(channel.socket(), null, channel.socket().getPort(), true);
            tls.setUseClientMode(false);
            tls.startHandshake();
            tlsIn = tls.getInputStream();
            tlsOut = tls.getOutputStream();
            deadlines.handshakeDone();
        }

        int read(ByteBuffer input) throws IOException {
            if (tls == null) {
                return channel.read(input);
            }
            int n = tlsIn.read(input.array(), input.arrayOffset() + input.position(), input.remaining());
            if (n > 0) {
                input.position(input.position() + n);
            }
            return n;
        }

        @Override
        public void send(ByteBuffer bytes) throws IOException {
            if (tls != null) {
                byte[] array = bytes.hasArray() ? bytes.array() : new byte[bytes.remaining()];
                int offset = bytes.hasArray() ? bytes.arrayOffset() + bytes.position() : 0;
                int length = bytes.remaining();
                if (!bytes.hasArray()) {
                    bytes.duplicate().get(array);
                }
                tlsOut.write(array, offset, length); // returns once the records are written: the kernel has them
                bytes.position(bytes.limit());
                touch();
                return;
            }
            while (bytes.hasRemaining()) {
                if (channel.write(bytes) > 0) {
                    touch(); // progress only: a peer that stops reading goes idle and is closed
                }
            }
        }

        /**
         * {@code transferTo} (sendfile) where the socket takes it. On a virtual thread the socket is
         * non-blocking underneath and a full socket makes {@code transferTo} return 0 at once instead
         * of waiting; a plain write of the next piece parks the virtual thread until the peer reads.
         */
        @Override
        public void sendFile(FileChannel file, long position, long count) throws IOException {
            try (file) {
                long end = position + count;
                ByteBuffer piece = null;
                while (position < end) {
                    // Over TLS the bytes must pass through the cipher: no sendfile.
                    long n = tls == null ? file.transferTo(position, end - position, channel) : 0;
                    if (n == 0) {
                        piece = piece == null ? ByteBuffer.allocate(READ_BUFFER_BYTES) : piece.clear();
                        piece.limit((int) Math.min(piece.capacity(), end - position));
                        n = file.read(piece, position);
                        if (n <= 0) {
                            throw new IOException("file shrank while being sent");
                        }
                        send(piece.flip());
                    }
                    position += n;
                    touch();
                }
            }
        }

        @Override
        public boolean backlogged() {
            return false; // every write above finished before it returned
        }

        /** The blocking models block the connection's own thread: that is the point. */
        @Override
        public boolean runBlocking(BlockingWork work) throws IOException {
            Exception failure = null;
            working = true;
            try {
                work.run();
            } catch (Exception e) {
                failure = e;
            } finally {
                working = false;
                touch();
            }
            work.complete(this, failure);
            return true;
        }

        @Override
        public void closeWhenFlushed() {
            closeRequested = true;
        }
    }

    /** For messages and results: the model's name and its thread policy. */
    @Override
    public String toString() {
        return (settings.model() == Model.POOL
                        ? "pool of " + settings.pool().threads() + " threads"
                        : settings.model().cliName())
                + (settings.tls() == null ? "" : ", " + settings.tls());
    }
}
