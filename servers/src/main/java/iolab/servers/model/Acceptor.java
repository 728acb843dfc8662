package iolab.servers.model;

import iolab.servers.ConnectionCounter;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * The accept loop the lab's own models share: a platform thread blocks in {@code accept},
 * turns away a connection beyond {@code --max-connections} at once, and hands each admitted
 * one on. It ends when the listener is closed.
 *
 * <p>When accepting fails (out of file descriptors: EMFILE) the connection stays in the
 * kernel's queue, so trying again at once fails again at once. The loop pauses between tries,
 * as Netty does, and says so once per episode rather than once per try.
 *
 * <p>With an accept delay it pauses after each accept, so that new connections wait in the
 * kernel's listen queue, and beyond the backlog are dropped: the backlog's lesson.
 */
final class Acceptor {

    private static final long PAUSE_MILLIS = 100;

    private Acceptor() {
    }

    static Thread start(ServerSocketChannel listener, ConnectionCounter counter, java.time.Duration acceptDelay,
                        Consumer<SocketChannel> admitted) {
        long delayNanos = acceptDelay.toNanos();
        return Thread.ofPlatform().name("acceptor").start(() -> {
            long failures = 0;
            long firstFailureNanos = 0;
            while (true) {
                SocketChannel channel;
                try {
                    channel = listener.accept();
                } catch (ClosedChannelException stopped) {
                    return;
                } catch (IOException e) {
                    if (failures++ == 0) {
                        firstFailureNanos = System.nanoTime();
                        System.err.println("iolab-servers: accept failed: " + e.getMessage()
                                + "; pausing " + PAUSE_MILLIS + " ms between tries until it succeeds again");
                    }
                    try {
                        Thread.sleep(PAUSE_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                    continue;
                }
                if (failures > 0) {
                    System.err.printf("iolab-servers: accepting again after %d failed tries in %d ms%n",
                            failures, (System.nanoTime() - firstFailureNanos) / 1_000_000);
                    failures = 0;
                }
                if (counter.tryAdmit()) {
                    admitted.accept(channel);
                } else {
                    Quietly.close(channel);
                }
                if (delayNanos > 0) {
                    try {
                        Thread.sleep(java.time.Duration.ofNanos(delayNanos));
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        });
    }
}
