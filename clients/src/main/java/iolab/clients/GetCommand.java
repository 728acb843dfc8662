package iolab.clients;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code get URL}: one request, like the seed's {@code urlopen}; prints the body (with -i the status line and headers first). */
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
        PrintWriter out = spec.commandLine().getOut();
        byte[] response;
        String request = "GET " + target.path() + " HTTP/1.1\r\nHost: " + target.host() + "\r\nConnection: close\r\n\r\n";
        try (java.net.Socket socket = target.tls() ? tlsSocket(target) : SocketChannel.open(target.address()).socket()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            response = socket.getInputStream().readAllBytes();
        } catch (IOException e) {
            spec.commandLine().getErr().println("iolab-client get: " + url + ": " + e.getMessage()
                    + (e instanceof javax.net.ssl.SSLHandshakeException && !insecure ? " (--insecure trusts any certificate)" : ""));
            return 1;
        }
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            spec.commandLine().getErr().println("iolab-client get: not an HTTP response from " + url);
            return 1;
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
    }

    /** A TLS socket to {@code target}, its certificate checked against the URL's host unless {@code --insecure}. */
    private java.net.Socket tlsSocket(Target target) throws IOException {
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) new ClientTls(insecure, false).context().getSocketFactory()
                .createSocket(target.hostName(), ((java.net.InetSocketAddress) target.address()).getPort());
        if (!insecure) {
            javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
        }
        return socket;
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = indexOfCrlf(chunked, i);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(chunked, i, lineEnd - i, StandardCharsets.ISO_8859_1);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).strip(), 16);
            if (n == 0) {
                break;
            }
            body.write(chunked, lineEnd + 2, Math.min(n, chunked.length - lineEnd - 2));
            i = lineEnd + 2 + n + 2;
        }
        return body.toByteArray();
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
