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
 * Hosts simulated on this machine: each a network namespace of its own with a veth pair to this one and an sshd on
 * the namespace's address only, all made here and removed on close. Load goes nowhere else.
 */
final class NamespacedHosts implements AutoCloseable {

    static final int PORT = 2222;

    private final Path dir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final String tag = String.valueOf(ProcessHandle.current().pid() % 100_000);

    /** Why hosts cannot be simulated here, or empty: namespaces need root, ip(8), sshd and ssh. */
    static Optional<String> unavailable() {
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
    NamespacedHosts(Path dir, int count, int withSshd) throws Exception {
        this.dir = dir;
        keygen("host_key");
        keygen("user_key");
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd"));
        for (int i = 0; i < count; i++) {
            String ns = "iolab-" + tag + "-" + i;
            String outside = "il" + tag + "h" + i;
            String inside = "il" + tag + "n" + i;
            String net = "10.213." + (100 + i);
            sh("ip", "netns", "add", ns);
            namespaces.add(ns);
            sh("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
            sh("ip", "link", "set", inside, "netns", ns);
            sh("ip", "addr", "add", net + ".1/24", "dev", outside);
            sh("ip", "link", "set", outside, "up");
            sh("ip", "netns", "exec", ns, "ip", "addr", "add", net + ".2/24", "dev", inside);
            sh("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            addresses.add(net + ".2");
            if (i < withSshd) {
                Path config = dir.resolve("sshd_config_" + i);
                Files.writeString(config, String.join("\n",
                        "Port " + PORT,
                        "ListenAddress " + net + ".2",
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
                awaitPort(net + ".2");
            }
        }
    }

    String address(int i) {
        return addresses.get(i);
    }

    Path key() {
        return dir.resolve("user_key");
    }

    /** A hosts-file line for host {@code i} with this key and a known-hosts file of this run's own. */
    String line(String role, int i, String extra) {
        return role + " root@" + address(i) + " port=" + PORT + " identity=" + key() + " known_hosts="
                + dir.resolve("known_hosts") + (extra.isEmpty() ? "" : " " + extra);
    }

    /** A key that no host accepts. */
    Path strangerKey() throws Exception {
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
