package iolab.servers.model;

import iolab.servers.ConnectionCounter;
import iolab.servers.Endpoints;
import iolab.servers.SelectorProviders;
import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.protocol.Protocol;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The {@code nio} model: one acceptor thread and N event loops, each with a
 * {@link java.nio.channels.Selector} of its own. Accepted connections are dealt to the
 * loops in turn; a connection stays on its loop for life, so its state needs no lock.
 * The selector provider ({@code --selector epoll|poll}) is chosen here, for every channel
 * and selector of this server.
 */
public final class SelectorServer implements Server {

    private final ServerSettings settings;
    private final Protocol protocol;
    private final SelectorProvider provider;
    private final ConnectionCounter counter;
    /** Blocking work never runs on a loop: it waits here, in a bounded queue, for a worker. */
    private final ThreadPoolExecutor workers;
    private EventLoop[] loops;
    private ServerSocketChannel listener;
    private volatile SocketAddress address;
    private Thread acceptor;

    public SelectorServer(ServerSettings settings, Protocol protocol) {
        this.settings = settings;
        this.protocol = protocol;
        this.provider = SelectorProviders.named(settings.nio().selector());
        this.counter = new ConnectionCounter(settings.maxConnections());
        this.workers = new ThreadPoolExecutor(
                settings.nio().workers(),
                settings.nio().workers(),
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(settings.nio().workerQueue()),
                Thread.ofPlatform().name("worker-", 1).factory());
    }

    @Override
    public SocketAddress start() throws IOException {
        listener = Endpoints.listen(provider, settings.endpoint(), settings.backlog());
        loops = new EventLoop[settings.nio().loops()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new EventLoop(provider.openSelector(), protocol, counter, workers, settings.idleTimeout(),
                    settings.sweepPeriod(), settings.tls());
            Thread.ofPlatform().name("loop-" + i).start(loops[i]);
        }
        acceptor = Acceptor.start(listener, counter, settings.acceptDelay(), new java.util.function.Consumer<>() {
            private int next;

            @Override
            public void accept(SocketChannel channel) {
                loops[next].adopt(channel); // dealt in turn; a connection stays on its loop for life
                next = (next + 1) % loops.length;
            }
        });
        address = listener.getLocalAddress();
        return address;
    }

    /** The selector provider in use, for the record of a run. */
    public SelectorProvider provider() {
        return provider;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    @Override
    public ConnectionCounter connections() {
        return counter;
    }

    @Override
    public int stop(Duration grace) {
        Quietly.close(listener);
        Endpoints.removeSocketFile(settings.endpoint());
        int forced = 0;
        try {
            if (acceptor != null) {
                acceptor.join();
            }
            counter.awaitNoneOpen(grace);
            forced = counter.open();
            if (loops != null) {
                for (EventLoop loop : loops) {
                    loop.stop();
                }
                for (EventLoop loop : loops) {
                    loop.awaitStopped();
                }
            }
            workers.shutdownNow();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return forced;
    }

    @Override
    public String toString() {
        return "nio, " + settings.nio().loops() + " loop(s), selector " + provider.getClass().getSimpleName()
                + (settings.tls() == null ? "" : ", " + settings.tls());
    }
}
