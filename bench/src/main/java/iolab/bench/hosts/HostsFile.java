package iolab.bench.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code -Dhosts=FILE}: one host a line, {@code ROLE DESTINATION [port=N] [identity=FILE] [java=PATH]
 * [known_hosts=FILE] [cpus=LIST] [clock=COMMAND]}, where
 * ROLE is {@code server} (exactly one) or {@code load} (one or more) and DESTINATION is what {@code ssh} takes;
 * {@code #} starts a comment. A mistake is named with its line.
 */
public final class HostsFile {

    private static final Pattern OPTION = Pattern.compile("(port|identity|java|known_hosts|cpus|clock)=(.+)");

    private HostsFile() {
    }

    public static List<Host> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("-Dhosts: no such file: " + file);
        }
        List<Host> hosts = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).replaceFirst("#.*", "").strip();
            if (!line.isEmpty()) {
                hosts.add(parse(line, file + ":" + n));
            }
        }
        long servers = hosts.stream().filter(h -> h.role().equals("server")).count();
        if (servers != 1 || hosts.size() < 2) {
            throw new IllegalArgumentException(file + ": expected one server host and at least one load host, found "
                    + servers + " server and " + (hosts.size() - servers) + " load");
        }
        return hosts;
    }

    private static Host parse(String line, String where) {
        String[] words = line.split("\\s+", 3);
        if (words.length < 2 || !(words[0].equals("server") || words[0].equals("load"))) {
            throw new IllegalArgumentException(where + ": expected 'server DESTINATION' or 'load DESTINATION', not '"
                    + line + "'");
        }
        int port = 0;
        Path identity = null;
        String java = "";
        Path knownHosts = null;
        String cpus = "";
        String clock = Host.DEFAULT_CLOCK;
        // Options are name=value; clock's value is a shell command and runs to the end of the line.
        String rest = words.length > 2 ? words[2] : "";
        while (!rest.isEmpty()) {
            String[] next = rest.startsWith("clock=") ? new String[] {rest, ""} : rest.split("\\s+", 2);
            Matcher m = OPTION.matcher(next[0]);
            if (!m.matches()) {
                throw new IllegalArgumentException(where + ": unknown option '" + next[0]
                        + "' (port=N, identity=FILE, java=PATH, known_hosts=FILE, cpus=LIST, clock=COMMAND)");
            }
            switch (m.group(1)) {
                case "port" -> {
                    try {
                        port = Integer.parseInt(m.group(2));
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 1 || port > 65535) {
                        throw new IllegalArgumentException(where + ": port: expected 1 to 65535, not " + m.group(2));
                    }
                }
                case "identity" -> identity = Path.of(m.group(2));
                case "java" -> java = m.group(2);
                case "known_hosts" -> knownHosts = Path.of(m.group(2));
                case "cpus" -> {
                    if (!m.group(2).matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
                        throw new IllegalArgumentException(where + ": cpus: expected a CPU list as taskset takes it "
                                + "(0, 1-3, 0,2), not " + m.group(2));
                    }
                    cpus = m.group(2);
                }
                default -> clock = m.group(2);
            }
            rest = next.length > 1 ? next[1] : "";
        }
        return new Host(words[0], words[1], port, identity, java, knownHosts, cpus, clock);
    }
}
