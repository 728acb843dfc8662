package iolab.bench;

import iolab.servers.ServerVariant;
import iolab.clients.ClientTls;
import iolab.clients.LoadSettings;
import iolab.clients.Target;
import iolab.runfiles.ConfigurationId;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One point of the matrix, and the one place that turns it into a server command line and
 * load settings, so the experiment records exactly what the benchmark runs.
 *
 * @param ratePerSecond requests per second on a fixed schedule (open loop), or 0 for a closed loop
 */
public record Configuration(ServerVariant server, Workload workload, int connections, long ratePerSecond) {

    /** One client loop: the client is pinned to one core, as the server is. */
    public static final int CLIENT_THREADS = 1;
    /** wrk's default, and the client's: a request unanswered this long has failed any question the lab asks. */
    public static final Duration TIMEOUT = Duration.ofSeconds(2);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The server's JVM flags; a fixed heap so that memory figures compare. */
    public static final List<String> SERVER_JVM_FLAGS = List.of("-Xms256m", "-Xmx2g",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED");

    public Configuration {
        if (!workload.servedBy(server)) {
            throw new IllegalArgumentException(server.label() + " does not serve " + workload.label());
        }
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1: " + connections);
        }
        if (ratePerSecond < 0) {
            throw new IllegalArgumentException("rate must not be negative: " + ratePerSecond);
        }
    }

    public boolean openLoop() {
        return ratePerSecond > 0;
    }

    /** A name for files: {@code plaintext_nio_c100_closed}, {@code delay-10ms_virtual_c1000_r5000}. */
    public String id() {
        return key().toString();
    }

    public ConfigurationId key() {
        return new ConfigurationId(workload.label(), server.label(), connections, ratePerSecond);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s %s c=%d %s", workload.label(), server.label(), connections,
                openLoop() ? "open loop " + ratePerSecond + " req/s" : "closed loop");
    }

    /**
     * Which server process this configuration runs against, as a name for files: configurations with the same one share
     * a process ({@code nio_http}, {@code nio_http_tls}, {@code netty-epoll-boringssl_http_tls}); their command lines
     * differ only in what the load needs (room for its connections).
     */
    public String serverProcess() {
        return server.label() + "_" + workload.protocol() + (workload.tls() ? "_tls" : "");
    }

    /** The servers jar's arguments: an ephemeral port on IPv4 loopback, room for every connection. */
    public List<String> serverArguments(Path root) {
        List<String> args = new ArrayList<>();
        args.add(workload.protocol());
        args.addAll(server.arguments(workload.tls())); // with --tls, a certificate made at start: the client trusts any
        if (server.model().hasEventLoops()) {
            args.addAll(List.of("--loops", "1")); // the server is pinned to one core
        }
        args.addAll(List.of("--bind", "127.0.0.1", "--port", "0"));
        if (server != ServerVariant.JDK) {
            args.addAll(List.of("--max-connections", String.valueOf(Math.max(16_000, connections + 100))));
        }
        if (workload.protocol().equals("http") && root != null) {
            args.addAll(List.of("--root", root.toString()));
        }
        return args;
    }

    public LoadSettings loadSettings(Target target, Duration warmup, Duration measurement) {
        Target to = workload.tls() ? new Target(target.address(), target.host(), target.path(), true) : target;
        return new LoadSettings(
                to,
                workload.client(target.host()),
                CLIENT_THREADS,
                connections,
                ratePerSecond,
                workload.pipeline(),
                warmup,
                measurement,
                TIMEOUT,
                CONNECT_TIMEOUT,
                false,
                workload.reconnect(),
                workload.tls() ? new ClientTls(true, false) : null);
    }

    /**
     * The {@code iolab-client} command line of one load host's share of this configuration: {@code connections} of
     * them, at {@code rate} requests per second (0: the closed loop), with the same threads and timeouts as
     * {@link #loadSettings}.
     */
    public List<String> clientArguments(
            String address, int connections, double rate, Duration warmup, Duration measurement) {
        List<String> args = new ArrayList<>(workload.clientArguments(address));
        args.addAll(List.of(
                "--threads", String.valueOf(CLIENT_THREADS),
                "--connections", String.valueOf(connections),
                "--warmup", warmup.toMillis() + "ms",
                "--duration", measurement.toMillis() + "ms",
                "--timeout", TIMEOUT.toMillis() + "ms",
                "--connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms"));
        if (rate > 0) {
            args.addAll(List.of("--rate", String.format(java.util.Locale.ROOT, "%.3f", rate)));
        }
        return args;
    }

    /** Every setting, for environment.json. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("id", id());
        settings.put("server", server.label());
        settings.put("workload", workload.label());
        settings.put("connections", connections);
        settings.put("loop", openLoop() ? "open" : "closed");
        settings.put("ratePerSecond", ratePerSecond);
        settings.put("serverJvmFlags", SERVER_JVM_FLAGS);
        settings.put("serverArguments", serverArguments(Path.of("ROOT")));
        settings.put("clientThreads", CLIENT_THREADS);
        settings.put("clientPipeline", workload.pipeline());
        settings.put("clientTimeout", TIMEOUT.toString());
        settings.put("clientConnectTimeout", CONNECT_TIMEOUT.toString());
        return settings;
    }
}
