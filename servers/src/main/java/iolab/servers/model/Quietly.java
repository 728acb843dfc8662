package iolab.servers.model;

import java.io.Closeable;
import java.io.IOException;

/** Closing what is finished with, where a failure to close changes nothing. */
final class Quietly {

    private Quietly() {
    }

    static void close(Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException ignored) {
            // Closing was all that was left to do with it.
        }
    }
}
