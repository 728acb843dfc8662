package iolab.servers;

import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.model.NettyHttp;
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
            description = "Close a connection whose request head is not complete this long after its first byte (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Override
    public Integer call() {
        ServerSettings settings = options.settings(true);
        if (!Files.isDirectory(root)) {
            throw new ParameterException(options.spec.commandLine(), "--root: not a directory: " + root);
        }
        HttpSettings http;
        try {
            http = new HttpSettings(root, maxBody, headerTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(options.spec.commandLine(), e.getMessage());
        }
        Server server;
        try {
            server = Servers.create(settings, new HttpProtocol(http), pipeline -> NettyHttp.configure(pipeline, maxBody));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(options.spec.commandLine(), e.getMessage());
        }
        return Serve.untilSignalled(server, "http", settings, options.out(), options.err());
    }
}
