package iolab.bench.hosts;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hosts simulated on this machine: each a network namespace of its own, joined to the others and to this machine by
 * veth pairs on one bridge, with an sshd on the namespace's address only, all made here and removed on close. Load goes
 * nowhere else.
 */
public final class NamespacedHosts implements AutoCloseable {

    public static final int PORT = 2222;
    /** The simulated hosts' network: this machine is .1 on it, host i is .(2 + i). */
    private static final String NET = "10.213.100";

    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final String tag = String.valueOf(ProcessHandle.current().pid() % 100_000);

    /** Why hosts cannot be simulated here, or empty: namespaces need root, ip(8), sshd and ssh. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root");
        }
        for (String tool : List.of("/usr/sbin/ip", "/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen")) {
            if (!Files.isExecutable(Path.of(tool))) {
                return Optional.of(tool + " is missing (apt-get install iproute2 openssh-server openssh-client)");
            }
        }
        return Optional.empty();
    }

    /** {@code count} hosts; the first {@code withSshd} of them run sshd. */
    public NamespacedHosts(Path dir, int count, int withSshd) throws Exception {
        this.dir = dir;
        keygen("host_key");
        keygen("user_key");
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        // One switch: a bridge in a namespace of its own, so that the hosts reach each other and this machine reaches
        // them without forwarding anything through this machine's own firewall (Docker's, say, drops forwarded
        // packets).
        String sw = "iolab-" + tag + "-sw";
        sh("ip", "netns", "add", sw);
        namespaces.add(sw);
        sh("ip", "netns", "exec", sw, "ip", "link", "add", "br0", "type", "bridge");
        sh("ip", "netns", "exec", sw, "ip", "link", "set", "br0", "up");
        plug(sw, null, "il" + tag + "c", NET + ".1");
        for (int i = 0; i < count; i++) {
            String ns = "iolab-" + tag + "-" + i;
            sh("ip", "netns", "add", ns);
            namespaces.add(ns);
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            String net = NET + "." + (2 + i);
            plug(sw, ns, "il" + tag + "h" + i, net);
            addresses.add(net);
            if (i < withSshd) {
                Path config = dir.resolve("sshd_config_" + i);
                Files.writeString(config, String.join("\n",
                        "Port " + PORT,
                        "ListenAddress " + net,
                        "HostKey " + dir.resolve("host_key"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PidFile " + dir.resolve("sshd_" + i + ".pid"),
                        "StrictModes no",
                        "UsePAM no",
                        "PasswordAuthentication no",
                        "PermitRootLogin prohibit-password",
                        ""));
                sh("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-f", config.toString(), "-E",
                        dir.resolve("sshd_" + i + ".log").toString());
                awaitPort(net);
            }
        }
    }

    /**
     * A veth pair from the switch's bridge to {@code ns} (this machine's own namespace where null), its end there
     * named {@code name} and given {@code address}.
     */
    private static void plug(String sw, String ns, String name, String address) throws Exception {
        String peer = name + "s";
        sh("ip", "link", "add", name, "type", "veth", "peer", "name", peer);
        sh("ip", "link", "set", peer, "netns", sw);
        sh("ip", "netns", "exec", sw, "ip", "link", "set", peer, "master", "br0", "up");
        List<String> in = ns == null ? List.of() : List.of("ip", "netns", "exec", ns);
        if (ns != null) {
            sh("ip", "link", "set", name, "netns", ns);
        }
        sh(concat(in, "ip", "addr", "add", address + "/24", "dev", name));
        sh(concat(in, "ip", "link", "set", name, "up"));
    }

    private static String[] concat(List<String> prefix, String... command) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    public String address(int i) {
        return addresses.get(i);
    }

    public Path key() {
        return dir.resolve("user_key");
    }

    /** A hosts-file line for host {@code i} with this key and a known-hosts file of this run's own. */
    public String line(String role, int i, String extra) {
        return role + " root@" + address(i) + " port=" + PORT + " identity=" + key() + " known_hosts="
                + dir.resolve("known_hosts") + (extra.isEmpty() ? "" : " " + extra);
    }

    /** A key that no host accepts. */
    public Path strangerKey() throws Exception {
        keygen("stranger_key");
        return dir.resolve("stranger_key");
    }

    private void keygen(String name) throws Exception {
        sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve(name).toString());
    }

    private static void awaitPort(String address) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, PORT), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("sshd did not listen on " + address + ":" + PORT, e);
                }
                Thread.sleep(50);
            }
        }
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + out);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = 0; i < namespaces.size(); i++) {
            Path pid = dir.resolve("sshd_" + i + ".pid");
            if (Files.exists(pid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroy);
            }
        }
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
