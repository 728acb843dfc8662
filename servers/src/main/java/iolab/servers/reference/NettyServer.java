package iolab.servers.reference;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import iolab.servers.ConnectionCounter;
import iolab.servers.Endpoints;
import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.ServerSettings.NettyTransport;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The reference: Netty serving the same protocol with its own idioms, held to the lab's
 * settings: {@code loops} worker event loops, the listen backlog, {@code max-connections},
 * the idle timeout, and back-pressure through write-buffer water marks.
 */
public final class NettyServer implements Server {

    /** Above this many queued outbound bytes a channel stops reading until it drains below the low mark. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final ServerSettings settings;
    private final Consumer<ChannelPipeline> protocolPipeline;
    private final ConnectionCounter counter;
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup loopGroup;
    private Channel listener;
    private volatile SocketAddress address;
    private io.netty.handler.ssl.SslContext sslContext;

    /**
     * Why {@code transport} cannot run here, or empty: epoll needs Netty's native library, which the build has for
     * linux-x86_64 only.
     */
    public static java.util.Optional<String> unavailable(NettyTransport transport) {
        Throwable cause = switch (transport) {
            case NIO -> null;
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        };
        return cause == null
                ? java.util.Optional.empty()
                : java.util.Optional.of("transport '" + transport.cliName()
                        + "' is not available here (Netty's native library is built for linux-x86_64"
                        + (transport == NettyTransport.IO_URING ? ", and io_uring needs a kernel that allows it" : "")
                        + "): " + cause);
    }

    /** {@code protocolPipeline} adds the protocol's handlers to each new connection's pipeline. */
    public NettyServer(ServerSettings settings, Consumer<ChannelPipeline> protocolPipeline) {
        unavailable(settings.netty().transport()).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        this.settings = settings;
        this.protocolPipeline = protocolPipeline;
        this.counter = new ConnectionCounter(settings.maxConnections());
    }

    @Override
    public SocketAddress start() throws IOException {
        NettyTransport transport = settings.netty().transport();
        sslContext = settings.tls() == null ? null : settings.tls().nettyContext();
        boolean epoll = transport == NettyTransport.EPOLL;
        boolean unix = settings.endpoint() instanceof UnixDomainSocketAddress;
        IoHandlerFactory io = switch (transport) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
        acceptorGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netty-acceptor"), io);
        loopGroup =
                new MultiThreadIoEventLoopGroup(settings.netty().loops(), new DefaultThreadFactory("netty-loop"), io);
        Class<? extends ServerChannel> channelType = switch (transport) {
            case NIO -> unix ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class;
            case EPOLL -> unix ? EpollServerDomainSocketChannel.class : EpollServerSocketChannel.class;
            case IO_URING -> unix ? IoUringServerDomainSocketChannel.class : IoUringServerSocketChannel.class;
        };
        boolean nativeTransport = transport != NettyTransport.NIO;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptorGroup, loopGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, settings.backlog())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        admit(channel);
                    }
                });
        if (!unix) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        }
        if (!unix || nativeTransport) {
            // Netty's NIO Unix-domain channel has no half-closure: there EOF closes the channel.
            bootstrap.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        SocketAddress bindTo = unix && nativeTransport
                ? new DomainSocketAddress(((UnixDomainSocketAddress) settings.endpoint()).getPath().toString())
                : settings.endpoint();
        try {
            listener = bootstrap.bind(bindTo).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows bind's checked exceptions unchecked
            shutdownGroups();
            if (e instanceof IOException bindFailure) {
                throw bindFailure;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e);
        }
        address = unix ? settings.endpoint() : listener.localAddress();
        return address;
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    private void admit(Channel channel) {
        if (!counter.tryAdmit()) {
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> counter.release());
        ChannelPipeline pipeline = channel.pipeline();
        if (sslContext != null) {
            io.netty.handler.ssl.SslHandler tls = sslContext.newHandler(channel.alloc());
            tls.setHandshakeTimeoutMillis(
                    settings.tls().handshakeTimeout().toMillis()); // a stalled handshake is cut off
            pipeline.addLast(tls);
        }
        if (settings.idleTimeout().isPositive()) {
            pipeline.addLast(new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            pipeline.addLast(CloseWhenIdle.INSTANCE);
        }
        protocolPipeline.accept(pipeline);
    }

    @Override
    public ConnectionCounter connections() {
        return counter;
    }

    @Override
    public int stop(Duration grace) {
        int forced = 0;
        try {
            if (listener != null) {
                listener.close().syncUninterruptibly();
            }
            Endpoints.removeSocketFile(settings.endpoint());
            counter.awaitNoneOpen(grace);
            forced = counter.open();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            shutdownGroups();
        }
        return forced;
    }

    private void shutdownGroups() {
        for (EventLoopGroup group : new EventLoopGroup[] {acceptorGroup, loopGroup}) {
            if (group != null) {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    @Override
    public String toString() {
        return "netty, " + settings.netty().transport().cliName() + " transport, "
                + settings.netty().loops() + " loop(s)" + (settings.tls() == null ? "" : ", " + settings.tls());
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class CloseWhenIdle extends ChannelInboundHandlerAdapter {
        static final CloseWhenIdle INSTANCE = new CloseWhenIdle();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
