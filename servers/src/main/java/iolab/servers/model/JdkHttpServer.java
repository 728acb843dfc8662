package iolab.servers.model;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import iolab.servers.ConnectionCounter;
import iolab.servers.http.HttpProtocol;
import iolab.servers.Server;
import iolab.servers.ServerSettings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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

    private static final byte[] PLAINTEXT = HttpProtocol.PLAINTEXT_BODY.getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON = HttpProtocol.JSON_BODY.getBytes(StandardCharsets.UTF_8);

    private final ServerSettings settings;
    private final long maxBodyBytes;
    private final ConnectionCounter counter;
    private HttpServer server;
    private ExecutorService executor;
    private SocketAddress address;

    public JdkHttpServer(ServerSettings settings, long maxBodyBytes) {
        if (!(settings.endpoint() instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("--model jdk serves TCP only: the JDK's HttpServer has no Unix domain sockets");
        }
        this.settings = settings;
        this.maxBodyBytes = maxBodyBytes;
        this.counter = new ConnectionCounter(settings.maxConnections());
        System.setProperty("sun.net.httpserver.maxConnections", String.valueOf(settings.maxConnections()));
        if (settings.idleTimeout().isPositive()) {
            System.setProperty("sun.net.httpserver.idleInterval", String.valueOf(Math.max(1, settings.idleTimeout().toSeconds())));
        }
    }

    @Override
    public SocketAddress start() throws IOException {
        server = HttpServer.create((InetSocketAddress) settings.endpoint(), settings.backlog());
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jdk-http-", 1).factory());
        server.setExecutor(executor);
        server.createContext("/plaintext", exchange -> reply(exchange, "GET, HEAD", 200, "text/plain", PLAINTEXT));
        server.createContext("/json", exchange -> reply(exchange, "GET, HEAD", 200, "application/json", JSON));
        server.createContext("/echo", this::echo);
        server.createContext("/delay", this::delay);
        server.createContext("/", exchange -> reply(exchange, null, 404, "text/plain", "404 Not Found\n".getBytes(StandardCharsets.UTF_8)));
        server.start();
        address = server.getAddress();
        return address;
    }

    private void echo(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            reply(exchange, "POST", 0, null, null);
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        }
        if (body.length > maxBodyBytes) {
            reply(exchange, null, 413, "text/plain", "413 Content Too Large\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        reply(exchange, null, 200, type == null ? "application/octet-stream" : type, body);
    }

    private void delay(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String ms = query == null ? null : query.replaceFirst("^(?:.*&)?ms=([0-9]{1,5})(?:&.*)?$", "$1");
        if (ms == null || !ms.matches("[0-9]{1,5}")) {
            reply(exchange, "GET, HEAD", 400, "text/plain", "400 Bad Request: /delay needs ms=N\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            Thread.sleep(Long.parseLong(ms)); // a virtual thread: parks, frees its carrier
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply(exchange, "GET, HEAD", 200, "text/plain", ("delayed " + ms + " ms\n").getBytes(StandardCharsets.UTF_8));
    }

    /** With {@code allow} set, any other method gets 405 and {@code Allow}; an unknown method 501. */
    private static void reply(HttpExchange exchange, String allow, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!HttpProtocol.KNOWN_METHODS.contains(method)) {
                status = 501;
                type = "text/plain";
                body = ("501 Not Implemented: method " + method + " is not implemented\n").getBytes(StandardCharsets.UTF_8);
            } else if (allow != null && !List.of(allow.split(", ")).contains(method)) {
                exchange.getResponseHeaders().set("Allow", allow);
                status = 405;
                type = "text/plain";
                body = "405 Method Not Allowed\n".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Server", "iolab-jdk");
            if (method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
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
        return "jdk HttpServer, virtual threads";
    }
}
