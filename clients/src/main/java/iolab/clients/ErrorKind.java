package iolab.clients;

/** How a request or connection failed; each kind is counted, none is dropped. */
public enum ErrorKind {
    /** The connection could not be made (refused, unreachable, or the connect timed out). */
    CONNECT,
    /** Reading failed (reset by the server), or the server closed with requests in flight. */
    READ,
    /** Writing failed. */
    WRITE,
    /** No response within {@code --timeout} of the request being sent. */
    TIMEOUT,
    /** Wrong echo bytes, an unparseable HTTP response, or an unexpected status. */
    BAD_RESPONSE,
    /**
     * Sent, and still awaited when the run stopped waiting for responses: counted, never dropped,
     * even if it was sent in the warm-up, since it then waited through the whole measurement.
     */
    UNANSWERED,
    /** Open loop: its slot came, but the request was never sent before the run ended (the connection was not free). */
    UNSENT;

    public String label() {
        return name().toLowerCase().replace('_', ' ');
    }

    /** The kind whose {@link #label()} is {@code label}, as a summary names it. */
    public static ErrorKind labelled(String label) {
        return valueOf(label.toUpperCase().replace(' ', '_'));
    }
}
