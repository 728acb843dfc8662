package iolab.servers;

import java.nio.channels.spi.SelectorProvider;

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

    /** {@code epoll}, {@code poll}, or null for the JDK's default provider. */
    public static SelectorProvider named(String name) {
        if (name == null) {
            return SelectorProvider.provider();
        }
        String className = switch (name) {
            case "epoll" -> "sun.nio.ch.EPollSelectorProvider";
            case "poll" -> "sun.nio.ch.PollSelectorProvider";
            default -> throw new IllegalArgumentException("unknown selector '" + name + "' (expected epoll or poll)");
        };
        SelectorProvider fallback = SelectorProvider.provider();
        if (fallback.getClass().getName().equals(className)) {
            return fallback;
        }
        try {
            return (SelectorProvider) Class.forName(className).getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("selector '" + name + "' is not available on this JDK and OS (no " + className + ")");
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("selector '" + name
                    + "' needs the JVM flag --add-exports java.base/sun.nio.ch=ALL-UNNAMED");
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("selector '" + name + "' could not be created: " + e, e);
        }
    }
}
