package iolab.servers.protocol;

/**
 * An application protocol, written once as a non-blocking codec so that every I/O model
 * serves it unchanged. A protocol owns no socket and no thread: the I/O model hands each
 * connection's codec the bytes that arrived and sends what the codec produces.
 */
public interface Protocol {

    /** The name on the command line and in results ({@code echo}, {@code http}). */
    String name();

    /** The codec for a new connection; a codec that keeps no state may be shared. */
    Codec newCodec();
}
