package iolab.servers;

import iolab.servers.ServerSettings.NettyTransport;
import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.model.NettyHttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;

/** The HTTP servers as test parameters: the four models (nio on both selectors) and the two references. */
record HttpCase(String name, Model model, UnaryOperator<ServerSettings> tune) {

    static List<HttpCase> labModels() {
        return List.of(
                new HttpCase("thread-per-connection", Model.THREAD_PER_CONNECTION, s -> s),
                new HttpCase("pool", Model.POOL, s -> s.withThreads(ServerCase.TEST_POOL_THREADS)),
                new HttpCase("virtual", Model.VIRTUAL, s -> s),
                new HttpCase("nio-epoll", Model.NIO, s -> s.withSelector("epoll")),
                new HttpCase("nio-poll", Model.NIO, s -> s.withSelector("poll")));
    }

    static List<HttpCase> references() {
        return List.of(
                new HttpCase("netty-nio", Model.NETTY, s -> s.withTransport(NettyTransport.NIO)),
                new HttpCase("netty-epoll", Model.NETTY, s -> s.withTransport(NettyTransport.EPOLL)),
                new HttpCase("jdk", Model.JDK, s -> s));
    }

    static List<HttpCase> all() {
        return java.util.stream.Stream.concat(labModels().stream(), references().stream()).toList();
    }

    ServerSettings settings() throws IOException {
        return tune.apply(ServerSettings.defaults(model, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0)).withLoops(2));
    }

    Server start(ServerSettings settings, HttpSettings http) throws IOException {
        Server server = Servers.create(settings, new HttpProtocol(http), p -> NettyHttp.configure(p, http.maxBodyBytes()));
        server.start();
        return server;
    }

    Server start(HttpSettings http) throws IOException {
        return start(settings(), http);
    }

    @Override
    public String toString() {
        return name;
    }
}
