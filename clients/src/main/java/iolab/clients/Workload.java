package iolab.clients;

import java.nio.ByteBuffer;

/** What each request is, and how its response is recognised and checked. */
public interface Workload {

    /** The bytes of one request; the same for every request of a run. */
    byte[] request();

    /** A reader for one connection's responses. */
    ResponseReader newReader();

    /** A short description for reports ({@code echo 64 B}, {@code GET /plaintext}). */
    String describe();

    /** Reads a connection's responses as bytes arrive, split anywhere. */
    interface ResponseReader {

        /** Consumes all of {@code input}, telling {@code done} of every response completed. */
        void read(ByteBuffer input, Completion done) throws BadResponseException;

        /** The server closed; a response delimited by the close completes here. */
        default void endOfInput(Completion done) throws BadResponseException {
        }
    }

    interface Completion {
        /**
         * One response arrived whole.
         *
         * @param status the HTTP status, or 0 for echo
         * @param lastOnConnection the server said it closes after this one
         * @throws BadResponseException when no request was waiting for it (the server answered twice, or unasked)
         */
        void completed(int status, boolean lastOnConnection) throws BadResponseException;

        /** Requests sent and not yet answered: what a response may still answer. */
        int inFlight();
    }

    /** The response was not what the request should get. */
    final class BadResponseException extends Exception {
        public BadResponseException(String message) {
            super(message, null, false, false);
        }
    }
}
