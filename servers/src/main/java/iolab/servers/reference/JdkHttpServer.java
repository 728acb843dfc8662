package iolab.servers.reference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import iolab.servers.ConnectionCounter;
import iolab.servers.http.HttpRoutes;
import iolab.servers.Server;
import iolab.servers.ServerSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own {@code com.sun.net.httpserver.HttpServer} with a virtual thread per exchange:
 * the reference a Java developer gets without a library. TCP only (it has no Unix domain
 * sockets). Of the lab's settings it takes the backlog; its connection limit and idle
 * timeout are JVM-wide system properties read once ({@code sun.net.httpserver.maxConnections},
 * {@code sun.net.httpserver.idleInterval}), set here before its first use in the process.
 */
public final class JdkHttpServer implements Server {

    private final ServerSettings settings;
    private final long maxBodyBytes;
    private final ConnectionCounter counter;
    private HttpServer server;
    private ExecutorService executor;
    private SocketAddress address;

    public JdkHttpServer(ServerSettings settings, long maxBodyBytes) {
        if (!(settings.endpoint() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException(
                    "--model jdk serves TCP only: the JDK's HttpServer has no Unix domain sockets");
        }
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
        this.counter = new ConnectionCounter(settings.maxConnections());
        System.setProperty("sun.net.httpserver.maxConnections", String.valueOf(settings.maxConnections()));
        if (settings.idleTimeout().isPositive()) {
            System.setProperty(
                    "sun.net.httpserver.idleInterval",
                    String.valueOf(Math.max(1, settings.idleTimeout().toSeconds())));
        }
    }

    @Override
    public SocketAddress start() throws IOException {
        if (settings.tls() == null) {
            server = HttpServer.create((InetSocketAddress) settings.endpoint(), settings.backlog());
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                    (InetSocketAddress) settings.endpoint(), settings.backlog());
            https.setHttpsConfigurator(
                    new com.sun.net.httpserver.HttpsConfigurator(settings.tls().jdkContext()));
            server = https;
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jdk-http-", 1).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        address = server.getAddress();
        return address;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            java.net.URI uri = exchange.getRequestURI();
            HttpRoutes.Route route = HttpRoutes.route(
                    exchange.getRequestMethod(), uri.getPath(), name -> parameter(uri.getRawQuery(), name));
            switch (route) {
                case HttpRoutes.Route.Fixed fixed -> reply(exchange, 200, fixed.contentType(), fixed.body());
                case HttpRoutes.Route.Echo echo -> echo(exchange);
                case HttpRoutes.Route.Delay delay -> {
                    try {
                        Thread.sleep(delay.millis()); // a virtual thread: parks, frees its carrier
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    reply(exchange, 200, "text/plain", delay.body());
                }
                case HttpRoutes.Route.Files files -> refuse(exchange, HttpRoutes.noFiles());
                case HttpRoutes.Route.Refused refused -> refuse(exchange, refused);
            }
        }
    }

    private void echo(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        if (body.length > maxBodyBytes) {
            refuse(exchange, new HttpRoutes.Route.Refused(413, null, null));
            return;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        reply(exchange, 200, type == null ? "application/octet-stream" : type, body);
    }

    /** The raw query's first value of {@code name}, decoded; null when absent. */
    private static String parameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void refuse(HttpExchange exchange, HttpRoutes.Route.Refused refused) throws IOException {
        if (refused.allow() != null) {
            exchange.getResponseHeaders().set("Allow", refused.allow());
        }
        reply(exchange, refused.status(), HttpRoutes.ERROR_TYPE, refused.body());
    }

    private static void reply(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Server", "iolab-jdk");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public SocketAddress address() {
        return address;
    }

    /** The JDK's server does not tell us about its connections: these counts stay at zero. */
    @Override
    public ConnectionCounter connections() {
        return counter;
    }

    @Override
    public int stop(Duration grace) {
        if (server != null) {
            server.stop((int) Math.max(0, grace.toSeconds()));
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "jdk HttpServer, virtual threads" + (settings.tls() == null ? "" : ", " + settings.tls());
    }
}
