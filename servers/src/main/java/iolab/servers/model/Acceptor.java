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
 */
final class Acceptor {

    private Acceptor() {
    }

    static Thread start(ServerSocketChannel listener, ConnectionCounter counter, Consumer<SocketChannel> admitted) {
        return Thread.ofPlatform().name("acceptor").start(() -> {
            while (true) {
                SocketChannel channel;
                try {
                    channel = listener.accept();
                } catch (ClosedChannelException stopped) {
                    return;
                } catch (IOException e) {
                    // EMFILE and the like: this connection is lost, the server goes on.
                    System.err.println("accept failed: " + e);
                    continue;
                }
                if (counter.tryAdmit()) {
                    admitted.accept(channel);
                } else {
                    Quietly.close(channel);
                }
            }
        });
    }
}
