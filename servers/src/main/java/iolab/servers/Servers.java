package iolab.servers;

import io.netty.channel.ChannelPipeline;
import iolab.servers.http.HttpProtocol;
import iolab.servers.model.BlockingServer;
import iolab.servers.reference.JdkHttpServer;
import iolab.servers.reference.NettyServer;
import iolab.servers.model.SelectorServer;
import iolab.servers.protocol.Protocol;

import java.util.function.Consumer;

/** Puts a protocol on an I/O model. */
public final class Servers {

    private Servers() {
    }

    /**
     * @param protocol       the lab's codec, served by the four models
     * @param nettyPipeline  the same protocol in Netty's idiom, for the {@code netty} reference
     */
    public static Server create(ServerSettings settings, Protocol protocol, Consumer<ChannelPipeline> nettyPipeline) {
        if (settings.model() == Model.JDK && protocol instanceof HttpProtocol http) {
            return new JdkHttpServer(settings, http.settings().maxBodyBytes());
        }
        return switch (settings.model()) {
            case THREAD_PER_CONNECTION, POOL, VIRTUAL -> new BlockingServer(settings, protocol);
            case NIO -> new SelectorServer(settings, protocol);
            case NETTY -> new NettyServer(settings, nettyPipeline);
            case JDK -> throw new IllegalArgumentException("--model jdk serves HTTP only");
        };
    }
}
