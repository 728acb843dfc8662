package iolab.bench.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A machine of a run spread over hosts, reached with the user's own OpenSSH client, keys and config.
 *
 * @param role {@code server} (runs the server under test) or {@code load} (runs a share of the load)
 * @param destination what {@code ssh} takes: {@code [user@]host}
 * @param port the SSH port, 0 for ssh's own default
 * @param identity a private key to use, or null for the user's
 * @param java the JDK's {@code java} on that host; empty when not named, for the one {@code bin/java-home} finds there
 * @param knownHosts the known-hosts file to check the host's key against, or null for the user's; a host seen for the
 *     first time is added to it (OpenSSH's accept-new), one whose key changed is refused
 * @param cpus the CPUs (a list as {@code taskset -c} takes it) its processes of the run are pinned to, or empty for
 *     all; on one machine the server has one core and the client the other, and a run across hosts that is to be
 *     compared with it pins them so too
 * @param clock the shell command that prints the host's clock in ms since the epoch (tests offset it on purpose)
 */
public record Host(
        String role,
        String destination,
        int port,
        Path identity,
        String java,
        Path knownHosts,
        String cpus,
        String clock) {

    public static final String DEFAULT_CLOCK = "date +%s%3N";

    private static final long SSH_SECONDS = 20;

    /**
     * Runs {@code command} there; its output, or the refusal with ssh's own last line (status 255) or the
     * command's (any other status but 0).
     */
    public String run(String command) throws Preflight.Refused, IOException, InterruptedException {
        return run(command, null);
    }

    /** The same with {@code input} (a file) as the command's standard input. */
    public String run(String command, Path input)
            throws Preflight.Refused, IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ssh(command));
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process p = builder.start();
        if (input == null) {
            p.getOutputStream().close();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(SSH_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new Preflight.Refused(this, "ssh did not finish in " + SSH_SECONDS + " s");
        }
        if (p.exitValue() == 255) {
            throw new Preflight.Refused(this, "ssh cannot reach it without a prompt: " + lastLine(err));
        }
        if (p.exitValue() != 0) {
            throw new Preflight.Refused(this, "'" + command + "' failed there: " + lastLine(err));
        }
        return out;
    }

    static String lastLine(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no message)" : lines.get(lines.size() - 1).strip();
    }

    /** {@code word} as one word of the shell that ssh runs a command with, whatever it holds. */
    public static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The {@code ssh} command line that runs {@code command} there, never prompting. */
    public List<String> ssh(String command) {
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

    /** The same host, its JDK's {@code java} at {@code path}. */
    Host withJava(String path) {
        return new Host(role, destination, port, identity, path, knownHosts, cpus, clock);
    }

    /** The host part of its destination: the address its server is reached at from the load hosts. */
    public String address() {
        return destination.substring(destination.indexOf('@') + 1);
    }

    /** What starts a command of the run there: {@code taskset -c CPUS} where it is pinned, else nothing. */
    public String pin() {
        return cpus.isEmpty() ? "" : "taskset -c " + cpus + " ";
    }

    /** "load host user@10.0.0.2": how a message names it. */
    public String named() {
        return role + " host " + destination + (port == 0 ? "" : ":" + port);
    }
}
