package iolab.servers.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import iolab.servers.ServerSettings;
import iolab.servers.ServerSettings.NettyTransport;
import iolab.servers.reference.NettyServer;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The reference over UDP: Netty's datagram channel on one event loop, on the transport asked for. */
final class NettyDatagramServer extends CountingDatagramServer {

    private final ServerSettings settings;
    private EventLoopGroup group;
    private Channel channel;

    NettyDatagramServer(ServerSettings settings) {
        NettyServer.unavailable(settings.netty().transport()).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        this.settings = settings;
    }

    @Override
    public SocketAddress start() throws IOException {
        NettyTransport transport = settings.netty().transport();
        IoHandlerFactory io = switch (transport) {
            case NIO -> NioIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
        };
        Class<? extends DatagramChannel> type = switch (transport) {
            case NIO -> NioDatagramChannel.class;
            case EPOLL -> EpollDatagramChannel.class;
            case IO_URING -> IoUringDatagramChannel.class;
        };
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netty-udp"), io);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(type)
                // Netty reads 2 KiB per datagram by default and would cut a larger one short.
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DatagramServers.RECEIVE_BUFFER))
                .handler(new Echo());
        try {
            channel = bootstrap.bind(settings.endpoint()).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows bind's checked exceptions unchecked
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            if (e instanceof IOException bindFailure) {
                throw bindFailure;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e);
        }
        return bound(channel.localAddress());
    }

    private final class Echo extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ctx.write(new DatagramPacket(packet.content().retain(), packet.sender()));
            countEcho();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram socket has no peer to lose: report and keep serving.
            report(cause);
        }
    }

    @Override
    public int stop(Duration grace) {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "netty, UDP, " + settings.netty().transport().cliName() + " transport, one loop";
    }
}
