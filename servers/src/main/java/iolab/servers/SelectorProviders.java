package iolab.servers;

import java.nio.channels.spi.SelectorProvider;
import java.util.Optional;

/**
 * The {@code --selector} setting. The JDK keeps its poll(2) provider beside the epoll(7)
 * default on Linux; making an instance of either (rather than setting the process-wide
 * property) lets one JVM, a test for instance, run both side by side. That needs
 * {@code sun.nio.ch} exported to us: the servers jar's manifest does it
 * ({@code Add-Exports}), and so does the test configuration.
 */
public final class SelectorProviders {

    private SelectorProviders() {
    }

    /** Why selector {@code name} cannot run on this JDK and OS, or empty; its class is looked for, not made. */
    public static Optional<String> unavailable(String name) {
        String className = className(name);
        try {
            Class.forName(className, false, SelectorProviders.class.getClassLoader());
            return Optional.empty();
        } catch (ClassNotFoundException e) {
            return Optional.of(notHere(name, className));
        }
    }

    /** {@code epoll}, {@code poll}, or null for the JDK's default provider. */
    public static SelectorProvider named(String name) {
        if (name == null) {
            return SelectorProvider.provider();
        }
        String className = className(name);
        SelectorProvider fallback = SelectorProvider.provider();
        if (fallback.getClass().getName().equals(className)) {
            return fallback;
        }
        try {
            return (SelectorProvider) Class.forName(className).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(notHere(name, className));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("selector '" + name
                    + "' needs the JVM flag --add-exports java.base/sun.nio.ch=ALL-UNNAMED");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("selector '" + name + "' could not be created: " + e, e);
        }
    }

    private static String className(String name) {
        return switch (name) {
            case "epoll" -> "sun.nio.ch.EPollSelectorProvider";
            case "poll" -> "sun.nio.ch.PollSelectorProvider";
            default -> throw new IllegalArgumentException("unknown selector '" + name + "' (expected epoll or poll)");
        };
    }

    private static String notHere(String name, String className) {
        return "selector '" + name + "' is not available on this JDK and OS (no " + className + ")";
    }
}
