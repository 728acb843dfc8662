package iolab.servers.cli;

import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.Servers;
import iolab.servers.http.HttpProtocol;
import iolab.servers.http.HttpSettings;
import iolab.servers.reference.NettyHttp;
import iolab.servers.tls.ServerIdentity;
import iolab.servers.tls.Tls;
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

    @Option(
            names = "--header-timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = ServerOptions.DurationConverter.class,
            description =
                    "Close a connection whose request head is not complete this long after its first byte, empty lines "
                            + "included (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(
            names = "--body-timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            converter = ServerOptions.DurationConverter.class,
            description =
                    "Close a connection whose request body is not complete this long after its head (default: "
                            + "${DEFAULT-VALUE}).")
    Duration bodyTimeout;

    @Option(names = "--body-budget", paramLabel = "BYTES",
            description = "Request-body bytes the whole server holds in memory at once; a body beyond it gets 503 "
                    + "(default: 8 x --max-body, at least " + HttpSettings.DEFAULT_BODY_BUDGET_BYTES + ").")
    Long bodyBudget;

    @Option(
            names = "--tls",
            description =
                    "HTTPS: with --cert and --key, that certificate; without them, a self-signed one made at start, "
                            + "whose SHA-256 fingerprint is printed on the line after the ready line.")
    boolean tls;

    @Option(names = "--cert", paramLabel = "PEM", description = "--tls: the certificate chain, the server's first.")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "PEM",
            description = "--tls: the private key (PKCS#8, or as OpenSSL writes it; unencrypted).")
    Path key;

    @Option(names = "--tls-provider", paramLabel = "PROVIDER",
            description = "--tls on netty: jdk (the JDK's TLS) or openssl (BoringSSL, netty-tcnative) (default: jdk).")
    String tlsProvider;

    @Override
    public Integer call() {
        ServerSettings settings = options.settings(true);
        Tls.Provider variantTls = options.variant().tlsProvider();
        if (variantTls != null && !tls) {
            throw new ParameterException(
                    options.spec.commandLine(), "--model " + options.model + " serves HTTPS only: add --tls");
        }
        if (variantTls != null && tlsProvider != null) {
            throw new ParameterException(
                    options.spec.commandLine(),
                    "--tls-provider: --model " + options.model + " names its TLS provider already");
        }
        if (tls) {
            Tls chosen = tls(variantTls);
            try {
                settings = settings.withTls(chosen);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(options.spec.commandLine(), e.getMessage());
            }
        } else if (cert != null || key != null || tlsProvider != null) {
            throw new ParameterException(
                    options.spec.commandLine(),
                    (cert != null ? "--cert" : key != null ? "--key" : "--tls-provider") + " needs --tls");
        }
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
            server = Servers.create(
                    settings, new HttpProtocol(http), pipeline -> NettyHttp.configure(pipeline, maxBody));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(options.spec.commandLine(), e.getMessage());
        }
        String fileNames = System.getProperty("sun.jnu.encoding", "");
        if (!fileNames.equalsIgnoreCase("UTF-8")) {
            options.err()
                    .println("iolab-servers: file names are in " + fileNames
                            + " (the locale has no UTF-8): files under --root"
                            + " with non-ASCII names cannot be served; start with LC_ALL=C.UTF-8 to serve them");
        }
        String afterReady = settings.tls() == null
                ? null
                : "iolab-servers: TLS certificate"
                        + (settings.tls().identity().selfSigned()
                                ? " (self-signed, for localhost, 127.0.0.1 and ::1)"
                                : "")
                        + " SHA-256 fingerprint " + settings.tls().identity().fingerprint();
        return Serve.untilSignalled(
                server, settings.tls() == null ? "http" : "https", settings, options.out(), options.err(), afterReady);
    }

    /**
     * The server's TLS from the flags; a file that cannot be used is named, with why.
     *
     * @param variantTls the provider {@code --model} names, or null: then {@code --tls-provider}'s, else the JDK's
     */
    private Tls tls(Tls.Provider variantTls) {
        if ((cert == null) != (key == null)) {
            throw new ParameterException(
                    options.spec.commandLine(), cert == null ? "--key needs --cert" : "--cert needs --key");
        }
        try {
            Tls.Provider provider = variantTls != null
                    ? variantTls
                    : tlsProvider == null ? Tls.Provider.JDK : Tls.Provider.fromName(tlsProvider);
            ServerIdentity identity = cert == null ? ServerIdentity.makeSelfSigned() : ServerIdentity.load(cert, key);
            return new Tls(identity, provider, headerTimeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    options.spec.commandLine(),
                    (e.getMessage().startsWith("--") ? "" : "--tls-provider: ") + e.getMessage());
        }
    }
}
