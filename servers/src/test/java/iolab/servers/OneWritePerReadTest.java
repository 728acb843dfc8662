package iolab.servers;

import iolab.servers.http.HttpSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The selector model answers what one read brought with one write, as Netty flushes once per read: counted by the
 * kernel, in the event loops' own write system calls ({@code syscw} of {@code /proc/self/task/TID/io}).
 */
class OneWritePerReadTest {

    @TempDir
    Path root;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServerVariant.class, names = {"NIO", "NIO_POLL"})
    void sixteenPipelinedRequestsInOneReadAreAnsweredByOneWrite(ServerVariant variant) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "no /proc here: the kernel's count is Linux's");
        HttpCase c = new HttpCase(variant);
        String request = "GET /plaintext HTTP/1.1\r\nHost: t\r\n\r\n";
        try (Server server = c.start(HttpSettings.defaults(root)); RawHttp client = new RawHttp(server.address())) {
            assertEquals(200, client.exchange(request).status(), "warm: the connection is up and served");
            long before = loopWrites();
            client.send(request.repeat(16));
            for (int i = 0; i < 16; i++) {
                RawHttp.Reply reply = client.read(false);
                assertEquals(200, reply.status(), "response " + i);
                assertEquals("Hello, World!", reply.text(), "response " + i);
            }
            long writes = loopWrites() - before;
            assertTrue(writes >= 1 && writes <= 2, "16 responses in " + writes + " writes (one per read; two if the "
                    + "kernel split the burst into two reads)");
        }
    }

    /** The write system calls made so far by this JVM's event-loop threads. */
    private static long loopWrites() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> comm(t).startsWith("loop-")).mapToLong(OneWritePerReadTest::syscw).sum();
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException gone) {
            return ""; // the thread ended meanwhile
        }
    }

    private static long syscw(Path task) {
        try {
            return Files.readAllLines(task.resolve("io")).stream().filter(l -> l.startsWith("syscw:"))
                    .mapToLong(l -> Long.parseLong(l.substring(6).strip())).sum();
        } catch (IOException gone) {
            return 0;
        }
    }
}
