package iolab.clients;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where UDP loses datagrams: Linux counts, per socket, the datagrams it dropped because the
 * socket's receive buffer was full ({@code drops}, the last column of {@code /proc/net/udp} and
 * {@code /proc/net/udp6}). Read for the server's port and the client's, it tells which side could
 * not keep up. Empty where there is no such file.
 */
public final class SocketDrops {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private SocketDrops() {
    }

    /** The drops of the UDP sockets bound to any of {@code ports}, summed; empty when {@code /proc} cannot tell. */
    public static OptionalLong of(Collection<Integer> ports) {
        long sum = 0;
        boolean read = false;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            read = true;
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 13) {
                    continue;
                }
                int colon = f[1].lastIndexOf(':');
                try {
                    if (ports.contains(Integer.parseInt(f[1].substring(colon + 1), 16))) {
                        sum += Long.parseLong(f[f.length - 1]);
                    }
                } catch (NumberFormatException e) {
                    // a line of another shape: not a socket's
                }
            }
        }
        return read ? OptionalLong.of(sum) : OptionalLong.empty();
    }
}
