package iolab.clients;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** Small servers made inside the tests, each misbehaving in one known way. */
public final class TestServers {

    private TestServers() {
    }

    /** What a raw server does with each accepted connection. */
    public interface Behaviour {
        void serve(Socket socket) throws IOException, InterruptedException;
    }

    /** A blocking TCP server on 127.0.0.1 with a virtual thread per connection. */
    public static final class Raw implements AutoCloseable {
        final ServerSocket listener;
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

        public Raw(Behaviour behaviour) throws IOException {
            listener = new ServerSocket(0, 1024, java.net.InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket socket = listener.accept();
                        threads.execute(() -> {
                            try (socket) {
                                behaviour.serve(socket);
                            } catch (IOException | InterruptedException ignored) {
                                // the client went away
                            }
                        });
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        public String target() {
            return "127.0.0.1:" + listener.getLocalPort();
        }

        public String url(String path) {
            return "http://127.0.0.1:" + listener.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            threads.shutdownNow();
        }
    }

    /** Echoes every byte, but the 1000th byte of each connection comes back changed. */
    public static Behaviour corruptingEcho() {
        return socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            long count = 0;
            int b;
            while ((b = in.read()) >= 0) {
                out.write(++count == 1000 ? b ^ 0xff : b);
                if (in.available() == 0) {
                    out.flush();
                }
            }
        };
    }

    /**
     * Like a pool of {@code served} threads: echoes the first {@code served} connections it accepts and only reads
     * every later one, those made again included.
     */
    public static Behaviour servingOnlyTheFirst(int served) {
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        return socket -> {
            if (accepted.incrementAndGet() <= served) {
                socket.getInputStream().transferTo(socket.getOutputStream());
            } else {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            }
        };
    }

    /** Reads a little, then resets the connection. */
    public static Behaviour resetting() {
        return socket -> {
            socket.getInputStream().read(new byte[16]);
            socket.setSoLinger(true, 0);
        };
    }

    /** Reads the request, then closes without a word. */
    public static Behaviour closingEarly() {
        return socket -> socket.getInputStream().read(new byte[4096]);
    }

    /** Answers each request twice: the second answer has no request waiting for it. */
    public static Behaviour answeringTwice() {
        return socket -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            byte[] twice =
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                            .getBytes(StandardCharsets.ISO_8859_1);
            while (in.read(buffer) > 0) {
                socket.getOutputStream().write(twice);
            }
        };
    }

    /**
     * Answers well, chunked, but the third response of each connection has a chunk size of -100, and then the
     * connection closes.
     */
    public static Behaviour negativeChunkOnThirdResponse() {
        return socket -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n = 1; in.read(buffer) > 0; n++) {
                String size = n == 3 ? "-100" : "2";
                socket.getOutputStream()
                        .write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nok\r\n0\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                if (n == 3) {
                    return;
                }
            }
        };
    }

    /**
     * Answers the first four requests of each connection, then resets it; counts every request it read in {@code seen}.
     */
    public static Behaviour resettingAfterFour(java.util.concurrent.atomic.AtomicLong seen) {
        return socket -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            byte[] ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1);
            int answered = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                for (int at = text.indexOf("\r\n\r\n"); at >= 0; at = text.indexOf("\r\n\r\n", at + 4)) {
                    seen.incrementAndGet();
                    if (answered < 4) {
                        socket.getOutputStream().write(ok);
                        answered++;
                    }
                }
                if (answered == 4) {
                    socket.setSoLinger(true, 0);
                    return;
                }
            }
        };
    }

    /** Answers each request with something that is not HTTP. */
    public static Behaviour malformedHttp() {
        return socket -> {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) > 0) {
                socket.getOutputStream().write("HTTX/9 what\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        };
    }

    /**
     * The JDK's HTTP server on one thread, counting requests; one request (the {@code stallAt}-th) blocks it for
     * {@code stallMillis}.
     */
    public static final class Counting implements AutoCloseable {
        final HttpServer server;
        final AtomicLong requests = new AtomicLong();

        public Counting(long stallAt, long stallMillis) throws IOException {
            server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(Executors.newSingleThreadExecutor());
            server.createContext("/", exchange -> {
                if (requests.incrementAndGet() == stallAt) {
                    try {
                        Thread.sleep(stallMillis); // the whole server stalls: it has one thread
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                exchange.getRequestBody().readAllBytes();
                byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
        }

        public String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        @Override
        public void close() {
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
