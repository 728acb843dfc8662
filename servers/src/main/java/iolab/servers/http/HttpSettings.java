package iolab.servers.http;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTP protocol's own settings.
 *
 * @param root          the folder {@code /files/} serves; nothing outside it is ever served
 * @param maxBodyBytes  a larger request body gets 413
 * @param headerTimeout a request head not complete this long after its first byte: the connection is closed
 */
public record HttpSettings(Path root, long maxBodyBytes, Duration headerTimeout) {

    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

    public HttpSettings {
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("max-body must not be negative: " + maxBodyBytes);
        }
        if (!headerTimeout.isPositive()) {
            throw new IllegalArgumentException("header-timeout must be positive: " + headerTimeout);
        }
        root = root.toAbsolutePath().normalize();
    }

    public static HttpSettings defaults(Path root) {
        return new HttpSettings(root, DEFAULT_MAX_BODY_BYTES, DEFAULT_HEADER_TIMEOUT);
    }
}
