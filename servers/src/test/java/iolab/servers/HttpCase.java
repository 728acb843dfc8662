package iolab.servers;

import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.reference.NettyHttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/** Every HTTP server the lab runs ({@link ServerVariant}) as test parameters: the lab's models and the references. */
record HttpCase(ServerVariant variant) {

    /** The models that serve everything, {@code /files} included. */
    static List<HttpCase> labModels() {
        return all().stream().filter(c -> c.model().servesFiles()).toList();
    }

    static List<HttpCase> all() {
        return Arrays.stream(ServerVariant.values())
                .filter(v -> !v.httpsOnly())
                .map(HttpCase::new)
                .toList(); // plain HTTP
    }

    String name() {
        return variant.label();
    }

    Model model() {
        return variant.model();
    }

    ServerSettings settings() throws IOException {
        return ServerCase.settings(variant, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    }

    Server start(ServerSettings settings, HttpSettings http) throws IOException {
        Server server =
                Servers.create(settings, new HttpProtocol(http), p -> NettyHttp.configure(p, http.maxBodyBytes()));
        server.start();
        return server;
    }

    Server start(HttpSettings http) throws IOException {
        return start(settings(), http);
    }

    @Override
    public String toString() {
        return name();
    }
}
