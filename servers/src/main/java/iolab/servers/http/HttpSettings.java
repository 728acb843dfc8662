package iolab.servers.http;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The HTTP protocol's own settings.
 *
 * @param root the folder {@code /files/} serves; nothing outside it is ever served
 * @param maxBodyBytes a larger request body gets 413
 * @param headerTimeout a request head not complete this long after its first byte (empty lines before it included): the
 *     connection is closed
 * @param bodyTimeout a request body not complete this long after its head: the connection is closed
 * @param bodyBudgetBytes request bodies held in memory by the whole server at once; a body that would take more gets
 *     503, so that many slow uploads cannot exhaust the heap
 */
public record HttpSettings(
        Path root, long maxBodyBytes, Duration headerTimeout, Duration bodyTimeout, long bodyBudgetBytes) {

    public static final long DEFAULT_MAX_BODY_BYTES = 8L * 1024 * 1024;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    /** Eight bodies of the default largest size at once. */
    public static final long DEFAULT_BODY_BUDGET_BYTES = 64L * 1024 * 1024;
    /** A body is one Java array. */
    public static final long LARGEST_MAX_BODY_BYTES = Integer.MAX_VALUE - 8;

    public HttpSettings {
        if (maxBodyBytes < 0 || maxBodyBytes > LARGEST_MAX_BODY_BYTES) {
            throw new IllegalArgumentException(
                    "max-body must be from 0 to " + LARGEST_MAX_BODY_BYTES + ": " + maxBodyBytes);
        }
        if (!headerTimeout.isPositive()) {
            throw new IllegalArgumentException("header-timeout must be positive: " + headerTimeout);
        }
        if (!bodyTimeout.isPositive()) {
            throw new IllegalArgumentException("body-timeout must be positive: " + bodyTimeout);
        }
        if (bodyBudgetBytes < maxBodyBytes) {
            throw new IllegalArgumentException("body-budget (" + bodyBudgetBytes + ") must be at least max-body ("
                    + maxBodyBytes + "), or no body of the largest size could ever be taken");
        }
        root = root.toAbsolutePath().normalize();
    }

    /** The default body timeout, and a budget of eight bodies of {@code maxBodyBytes} (at least the default budget). */
    public HttpSettings(Path root, long maxBodyBytes, Duration headerTimeout) {
        this(root, maxBodyBytes, headerTimeout, DEFAULT_BODY_TIMEOUT, defaultBudget(maxBodyBytes));
    }

    public static long defaultBudget(long maxBodyBytes) {
        return Math.max(DEFAULT_BODY_BUDGET_BYTES, Math.min(Long.MAX_VALUE / 8, maxBodyBytes) * 8);
    }

    public static HttpSettings defaults(Path root) {
        return new HttpSettings(root, DEFAULT_MAX_BODY_BYTES, DEFAULT_HEADER_TIMEOUT);
    }

    public HttpSettings withBodyTimeout(Duration value) {
        return new HttpSettings(root, maxBodyBytes, headerTimeout, value, bodyBudgetBytes);
    }
}
