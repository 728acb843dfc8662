package iolab.servers.model;

/**
 * The bounds of a gentle close (RFC 9112, 9.6), the same in every model: after its last
 * response the server shuts down its output and reads and drops what the peer still sends,
 * until the peer closes, for this long and this much at most.
 */
final class Linger {

    static final long MAX_NANOS = 2_000_000_000L;
    static final long MAX_BYTES = 1024 * 1024;

    private Linger() {
    }
}
