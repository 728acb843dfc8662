package iolab.servers;

import iolab.servers.cli.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static iolab.servers.Clients.connect;
import static iolab.servers.Clients.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line: wrong input is refused with a reason, and a real server process starts and stops cleanly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandLineTest {

    private static final Pattern READY = Pattern.compile("listening on (\\S+)$");
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void noProcessLeftBehind() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "echo --model threaded",
            "echo --model nio --selector kqueue",
            "echo --model nio --transport epoll",
            "echo --model pool --loops 2",
            "echo --model nio --threads 10",
            "echo --model netty --transport kqueue",
            "echo --model netty --accept-delay 5ms",
            "echo --model pool --threads 0",
            "echo --model pool --threads 2 --pool-size 2",
            "echo --model nio --pool-size 2",
            "echo --model netty-epoll --transport nio",
            "echo --model nio-poll --selector epoll",
            "echo --model netty-epoll-boringssl",
            "http --model netty-epoll-boringssl",
            "http --model netty-epoll-boringssl --tls --tls-provider jdk",
            "echo --model netty-kqueue",
            "echo --model nio --port 70000",
            "echo --model nio --idle-timeout 5",
            "echo --model nio --bind no-such-host.invalid",
            "echo --model nio --frobnicate",
            "echo",
            "echo --model jdk",
            "http --model nio --root /no/such/dir",
            "http --model nio --max-body -1",
            "http --model nio --header-timeout 0",
            "http --model jdk --unix /tmp/x.sock",
            "http --model pool --workers 4",
            "echo --udp --model thread-per-connection",
            "echo --udp --model jdk",
            "echo --udp --model nio --backlog 5",
            "echo --udp --model pool --idle-timeout 5s",
            "echo --udp --model nio --unix /tmp/x.sock",
            "echo --udp --model netty --loops 2",
            "http --model nio --tls --cert /no/such/cert.pem --key /no/such/key.pem",
            "http --model nio --tls --cert pom.xml --key pom.xml",
            "http --model nio --tls --cert pom.xml",
            "http --model nio --cert pom.xml --key pom.xml",
            "http --model nio --tls --unix /tmp/x.sock",
            "http --model nio --tls --tls-provider openssl",
            "http --model netty --tls --tls-provider boringssl",
            "variants --protocol udp",
            "variants --kind other",
            ""})
    void aWrongFlagOrValueGetsOneLineOfReasonUsageAndStatus2(String args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.start(
                args.isEmpty() ? new String[0] : args.split(" "),
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(2, status, err.toString());
        String[] lines = err.toString().split("\n");
        assertFalse(lines[0].isBlank(), "a reason first");
        assertFalse(lines[0].startsWith("Usage"), "a reason first, not the usage: " + lines[0]);
        assertTrue(err.toString().contains("Usage: "), "then the usage");
        assertFalse(err.toString().contains("Exception"), "no stack trace: " + err);
        assertEquals("", out.toString());
    }

    @Test
    void variantsListsEveryServerOnceForScriptsAndFiltersThem() {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                Main.start(
                        new String[] {"variants"},
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true)));
        List<String> lines = out.toString().lines().toList();
        assertEquals(
                java.util.Arrays.stream(ServerVariant.values())
                        .map(ServerVariant::label)
                        .toList(),
                lines.stream().map(line -> line.split("\t")[0]).toList(),
                "every variant, in the lab's order");
        for (String line : lines) {
            String[] fields = line.split("\t");
            ServerVariant variant = ServerVariant.named(fields[0]);
            assertEquals(String.join(" ", variant.arguments(false)), fields[3], line);
            assertEquals(
                    variant.unavailable().isPresent(),
                    fields.length == 5 && fields[4].startsWith("unavailable: "),
                    line);
        }
        StringWriter echoLab = new StringWriter();
        assertEquals(0, Main.start(new String[] {"variants", "--protocol", "echo", "--kind", "lab", "--available"},
                new PrintWriter(echoLab, true), new PrintWriter(new StringWriter(), true)));
        assertEquals(List.of("thread-per-connection", "pool", "virtual", "nio", "nio-poll").stream()
                        .filter(label -> ServerVariant.named(label).unavailable().isEmpty()).toList(),
                echoLab.toString().lines().map(line -> line.split("\t")[0]).toList());
        StringWriter http = new StringWriter();
        Main.start(
                new String[] {"variants", "--protocol", "http", "--kind", "reference"},
                new PrintWriter(http, true),
                new PrintWriter(new StringWriter(), true));
        assertTrue(
                http.toString().lines().anyMatch(line -> line.startsWith("jdk\thttp\treference\t--model jdk")),
                http.toString());
    }

    @Test
    void helpExplainsEveryOption() {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                Main.start(
                        new String[] {"echo", "--help"},
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true)));
        for (String option : List.of(
                "--model",
                "--bind",
                "--port",
                "--unix",
                "--pool-size",
                "--loops",
                "--backlog",
                "--max-connections",
                "--idle-timeout",
                "--grace",
                "--selector",
                "--transport")) {
            assertTrue(out.toString().contains(option), option);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-connection", "pool", "virtual", "nio", "netty"})
    void servesUntilSigtermThenExitsZeroAndRemovesItsSocketFile(String model, @TempDir Path dir) throws Exception {
        Path socketFile = dir.resolve("echo.sock");
        Process server = startServer("echo", "--model", model, "--unix", socketFile.toString(), "--grace", "200ms");
        String ready =
                new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher address = READY.matcher(ready);
        assertTrue(address.find(), "ready line names the address: " + ready);
        assertEquals("unix:" + socketFile, address.group(1));
        try (SocketChannel client = connect(UnixDomainSocketAddress.of(socketFile))) {
            assertArrayEquals("hello".getBytes(), roundTrip(client, "hello".getBytes()));
            server.toHandle().destroy(); // SIGTERM
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "stopped within the grace period");
        }
        assertEquals(0, server.exitValue(), stderr(server));
        assertFalse(Files.exists(socketFile), "socket file removed");
    }

    @Test
    void aPortInUseGetsAClearMessageAndStatus1() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            Process server = startServer("echo", "--model", "nio", "--port", String.valueOf(taken.getLocalPort()));
            assertTrue(server.waitFor(20, TimeUnit.SECONDS));
            String err = stderr(server);
            assertEquals(1, server.exitValue(), err);
            assertTrue(
                    err.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"),
                    err);
            assertFalse(err.contains("Exception"), err);
        }
    }

    @Test
    void theReadyLineIsTheOnlyLineOnStandardOutputAndNamesTheRealPort() throws Exception {
        Process server = startServer("echo", "--model", "virtual", "--bind", "::1", "--port", "0");
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Matcher address = READY.matcher(out.readLine());
        assertTrue(address.find());
        assertTrue(address.group(1).matches("\\[::1]:\\d+") && !address.group(1).endsWith(":0"), address.group(1));
        server.toHandle().destroy();
        assertTrue(server.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, server.exitValue());
        assertEquals(null, out.readLine(), "nothing else on standard output");
    }

    @Test
    void httpsPrintsTheCertificatesFingerprintAfterTheReadyLineAndServesThatCertificate(@TempDir Path dir)
            throws Exception {
        // Made self-signed at start:
        Process server = startServer("http", "--model", "nio", "--tls", "--port", "0");
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Matcher address = READY.matcher(out.readLine());
        assertTrue(address.find());
        String line = out.readLine();
        Matcher printed = Pattern.compile("SHA-256 fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$").matcher(line);
        assertTrue(printed.find() && line.contains("self-signed"), line);
        assertEquals(printed.group(1), presentedFingerprint(address.group(1)));
        // From PEM files:
        iolab.servers.tls.ServerIdentity identity = iolab.servers.tls.ServerIdentity.makeSelfSigned();
        Path cert = Files.writeString(dir.resolve("cert.pem"), identity.certificatePem());
        Path key = Files.writeString(
                dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                                .encodeToString(identity.key().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        Process fromFiles = startServer(
                "http", "--model", "pool", "--tls", "--cert", cert.toString(), "--key", key.toString(), "--port", "0");
        BufferedReader fromFilesOut =
                new BufferedReader(new InputStreamReader(fromFiles.getInputStream(), StandardCharsets.UTF_8));
        Matcher fromFilesAddress = READY.matcher(fromFilesOut.readLine());
        assertTrue(fromFilesAddress.find());
        String fromFilesLine = fromFilesOut.readLine();
        assertTrue(
                fromFilesLine.endsWith(identity.fingerprint()) && !fromFilesLine.contains("self-signed"),
                fromFilesLine);
        assertEquals(identity.fingerprint(), presentedFingerprint(fromFilesAddress.group(1)));
    }

    /**
     * The SHA-256 fingerprint of the certificate the server at {@code hostPort} presents, trusted blindly to be looked
     * at.
     */
    private static String presentedFingerprint(String hostPort) throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String auth) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String auth) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        int colon = hostPort.lastIndexOf(':');
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                .createSocket(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)))) {
            socket.startHandshake();
            byte[] der = socket.getSession().getPeerCertificates()[0].getEncoded();
            return java.util.HexFormat.ofDelimiter(":")
                    .withUpperCase()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(der));
        }
    }

    /** A real process on the same JDK and class path as the tests. */
    private Process startServer(String... args) throws IOException {
        List<String> command = ChildServer.javaCommand();
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        processes.add(process);
        return process;
    }

    private static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
