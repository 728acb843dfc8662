package iolab.servers.cli;

import iolab.servers.Model;
import iolab.servers.ServerSettings;
import iolab.servers.ServerVariant;
import iolab.servers.datagram.DatagramServers;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The settings every protocol's command shares: model, address and the model's knobs. */
final class ServerOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "SERVER",
            description = "thread-per-connection, pool, virtual, nio, or the references netty and (http only) jdk; "
                    + "or a server as the experiment names it (-Dservers=): nio-poll, netty-nio, netty-epoll, "
                    + "netty-iouring, netty-epoll-boringssl. Bare netty runs the yardstick's transport, epoll, where "
                    + "this machine has it.")
    String model;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "IPv4 or IPv6 address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT",
            description = "TCP or UDP port; 0 picks a free one (default: 8080 for http, " + ECHO_PORT + " for echo).")
    Integer port;

    /** Echo's own port is 7 (RFC 862), which needs root; this one is in the same spirit and apart from HTTP's. */
    static final int ECHO_PORT = 7007;

    @Option(names = "--unix", paramLabel = "PATH",
            description = "Listen on this Unix domain socket path instead of TCP.")
    Path unix;

    @Option(names = "--pool-size", paramLabel = "N",
            description = "pool: its number of platform threads (default: " + ServerSettings.DEFAULT_THREADS + ").")
    Integer poolSize;

    /** The pool size's first spelling, which scripts may still have: the client's --threads means event loops. */
    @Option(names = "--threads", paramLabel = "N", hidden = true)
    Integer threads;

    @Option(names = "--loops", paramLabel = "N",
            description = "nio, netty: number of event loops (default: one per core).")
    Integer loops;

    @Option(names = "--backlog", defaultValue = "" + ServerSettings.DEFAULT_BACKLOG, paramLabel = "N",
            description = "Listen backlog, capped by net.core.somaxconn (default: ${DEFAULT-VALUE}).")
    int backlog;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description =
                    "Open connections beyond which a new one is closed at once (default: four fifths of the process's "
                            + "open-file limit).")
    Integer maxConnections;

    @Option(
            names = "--idle-timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Close a connection that moved no byte for this long; 0 never (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--grace",
            defaultValue = "5s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "On SIGTERM or Ctrl-C, how long open connections may take to finish (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(
            names = "--accept-delay",
            defaultValue = "0",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "The four models: pause this long after each accept, so that connections wait in the listen queue "
                            + "(default: 0).")
    Duration acceptDelay;

    @Option(names = "--selector", paramLabel = "PROVIDER",
            description = "nio: epoll or poll (default: the JDK's, epoll on Linux).")
    String selector;

    @Option(names = "--transport", paramLabel = "TRANSPORT",
            description = "netty: nio, epoll or io_uring (default: epoll where this machine has it, else nio).")
    String transport;

    @Option(names = "--workers", paramLabel = "N",
            description = "nio: threads that run blocking work (HTTP /delay) off the event loops (default: "
                    + ServerSettings.DEFAULT_WORKERS + ").")
    Integer workers;

    @Option(names = "--worker-queue", paramLabel = "N",
            description = "nio: blocking work that may wait for a worker; beyond it HTTP answers 503 (default: "
                    + ServerSettings.DEFAULT_WORKER_QUEUE + ").")
    Integer workerQueue;

    /**
     * The server {@code --model} names: a variant's label (the experiment's word) or a bare model, whose variant is
     * the plain one, or for netty the yardstick's transport where this machine has it.
     */
    ServerVariant variant() {
        if (model.equals(Model.NETTY.cliName())) {
            return ServerVariant.NETTY_EPOLL.unavailable().isEmpty() || transport != null
                    ? ServerVariant.NETTY_EPOLL
                    : ServerVariant.NETTY_NIO;
        }
        try {
            return ServerVariant.named(model);
        } catch (IllegalArgumentException e) {
            throw usage("--model: unknown server '" + model + "' (known: " + ServerVariant.labels() + ", netty)");
        }
    }

    /** Checks the options together and names the first one that is wrong. */
    ServerSettings settings(boolean http) {
        ServerVariant variant = variant();
        Model chosen = variant.model();
        if (threads != null && poolSize != null) {
            throw usage("--threads is the old spelling of --pool-size: give one of them");
        }
        Integer poolSize = threads != null ? threads : this.poolSize;
        if (!http && !variant.servesEcho()) {
            throw usage("--model " + model + " serves HTTP" + (variant.httpsOnly() ? "S" : "") + " only");
        }
        requireFor(poolSize != null, threads != null ? "--threads" : "--pool-size", chosen == Model.POOL, "pool");
        requireFor(loops != null, "--loops", chosen == Model.NIO || chosen == Model.NETTY, "nio and netty");
        requireFor(selector != null, "--selector", chosen == Model.NIO, "nio");
        requireFor(workers != null, "--workers", chosen == Model.NIO, "nio");
        requireFor(workerQueue != null, "--worker-queue", chosen == Model.NIO, "nio");
        requireFor(transport != null, "--transport", chosen == Model.NETTY, "netty");
        if (selector != null && !selector.equals("epoll") && !selector.equals("poll")) {
            throw usage("--selector: expected epoll or poll, not '" + selector + "'");
        }
        if (selector != null && !model.equals(chosen.cliName())) {
            throw usage("--selector: --model " + model + " names its selector already");
        }
        ServerSettings fromVariant = variant.configure(ServerSettings.defaults(chosen, new InetSocketAddress(0)));
        ServerSettings.NettyTransport nettyTransport =
                chosen == Model.NETTY ? fromVariant.netty().transport() : ServerSettings.NettyTransport.NIO;
        if (transport != null) {
            if (!model.equals(chosen.cliName())) {
                throw usage("--transport: --model " + model + " names its transport already");
            }
            try {
                nettyTransport = ServerSettings.NettyTransport.fromName(transport);
            } catch (IllegalArgumentException e) {
                throw usage("--transport: " + e.getMessage());
            }
        } else if (model.equals(Model.NETTY.cliName())) {
            err().println("iolab-servers: --model netty runs Netty's " + nettyTransport.cliName() + " transport"
                    + (nettyTransport == ServerSettings.NettyTransport.EPOLL
                            ? " (the lab's yardstick, netty-epoll)"
                            : " (epoll is unavailable here: "
                                    + ServerVariant.NETTY_EPOLL.unavailable().orElse("") + ")"));
        }
        int chosenPort = port != null ? port : http ? 8080 : ECHO_PORT;
        if (chosenPort < 0 || chosenPort > 65535) {
            throw usage("--port: expected 0 to 65535, not " + chosenPort);
        }
        if (threads != null) {
            err().println("iolab-servers: --threads is now --pool-size (the pool's size; the client's --threads is "
                    + "its event loops); the old spelling still works");
        }
        try {
            ServerSettings.ModelSettings own = switch (ServerSettings.defaultsOf(chosen)) {
                case ServerSettings.PoolSettings d ->
                    new ServerSettings.PoolSettings(poolSize == null ? d.threads() : poolSize);
                case ServerSettings.NioSettings d ->
                    new ServerSettings.NioSettings(
                            loops == null ? d.loops() : loops,
                            selector != null ? selector : fromVariant.nio().selector(),
                            workers == null ? d.workers() : workers,
                            workerQueue == null ? d.workerQueue() : workerQueue);
                case ServerSettings.NettySettings d ->
                    new ServerSettings.NettySettings(loops == null ? d.loops() : loops, nettyTransport);
                case ServerSettings.NoSettings d -> d;
            };
            return new ServerSettings(
                    chosen,
                    endpoint(chosenPort),
                    backlog,
                    maxConnections == null ? ServerSettings.DEFAULT_MAX_CONNECTIONS : maxConnections,
                    idleTimeout,
                    grace,
                    acceptDelay,
                    own);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /**
     * The settings of a UDP server: no connections, so none of the options about them, and one
     * socket, so one loop. Each option that does not apply is named, not ignored.
     */
    ServerSettings datagramSettings() {
        Model chosen = variant().model();
        DatagramServers.unsupported(chosen).ifPresent(reason -> {
            throw usage("--udp: " + reason);
        });
        for (String tcpOnly : new String[] {
            "--unix",
            "--backlog",
            "--max-connections",
            "--idle-timeout",
            "--accept-delay",
            "--workers",
            "--worker-queue"
        }) {
            if (spec.commandLine().getParseResult().hasMatchedOption(tcpOnly)) {
                throw usage(tcpOnly + " does not apply to --udp: "
                        + (tcpOnly.equals("--unix")
                                ? "UDP here is over IPv4 or IPv6"
                                : "a UDP socket has no connections to accept, time or hand off"));
            }
        }
        if (loops != null && loops != 1) {
            throw usage("--loops: a UDP socket is one channel, served by one loop, not " + loops);
        }
        ServerSettings settings = settings(false);
        return settings.model().hasEventLoops() ? settings.withLoops(1) : settings;
    }

    private SocketAddress endpoint(int port) {
        if (unix != null) {
            return UnixDomainSocketAddress.of(unix.toAbsolutePath());
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw usage("--bind: not an address of this machine: '" + bind + "'");
        }
    }

    private void requireFor(boolean given, String option, boolean applies, String models) {
        if (given && !applies) {
            throw usage(option + " applies to " + models + " only, not to --model " + model);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, or {@code 0}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

        @Override
        public Duration convert(String value) {
            if (value.equals("0")) {
                return Duration.ZERO;
            }
            Matcher m = DURATION.matcher(value);
            if (!m.matches()) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected a duration such as 500ms, 30s or 2m, not '" + value + "'");
            }
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
        }
    }
}
