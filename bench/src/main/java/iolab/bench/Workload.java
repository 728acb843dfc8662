package iolab.bench;

import iolab.clients.echo.EchoWorkload;
import iolab.servers.ServerVariant;
import iolab.clients.http.HttpWorkload;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** What each connection asks for, again and again. */
public enum Workload {
    ECHO_64("echo-64", "echo", null, 0, 64, false, false),
    ECHO_16K("echo-16k", "echo", null, 0, 16 * 1024, false, false),
    PLAINTEXT("plaintext", "http", "/plaintext", 0, 0, false, false),
    /**
     * {@code /plaintext} with 16 requests in flight per connection, sent in one write, the next 16 once all are
     * answered: TechEmpower's plaintext test, and wrk's pipelining.
     */
    PLAINTEXT_PIPELINED("plaintext-pipelined", "http", "/plaintext", 0, 0, false, false, 16),
    DELAY_10MS("delay-10ms", "http", "/delay?ms=10", 10, 0, false, false),
    FILE_1M("file-1m", "http", "/files/" + Workload.FILE_NAME, 0, 0, false, false),
    /**
     * A new connection per request: {@code Connection: close}; the cost of accepting, and of a thread per connection.
     */
    PLAINTEXT_CLOSE("plaintext-close", "http", "/plaintext", 0, 0, true, false),
    /** A new connection per 64-byte message. */
    ECHO_64_CLOSE("echo-64-close", "echo", null, 0, 64, true, false),
    /**
     * {@code /plaintext} over HTTPS on kept-alive connections: the cipher's cost per response, the handshake paid once.
     */
    PLAINTEXT_TLS("plaintext-tls", "http", "/plaintext", 0, 0, false, true),
    /** {@code /plaintext} over HTTPS, a new connection and a full handshake (no resumption) per request. */
    PLAINTEXT_TLS_CLOSE("plaintext-tls-close", "http", "/plaintext", 0, 0, true, true);

    /** The file {@link #FILE_1M} fetches, {@link #FILE_BYTES} long, written into the server's root. */
    public static final String FILE_NAME = "1m.bin";
    public static final int FILE_BYTES = 1 << 20;

    private final String label;
    private final String protocol;
    private final String path;
    private final int delayMillis;
    private final int messageBytes;
    private final boolean reconnect;
    private final boolean tls;
    private final int pipeline;

    Workload(
            String label,
            String protocol,
            String path,
            int delayMillis,
            int messageBytes,
            boolean reconnect,
            boolean tls) {
        this(label, protocol, path, delayMillis, messageBytes, reconnect, tls, 1);
    }

    Workload(String label, String protocol, String path, int delayMillis, int messageBytes, boolean reconnect,
            boolean tls, int pipeline) {
        this.tls = tls;
        this.pipeline = pipeline;
        this.label = label;
        this.protocol = protocol;
        this.path = path;
        this.delayMillis = delayMillis;
        this.messageBytes = messageBytes;
        this.reconnect = reconnect;
    }

    /** Requests in flight per connection, sent together: 1 unless pipelined. */
    public int pipeline() {
        return pipeline;
    }

    /** A new connection per request: connect, one request, the response, close. */
    public boolean reconnect() {
        return reconnect;
    }

    /**
     * HTTPS: the server runs with {@code --tls} (a self-signed certificate), the client trusts it and resumes no
     * session.
     */
    public boolean tls() {
        return tls;
    }

    public String label() {
        return label;
    }

    /** The servers jar's subcommand: {@code echo} or {@code http}. */
    public String protocol() {
        return protocol;
    }

    /** What each request asks for: an HTTP path, or the size of an echo message. */
    public String request() {
        String what = (tls ? "https " : "") + (path != null ? path : messageBytes + "-byte messages echoed")
                + (pipeline > 1 ? ", " + pipeline + " pipelined in one write" : "");
        return reconnect
                ? what
                        + (tls
                                ? ", a new connection and a full TLS handshake per request"
                                : ", a new connection per request")
                : what;
    }

    /** Server-side wait per request (the /delay stand-in for a database call), 0 for none. */
    /**
     * The target and flags of {@code iolab-client} that make this workload's requests to {@code address}
     * (HOST:PORT), as {@link #client} makes them in this JVM: what a load host runs.
     */
    public java.util.List<String> clientArguments(String address) {
        java.util.List<String> args = new java.util.ArrayList<>();
        if (protocol.equals("echo")) {
            args.addAll(java.util.List.of(address, "--protocol", "echo", "--size", String.valueOf(messageBytes)));
        } else {
            args.add((tls ? "https://" : "http://") + address + path);
        }
        if (tls) {
            args.add("--insecure"); // the lab's servers make a self-signed certificate at start
        }
        if (reconnect) {
            args.add("--reconnect");
        }
        if (pipeline > 1) {
            args.addAll(java.util.List.of("--pipeline", String.valueOf(pipeline)));
        }
        return args;
    }

    public int delayMillis() {
        return delayMillis;
    }

    /**
     * The capacity search's default p99 goal: 10 ms, and 50 ms where each request waits {@link #delayMillis()} on the
     * server.
     */
    public double sloMillis() {
        return delayMillis > 0 ? 50 : 10;
    }

    public boolean needsFile() {
        return this == FILE_1M;
    }

    /**
     * Whether {@code server} answers this workload: the JDK's server has no echo, the references no files, a variant of
     * TLS only HTTPS.
     */
    public boolean servedBy(ServerVariant server) {
        if (server.httpsOnly() && !tls) {
            return false;
        }
        return protocol.equals("echo") ? server.servesEcho() : !needsFile() || server.model().servesFiles();
    }

    public iolab.clients.Workload client(String host) {
        return protocol.equals("echo")
                ? new EchoWorkload(messageBytes)
                : new HttpWorkload(
                        "GET", path, host, reconnect ? HttpWorkload.closing(List.of()) : List.of(), new byte[0]);
    }

    public static Workload named(String label) {
        return Arrays.stream(values())
                .filter(w -> w.label.equals(label))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown workload '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels() {
        return Arrays.stream(values()).map(Workload::label).collect(Collectors.joining(", "));
    }
}
