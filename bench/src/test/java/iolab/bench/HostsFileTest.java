package iolab.bench;

import iolab.bench.hosts.HostsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A hosts file's mistakes are named with their line. */
class HostsFileTest {

    @TempDir
    Path dir;

    private String refusal(String text) throws Exception {
        Path file = dir.resolve("hosts");
        Files.writeString(file, text);
        return assertThrows(IllegalArgumentException.class, () -> HostsFile.read(file)).getMessage();
    }

    @Test
    void mistakesAreNamedWithTheirLine() throws Exception {
        Path file = dir.resolve("hosts");
        assertEquals(file + ":2: expected 'server DESTINATION' or 'load DESTINATION', not 'client a@b'",
                refusal("server a@b\nclient a@b\n"));
        assertEquals(file + ":1: port: expected 1 to 65535, not 70000", refusal("server a@b port=70000\nload c\n"));
        assertEquals(file + ":2: unknown option 'user=x' (port=N, identity=FILE, java=PATH, known_hosts=FILE, "
                        + "cpus=LIST, clock=COMMAND)",
                refusal("server a\nload b user=x\n"));
        assertEquals(file + ":1: cpus: expected a CPU list as taskset takes it (0, 1-3, 0,2), not all",
                refusal("server a cpus=all\nload b\n"));
        assertEquals(file + ": expected one server host and at least one load host, found 2 server and 0 load",
                refusal("server a\n# a comment\nserver b\n"));
        assertEquals("-Dhosts: no such file: " + dir.resolve("none"),
                assertThrows(IllegalArgumentException.class, () -> HostsFile.read(dir.resolve("none")))
                        .getMessage());
        Files.writeString(
                file, "server a@b port=2222 java=/opt/jdk/bin/java cpus=0  # the server\nload c clock=date +%s%3N\n");
        var hosts = HostsFile.read(file);
        assertEquals(2222, hosts.get(0).port());
        assertEquals("/opt/jdk/bin/java", hosts.get(0).java());
        assertEquals("date +%s%3N", hosts.get(1).clock());
        assertEquals("0", hosts.get(0).cpus());
        assertEquals("", hosts.get(1).cpus());
        assertEquals("b", hosts.get(0).address());
    }
}
