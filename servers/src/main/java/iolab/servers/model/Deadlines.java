package iolab.servers.model;

import iolab.servers.protocol.Codec;

import java.time.Duration;

/**
 * When a connection is closed without being asked, by one rule on every model: idle longer than the idle timeout
 * (unless work it asked for is still under way), a TLS handshake longer than its timeout, the protocol's own deadlines
 * (an HTTP header or body timeout), and a gentle close (RFC 9112, 9.6: after its last response the server shuts its
 * output and reads and drops what the peer still sends, until the peer closes) longer than {@link #LINGER_NANOS}. The
 * connection's own thread marks what happens; a sweep asks {@link #due} every period, on the blocking models from a
 * thread of its own.
 */
final class Deadlines {

    /** A gentle close lasts this long at most, and reads this much at most. */
    static final long LINGER_NANOS = 2_000_000_000L;
    static final long LINGER_BYTES = 1024 * 1024;

    private volatile long lastActiveNanos = System.nanoTime();
    /** While a TLS handshake is under way, when it is cut off; 0 otherwise. */
    private volatile long handshakeUntilNanos;
    /** While the connection lingers, when the linger ends; 0 otherwise. */
    private volatile long lingerUntilNanos;

    /** Progress: bytes came, or went. */
    void touch() {
        lastActiveNanos = System.nanoTime();
    }

    void handshakeStarted(Duration timeout) {
        handshakeUntilNanos = nonZero(System.nanoTime() + timeout.toNanos());
    }

    void handshakeDone() {
        handshakeUntilNanos = 0;
        touch();
    }

    /** Begins the gentle close; false when it had begun already. */
    boolean startLingering() {
        if (lingering()) {
            return false;
        }
        lingerUntilNanos = nonZero(System.nanoTime() + LINGER_NANOS);
        return true;
    }

    boolean lingering() {
        return lingerUntilNanos != 0;
    }

    /**
     * Whether the connection is to be closed now.
     *
     * @param idleTimeoutNanos 0 for none
     * @param busy work the connection asked for is under way (a blocking task, a request being served): not idle
     */
    boolean due(long now, long idleTimeoutNanos, boolean busy, Codec codec) {
        if (lingering()) {
            return now - lingerUntilNanos > 0;
        }
        boolean idle = idleTimeoutNanos > 0 && !busy && now - lastActiveNanos > idleTimeoutNanos;
        boolean handshakeTooSlow = handshakeUntilNanos != 0 && now - handshakeUntilNanos > 0;
        return idle || handshakeTooSlow || codec.expired(now);
    }

    private static long nonZero(long nanos) {
        return nanos == 0 ? 1 : nanos;
    }
}
