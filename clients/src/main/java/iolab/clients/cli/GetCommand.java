package iolab.clients.cli;

import iolab.clients.Target;
import iolab.clients.ClientTls;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code get URL}: one request, like the seed's {@code urlopen}; prints the body (with -i the status line and headers
 * first).
 */
@Command(name = "get", mixinStandardHelpOptions = true, description = "One GET request; prints the response body.")
final class GetCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "http://HOST:PORT/PATH or https://HOST:PORT/PATH")
    String url;

    @Option(names = {"-k", "--insecure"}, description = "https: trust any certificate (a self-signed lab server's).")
    boolean insecure;

    @Option(names = {"-i", "--include"}, description = "Print the status line and headers too.")
    boolean include;

    @Option(
            names = "--timeout",
            defaultValue = "10s",
            paramLabel = "DURATION",
            converter = Main.DurationConverter.class,
            description =
                    "Give up when the whole exchange, connect included, has taken this long (default: "
                            + "${DEFAULT-VALUE}).")
    java.time.Duration timeout;

    @Option(names = "--max-bytes", defaultValue = "67108864", paramLabel = "BYTES",
            description = "Give up on a response longer than this, head included (default: ${DEFAULT-VALUE}, 64 MiB).")
    long maxBytes;

    /** A response that is not what HTTP/1.1 says, or not within the limits: one line, the reason. */
    private static final class BadResponse extends Exception {
        BadResponse(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() throws IOException {
        Target target;
        try {
            target = Target.parse(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (target.path() == null) {
            throw new ParameterException(spec.commandLine(), "expected an http:// or https:// URL, not '" + url + "'");
        }
        if (insecure && !target.tls()) {
            throw new ParameterException(spec.commandLine(), "--insecure needs an https:// URL");
        }
        if (!timeout.isPositive() || maxBytes < 1) {
            throw new ParameterException(spec.commandLine(), "--timeout and --max-bytes must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        byte[] response;
        String request =
                "GET " + target.path() + " HTTP/1.1\r\nHost: " + target.host() + "\r\nConnection: close\r\n\r\n";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (java.net.Socket socket = target.tls() ? tlsSocket(target) : plainSocket(target)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            response = readUntilClose(socket, deadline);
        } catch (IOException | BadResponse e) {
            String reason = e instanceof java.net.SocketTimeoutException
                    ? "no response within " + timeout.toMillis() + " ms (--timeout)"
                    : e.getMessage();
            spec.commandLine()
                    .getErr()
                    .println("iolab-client get: " + url + ": " + reason
                            + (e instanceof javax.net.ssl.SSLHandshakeException && !insecure
                                    ? " (--insecure trusts any certificate)"
                                    : ""));
            return 1;
        }
        try {
            String text = new String(response, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.")
                    || end < 0
                    || end < 12
                    || !text.substring(9, 12).chars().allMatch(Character::isDigit)) {
                throw new BadResponse("not an HTTP/1.x response");
            }
            String head = text.substring(0, end);
            byte[] body = java.util.Arrays.copyOfRange(response, end + 4, response.length);
            if (head.toLowerCase(Locale.ROOT).contains("\ntransfer-encoding: chunked")) {
                body = dechunk(body);
            }
            if (include) {
                out.print(head.replace("\r\n", "\n") + "\n\n");
            }
            out.print(new String(body, StandardCharsets.UTF_8));
            out.flush();
            int status = Integer.parseInt(head.substring(9, 12));
            return status < 400 ? 0 : 1;
        } catch (BadResponse e) {
            spec.commandLine().getErr().println("iolab-client get: " + url + ": " + e.getMessage());
            return 1;
        }
    }

    private java.net.Socket plainSocket(Target target) throws IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(target.address(), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return socket;
    }

    /**
     * Everything until the server closes, within the deadline and {@code --max-bytes}: a drip or an endless body ends.
     */
    private byte[] readUntilClose(java.net.Socket socket, long deadline) throws IOException, BadResponse {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        java.io.InputStream in = socket.getInputStream();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new java.net.SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n = in.read(buffer);
            if (n < 0) {
                return all.toByteArray();
            }
            if (all.size() + (long) n > maxBytes) {
                throw new BadResponse("response over " + maxBytes + " bytes (--max-bytes)");
            }
            all.write(buffer, 0, n);
        }
    }

    /** A TLS socket to {@code target}, its certificate checked against the URL's host unless {@code --insecure}. */
    private java.net.Socket tlsSocket(Target target) throws IOException {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) new ClientTls(insecure, false)
                .context()
                .getSocketFactory()
                .createSocket(target.hostName(), ((java.net.InetSocketAddress) target.address()).getPort());
        if (!insecure) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
        }
        return socket;
    }

    private static byte[] dechunk(byte[] chunked) throws BadResponse {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = indexOfCrlf(chunked, i);
            if (lineEnd < 0) {
                throw new BadResponse("the chunked body ends inside a chunk-size line");
            }
            String line = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1);
            int semicolon = line.indexOf(';');
            String size = (semicolon < 0 ? line : line.substring(0, semicolon)).stripTrailing();
            if (size.isEmpty() || size.length() > 7 || !size.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new BadResponse("malformed chunk size '" + line.substring(0, Math.min(line.length(), 40)) + "'");
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return body.toByteArray();
            }
            if (lineEnd + 2L + n > chunked.length) {
                throw new BadResponse("the chunked body ends inside a chunk");
            }
            body.write(chunked, lineEnd + 2, n);
            i = lineEnd + 2 + n + 2;
        }
        throw new BadResponse("the chunked body has no last chunk");
    }

    private static int indexOfCrlf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
