package iolab.servers;

import iolab.servers.cli.Main;
import iolab.servers.RawHttp.Reply;
import iolab.servers.http.HttpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static iolab.servers.RawHttp.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Static files, the root's walls, many idle connections, and blocking work on the lab's four models. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpFilesAndLoadTest {

    @TempDir
    Path base;

    static Stream<HttpCase> labModels() {
        return HttpCase.labModels().stream();
    }

    private Path root() throws IOException {
        Path root = Files.createDirectories(base.resolve("root"));
        Files.writeString(root.resolve("hello.txt"), "hello, file\n");
        Files.writeString(root.resolve("page.html"), "<p>page</p>\n");
        Files.createDirectories(root.resolve("sub dir"));
        Files.writeString(root.resolve("sub dir").resolve("inner.json"), "{}");
        Files.writeString(base.resolve("secret.txt"), "SECRET-OUTSIDE-ROOT");
        Files.createSymbolicLink(root.resolve("escape"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("escape-dir"), base);
        return root;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void filesAreServedWithTypeLengthAndLastModified(HttpCase c) throws Exception {
        Path root = root();
        Instant modified = Instant.parse("2024-03-01T12:00:00Z");
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(modified));
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            Reply file = client.exchange(get("/files/hello.txt"));
            assertEquals(200, file.status());
            assertEquals("hello, file\n", file.text());
            assertEquals("text/plain; charset=utf-8", file.header("Content-Type"));
            assertEquals("Fri, 01 Mar 2024 12:00:00 GMT", file.header("Last-Modified"));
            assertEquals(
                    "text/html; charset=utf-8",
                    client.exchange(get("/files/page.html")).header("Content-Type"));
            assertEquals(
                    "application/json",
                    client.exchange(get("/files/sub%20dir/inner.json")).header("Content-Type"));

            Reply notModified = client.exchange(
                    "GET /files/hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: Fri, 01 Mar 2024 12:00:00 "
                            + "GMT\r\n\r\n");
            assertEquals(304, notModified.status());
            Reply modifiedSince = client.exchange(
                    "GET /files/hello.txt HTTP/1.1\r\nHost: t\r\nIf-Modified-Since: Thu, 29 Feb 2024 12:00:00 "
                            + "GMT\r\n\r\n");
            assertEquals(200, modifiedSince.status());

            Reply head = client.send("HEAD /files/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
            assertEquals("12", head.header("Content-Length"));

            Reply range = client.exchange("GET /files/hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=7-10\r\n\r\n");
            assertEquals(206, range.status());
            assertEquals("file", range.text());
            assertEquals("bytes 7-10/12", range.header("Content-Range"));
            Reply suffix = client.exchange("GET /files/hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=-5\r\n\r\n");
            assertEquals("file\n", suffix.text());
            Reply unsatisfiable =
                    client.exchange("GET /files/hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=100-\r\n\r\n");
            assertEquals(416, unsatisfiable.status());
            assertEquals("bytes */12", unsatisfiable.header("Content-Range"));

            assertEquals(404, client.exchange(get("/files/missing.txt")).status());
            Reply redirect = client.exchange(get("/files/sub%20dir"));
            assertEquals(301, redirect.status());
            assertEquals("/files/sub%20dir/", redirect.header("Location"));
            Reply listing = client.exchange(get("/files/"));
            assertEquals(200, listing.status());
            assertTrue(listing.text().contains("<a href=\"hello.txt\">hello.txt</a>"), listing.text());
            assertTrue(listing.text().contains("<a href=\"sub%20dir/\">sub dir/</a>"), listing.text());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void nothingOutsideTheRootIsEverServed(HttpCase c) throws Exception {
        Path root = root();
        String[] attempts = {
            "/files/../secret.txt",
            "/files/..%2fsecret.txt",
            "/files/%2e%2e/secret.txt",
            "/files/%2E%2E%2Fsecret.txt",
            "/files/sub%20dir/../../secret.txt",
            "/files/..\\secret.txt",
            "/files/%5c..%5csecret.txt",
            "/files/hello.txt%00.html",
            "/files/escape",
            "/files/escape-dir/secret.txt",
            "/files//etc/passwd",
            "/files/%2fetc%2fpasswd",
            "/files/./../secret.txt",
            "/files/%252e%252e/secret.txt",
            "/files/%",
            "/files/%zz",
            "/files/..",
            "/files/sub%20dir/%2e%2e%2f%2e%2e%2fsecret.txt",
            "http://evil/files/../secret.txt",
        };
        try (Server server = c.start(HttpSettings.defaults(root))) {
            for (String target : attempts) {
                try (RawHttp client = new RawHttp(server.address())) {
                    Reply reply = client.exchange("GET " + target + " HTTP/1.1\r\nHost: t\r\n\r\n");
                    assertTrue(
                            reply.status() == 400 || reply.status() == 403 || reply.status() == 404,
                            target + " got " + reply.status());
                    assertFalse(
                            reply.text().contains("SECRET") || reply.text().contains("root:"),
                            target + " leaked: " + reply.text());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void aNameLongerThanTheFileSystemAllowsIsNotFoundNotAServerError(HttpCase c) throws Exception {
        Path root = root();
        String name = "a".repeat(300);
        String[] targets = {"/files/" + name, "/files/" + "%61".repeat(300), "/files/sub%20dir/" + name + ".txt",
                "/files/" + ("b".repeat(200) + "/").repeat(25) + "c"};
        try (Server server = c.start(HttpSettings.defaults(root))) {
            for (String target : targets) {
                try (RawHttp client = new RawHttp(server.address())) {
                    Reply reply = client.exchange(get(target));
                    assertTrue(
                            reply.status() == 404 || reply.status() == 414,
                            target.length() + " characters got " + reply.status());
                }
            }
            try (RawHttp client = new RawHttp(server.address())) {
                assertEquals(200, client.exchange(get("/files/hello.txt")).status(), "and it goes on serving");
            }
        }
    }

    /** A pool answers this only because it has more threads than connections here; see the next test. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void twoThousandIdleKeepAliveConnectionsDoNotKeepANewClientWaiting(HttpCase c) throws Exception {
        ServerSettings settings = c.model() == Model.POOL ? c.settings().withThreads(2_100) : c.settings();
        List<RawHttp> idle = new ArrayList<>();
        try (Server server = c.start(settings, HttpSettings.defaults(base))) {
            for (int i = 0; i < 2_000; i++) {
                RawHttp client = new RawHttp(server.address());
                idle.add(client);
                if (i % 100 == 0) {
                    assertEquals(200, client.exchange(get("/plaintext")).status());
                } else {
                    client.send(get("/plaintext")); // answered later, read below
                }
            }
            try (RawHttp newcomer = new RawHttp(server.address())) {
                newcomer.socket.setSoTimeout(5_000);
                assertEquals("Hello, World!", newcomer.exchange(get("/plaintext")).text());
            }
            for (int i = 0; i < idle.size(); i++) {
                if (i % 100 != 0) {
                    assertEquals(200, idle.get(i).read(false).status());
                }
            }
            assertEquals(2_001, server.connections().admitted());
        } finally {
            for (RawHttp client : idle) {
                client.close();
            }
        }
    }

    /** The pool's lesson: N idle keep-alive connections hold all N threads; connection N+1 waits, unserved. */
    @Test
    void aPoolWhoseThreadsAreHeldByIdleConnectionsLeavesTheNextClientUnserved() throws Exception {
        HttpCase pool = new HttpCase(ServerVariant.POOL);
        List<RawHttp> idle = new ArrayList<>();
        try (Server server = pool.start(pool.settings().withThreads(4), HttpSettings.defaults(base))) {
            for (int i = 0; i < 4; i++) {
                RawHttp client = new RawHttp(server.address());
                idle.add(client);
                assertEquals(200, client.exchange(get("/plaintext")).status());
            }
            try (RawHttp waiting = new RawHttp(server.address())) {
                waiting.send(get("/plaintext"));
                waiting.socket.setSoTimeout(500);
                try {
                    waiting.read(false);
                    throw new AssertionError("the fifth client was answered while four idle connections held the pool");
                } catch (java.net.SocketTimeoutException expected) {
                    // accepted by the kernel and by the server, and waiting in the pool's queue
                }
                idle.removeFirst().close();
                waiting.socket.setSoTimeout(10_000);
                assertEquals(200, waiting.read(false).status(), "answered once a thread was freed");
            }
        } finally {
            for (RawHttp client : idle) {
                client.close();
            }
        }
    }

    /**
     * More /delay requests than workers and queue places: the rest get 503 at once, and the
     * event loop, never blocked, answers a /plaintext while the delays are still running.
     */
    @Test
    void nioRefusesDelaysBeyondItsWorkersWith503AndItsLoopStaysResponsive() throws Exception {
        HttpCase nio = new HttpCase(ServerVariant.NIO);
        ServerSettings settings = nio.settings().withLoops(1).withWorkers(2, 2);
        List<RawHttp> clients = new ArrayList<>();
        try (Server server = nio.start(settings, HttpSettings.defaults(base));
                java.util.concurrent.ExecutorService readers =
                        java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                RawHttp client = new RawHttp(server.address());
                clients.add(client);
                client.send(get("/delay?ms=3000"));
                statuses.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return client.read(false).status();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, readers));
            }
            try (RawHttp other = new RawHttp(server.address())) {
                long start = System.nanoTime();
                assertEquals("Hello, World!", other.exchange(get("/plaintext")).text());
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 2_000, "the loop answered /plaintext only after " + millis + " ms: it was blocked");
            }
            Clients.await(
                    "six refusals, sent at once",
                    2_500,
                    () -> statuses.stream().filter(CompletableFuture::isDone).count() >= 6);
            long delayed = statuses.stream().filter(s -> !s.isDone()).count();
            assertEquals(4, delayed, "two running and two queued, the others refused at once");
            int ok = 0;
            int unavailable = 0;
            for (CompletableFuture<Integer> status : statuses) {
                int s = status.get(20, TimeUnit.SECONDS);
                ok += s == 200 ? 1 : 0;
                unavailable += s == 503 ? 1 : 0;
            }
            assertEquals(4, ok);
            assertEquals(6, unavailable);
        } finally {
            for (RawHttp client : clients) {
                client.close();
            }
        }
    }

    /**
     * A 200 MiB sparse file through a server process whose heap is capped at 48 MiB: it can
     * only get through streamed. Each lab model, as a real process.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void aLargeFileIsStreamedWithBoundedMemory(HttpCase c) throws Exception {
        long size = 200L * 1024 * 1024;
        try (RandomAccessFile sparse = new RandomAccessFile(base.resolve("big.bin").toFile(), "rw")) {
            sparse.setLength(size);
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx48m",
                "--add-exports",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "http",
                "--port",
                "0",
                "--root",
                base.toString()));
        command.addAll(c.variant().arguments(false));
        Process server = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            int port = Integer.parseInt(ready.substring(ready.lastIndexOf(':') + 1));
            try (RawHttp client = new RawHttp(new InetSocketAddress("127.0.0.1", port))) {
                Reply head = client.send("HEAD /files/big.bin HTTP/1.1\r\nHost: t\r\n\r\n").read(true);
                assertEquals(String.valueOf(size), head.header("Content-Length"));
                client.send(get("/files/big.bin"));
                // Status line and headers, then the body, counted rather than kept.
                Reply headers = client.send("").read(true);
                assertEquals(200, headers.status());
                assertEquals(size, client.readBodyLength(size));
                assertEquals(200, client.exchange(get("/plaintext")).status(), "the server is still there");
            }
        } finally {
            server.destroy();
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
        }
        assertEquals(0, server.exitValue(), "no OutOfMemoryError, a clean stop");
    }

}
