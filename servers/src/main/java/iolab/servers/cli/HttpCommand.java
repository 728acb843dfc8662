package iolab.servers.cli;

import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.Servers;
import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.reference.NettyHttp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "http",
        mixinStandardHelpOptions = true,
        description = {"HTTP/1.1: GET /plaintext, GET /json, POST /echo, GET /delay?ms=N, GET /files/...",
                "--model also takes jdk (the JDK's com.sun.net.httpserver, virtual threads)."})
final class HttpCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Option(names = "--root", defaultValue = ".", paramLabel = "DIR",
            description = "Folder served under /files/ (default: the current directory).")
    Path root;

    @Option(names = "--max-body", defaultValue = "" + HttpSettings.DEFAULT_MAX_BODY_BYTES, paramLabel = "BYTES",
            description = "Largest request body; a larger one gets 413 (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--header-timeout", defaultValue = "10s", paramLabel = "DURATION",
            converter = ServerOptions.DurationConverter.class,
            description = "Close a connection whose request head is not complete this long after its first byte, empty lines included (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--body-timeout", defaultValue = "30s", paramLabel = "DURATION",
            converter = ServerOptions.DurationConverter.class,
            description = "Close a connection whose request body is not complete this long after its head (default: ${DEFAULT-VALUE}).")
    Duration bodyTimeout;

    @Option(names = "--body-budget", paramLabel = "BYTES",
            description = "Request-body bytes the whole server holds in memory at once; a body beyond it gets 503 "
                    + "(default: 8 x --max-body, at least " + HttpSettings.DEFAULT_BODY_BUDGET_BYTES + ").")
    Long bodyBudget;

    @Override
    public Integer call() {
        ServerSettings settings = options.settings(true);
        if (!Files.isDirectory(root)) {
            throw new ParameterException(options.spec.commandLine(), "--root: not a directory: " + root);
        }
        HttpSettings http;
        try {
            http = new HttpSettings(root, maxBody, headerTimeout, bodyTimeout,
                    bodyBudget != null ? bodyBudget : HttpSettings.defaultBudget(maxBody));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(options.spec.commandLine(), e.getMessage());
        }
        Server server;
        try {
            server = Servers.create(settings, new HttpProtocol(http), pipeline -> NettyHttp.configure(pipeline, maxBody));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(options.spec.commandLine(), e.getMessage());
        }
        String fileNames = System.getProperty("sun.jnu.encoding", "");
        if (!fileNames.equalsIgnoreCase("UTF-8")) {
            options.err().println("iolab-servers: file names are in " + fileNames + " (the locale has no UTF-8): files under --root"
                    + " with non-ASCII names cannot be served; start with LC_ALL=C.UTF-8 to serve them");
        }
        return Serve.untilSignalled(server, "http", settings, options.out(), options.err());
    }
}
