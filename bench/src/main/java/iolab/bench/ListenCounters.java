package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's own count of what a full listen queue cost, machine-wide, from {@code /proc/net/netstat}:
 * {@code ListenOverflows}, handshakes completed while the accept queue was full, and {@code ListenDrops},
 * connection attempts dropped at the listener (the overflows among them).
 *
 * @param overflows TcpExt ListenOverflows
 * @param drops     TcpExt ListenDrops
 */
record ListenCounters(long overflows, long drops) {

    static final Path NETSTAT = Path.of("/proc/net/netstat");

    /** Now, or null where there is no {@code /proc/net/netstat}. */
    static ListenCounters read() {
        try {
            return parse(Files.readAllLines(NETSTAT));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The TcpExt header line names the columns of the values line that follows it. */
    static ListenCounters parse(List<String> lines) {
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                List<String> names = List.of(lines.get(i).split("\\s+"));
                String[] values = lines.get(i + 1).split("\\s+");
                return new ListenCounters(Long.parseLong(values[names.indexOf("ListenOverflows")]),
                        Long.parseLong(values[names.indexOf("ListenDrops")]));
            }
        }
        throw new IllegalArgumentException("no TcpExt lines");
    }

    ListenCounters since(ListenCounters before) {
        return new ListenCounters(overflows - before.overflows, drops - before.drops);
    }
}
