package iolab.bench.hosts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A machine of a run spread over hosts, reached with the user's own OpenSSH client, keys and config.
 *
 * @param role {@code server} (runs the server under test) or {@code load} (runs a share of the load)
 * @param destination what {@code ssh} takes: {@code [user@]host}
 * @param port the SSH port, 0 for ssh's own default
 * @param identity a private key to use, or null for the user's
 * @param java the JDK's {@code java} on that host; {@code java} on its PATH when not named
 * @param knownHosts the known-hosts file to check the host's key against, or null for the user's; a host seen for the
 *     first time is added to it (OpenSSH's accept-new), one whose key changed is refused
 * @param clock the shell command that prints the host's clock in ms since the epoch (tests offset it on purpose)
 */
public record Host(
        String role, String destination, int port, Path identity, String java, Path knownHosts, String clock) {

    public static final String DEFAULT_CLOCK = "date +%s%3N";

    /** The {@code ssh} command line that runs {@code command} there, never prompting. */
    List<String> ssh(String command) {
        List<String> args = new ArrayList<>(List.of(
                "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "ServerAliveInterval=5",
                "-o", "StrictHostKeyChecking=accept-new", "-T"));
        if (knownHosts != null) {
            args.addAll(List.of("-o", "UserKnownHostsFile=" + knownHosts));
        }
        if (port != 0) {
            args.addAll(List.of("-p", String.valueOf(port)));
        }
        if (identity != null) {
            args.addAll(List.of("-i", identity.toString(), "-o", "IdentitiesOnly=yes"));
        }
        args.addAll(List.of(destination, "--", command));
        return args;
    }

    /** "load host user@10.0.0.2": how a message names it. */
    String named() {
        return role + " host " + destination + (port == 0 ? "" : ":" + port);
    }
}
