package iolab.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * TLS over a non-blocking {@link SocketChannel}, driven by an {@link SSLEngine}: what an event loop
 * must do itself that {@code SSLSocket} does for a blocking thread. Like the socket it wraps it never
 * blocks: a read returns 0 when no whole record has come, a write returns 0 when earlier records
 * still wait for the kernel, and the loop asks {@link #interest()} which readiness to wait for.
 *
 * <ul>
 * <li>Records arrive split at any byte: ciphertext gathers in {@code netIn} until the engine can
 *     unwrap a whole record ({@code BUFFER_UNDERFLOW} means "read more").
 * <li>Plaintext that does not fit where the caller asked for it waits in {@code appIn}
 *     ({@code BUFFER_OVERFLOW} grows it to the session's size); {@link #hasBufferedInput()} says so,
 *     since the selector cannot: those bytes are no longer in the kernel.
 * <li>The handshake's delegated tasks (certificate and key computations) run here, on the loop:
 *     they are CPU work, not waiting, and a worker hand-off would cost more than they take.
 * <li>{@code close_notify}: received, a read returns -1 (at once if it came behind the last request:
 *     {@link #hasBufferedInput()} says a read is due); {@link #shutdownOutput()} sends ours.
 * <li>The handshake unwraps at most {@link #HANDSHAKE_RECORDS_PER_TURN} records a call: a client that
 *     floods it (warning alerts are ignored, so they can come for ever) must not keep the loop from its
 *     other connections and from the sweep that ends a handshake too slow.
 * </ul>
 */
public final class TlsChannel implements ByteChannel {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** A whole handshake takes a client three or four records (hello; change cipher spec, key exchange, finished). */
    static final int HANDSHAKE_RECORDS_PER_TURN = 16;

    private final SocketChannel socket;
    private final SSLEngine engine;
    /** Ciphertext read and not yet unwrapped (write mode). */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet handed over (write mode). */
    private ByteBuffer appIn;
    /** Ciphertext wrapped and not yet written (read mode). */
    private ByteBuffer netOut;
    private boolean handshaking = true;
    private boolean inboundDone;
    private boolean socketEof;
    private final long createdMillis = System.currentTimeMillis();

    public TlsChannel(SocketChannel socket, SSLEngine engine) throws SSLException {
        this.socket = socket;
        this.engine = engine;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize()).flip();
        engine.beginHandshake();
    }

    public SocketChannel socket() {
        return socket;
    }

    public boolean handshaking() {
        return handshaking;
    }

    /** Once the handshake is done: whether it resumed a session made earlier, rather than making one of its own. */
    public boolean resumed() {
        return engine.getSession().getCreationTime() < createdMillis;
    }

    /**
     * Moves the handshake on as far as the socket allows, or {@link #HANDSHAKE_RECORDS_PER_TURN} records.
     *
     * @return true once it has finished; false when it waits for the socket or has had its turn (then
     *         {@link #hasBufferedInput()} says whether records are still here to be taken)
     * @throws IOException the peer closed or reset mid-handshake, or sent what is not TLS
     */
    public boolean handshake() throws IOException {
        int records = 0;
        while (handshaking) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    if (!flush()) {
                        return false;
                    }
                    wrap(EMPTY);
                    if (!flush()) {
                        return false;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (records == HANDSHAKE_RECORDS_PER_TURN) {
                        return false;
                    }
                    if (unwrapOne()) {
                        records++;
                    } else {
                        int n = socket.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the peer closed during the TLS handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> handshaking = false;
            }
        }
        return true;
    }

    /**
     * What to wait for: {@code OP_WRITE} while records wait for the kernel, else {@code OP_READ} (during the
     * handshake).
     */
    public int interest() {
        return netOut.hasRemaining() ? java.nio.channels.SelectionKey.OP_WRITE : java.nio.channels.SelectionKey.OP_READ;
    }

    /** Records wrapped and not yet taken by the kernel. */
    public boolean hasPendingOutput() {
        return netOut.hasRemaining();
    }

    /**
     * A read would return without the socket being readable: plaintext or whole records are held here, or the peer's
     * {@code close_notify} has been taken (it often comes in the same segment as the last request).
     */
    public boolean hasBufferedInput() {
        return appIn.position() > 0 || inboundDone || (netIn.position() > 0 && wholeRecordIn());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (handshaking && !handshake()) {
            return 0;
        }
        int before = dst.position();
        while (true) {
            drainInto(dst);
            if (!dst.hasRemaining() || inboundDone) {
                break;
            }
            if (!unwrapOne()) {
                if (dst.position() > before || socketEof) {
                    break;
                }
                int n = socket.read(netIn);
                if (n < 0) {
                    socketEof = true;
                } else if (n == 0) {
                    break;
                }
            }
        }
        int n = dst.position() - before;
        if (n == 0 && appIn.position() == 0 && (inboundDone || (socketEof && !wholeRecordIn()))) {
            return -1;
        }
        return n;
    }

    /**
     * Unwraps one record from {@code netIn} into {@code appIn}; false when no whole record is there (or no room for its
     * plaintext).
     */
    private boolean unwrapOne() throws IOException {
        if (inboundDone) {
            return false;
        }
        while (true) {
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
            switch (result.getStatus()) {
                case OK -> {
                    afterEngine(result);
                    return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn.position() == netIn.capacity()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    return false;
                }
                case BUFFER_OVERFLOW -> {
                    if (appIn.position() > 0) {
                        return false; // hand over what is there first
                    }
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                }
                case CLOSED -> {
                    inboundDone = true; // close_notify: the peer will send no more
                    afterEngine(result);
                    return false;
                }
            }
        }
    }

    /** A post-handshake message may ask for a reply (a TLS 1.3 key update) or for work. */
    private void afterEngine(SSLEngineResult result) throws IOException {
        SSLEngineResult.HandshakeStatus status = result.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (!handshaking && status == SSLEngineResult.HandshakeStatus.NEED_WRAP && !netOut.hasRemaining()) {
            wrap(EMPTY);
            flush();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (handshaking && !handshake()) {
            return 0;
        }
        int consumed = 0;
        while (src.hasRemaining() && flush()) {
            consumed += wrap(src);
        }
        flush();
        return consumed;
    }

    /** Wraps from {@code src} into the empty {@code netOut}; returns the plaintext bytes it took. */
    private int wrap(ByteBuffer src) throws IOException {
        netOut.clear();
        try {
            while (true) {
                SSLEngineResult result = engine.wrap(src, netOut);
                switch (result.getStatus()) {
                    case OK -> {
                        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                            runTasks();
                        }
                        return result.bytesConsumed();
                    }
                    case BUFFER_OVERFLOW -> netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                    case CLOSED -> {
                        if (result.bytesProduced() > 0) {
                            return result.bytesConsumed(); // our close_notify
                        }
                        throw new IOException("TLS output is closed");
                    }
                    case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap underflow");
                }
            }
        } finally {
            netOut.flip();
        }
    }

    /** Writes what records wait; true when none is left. */
    public boolean flush() throws IOException {
        while (netOut.hasRemaining()) {
            if (socket.write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends close_notify, then half-closes the TCP connection if the kernel took it at once (it is a few dozen bytes).
     */
    public void shutdownOutput() throws IOException {
        if (sendCloseNotify()) {
            socket.shutdownOutput();
        }
    }

    /** Wraps close_notify once, behind any records still waiting; true when the kernel has taken all of it. */
    private boolean sendCloseNotify() throws IOException {
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
            if (flush()) {
                wrap(EMPTY);
            }
        }
        return flush();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /**
     * Tries once to send close_notify, then closes the socket: a server that closes says so, so a client can tell it
     * from a truncation.
     */
    @Override
    public void close() throws IOException {
        try {
            if (!handshaking && !engine.isOutboundDone() && socket.isOpen()) {
                sendCloseNotify();
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }

    private void drainInto(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
    }

    /** Whether {@code netIn} holds a whole TLS record: its 5-byte header gives the length. */
    private boolean wholeRecordIn() {
        if (netIn.position() < 5) {
            return false;
        }
        int length = ((netIn.get(3) & 0xff) << 8) | (netIn.get(4) & 0xff);
        return netIn.position() >= 5 + length;
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        return ByteBuffer.allocate(Math.max(buffer.capacity() * 2, atLeast))
                .put(buffer.flip()); // both are in write mode
    }
}
