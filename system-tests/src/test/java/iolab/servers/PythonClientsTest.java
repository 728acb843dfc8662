package iolab.servers;

import iolab.servers.http.HttpSettings;
import iolab.servers.tls.ServerIdentity;
import iolab.servers.tls.Tls;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed's Python clients, http.client and urllib.request, against every lab model. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PythonClientsTest {

    @TempDir
    static Path work;

    static Stream<HttpCase> labModels() {
        return HttpCase.labModels().stream();
    }

    @BeforeAll
    static void python3IsThere() {
        boolean found;
        try {
            found = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            found = false;
        }
        Assumptions.assumeTrue(found, "python3 is not on the PATH: skipping the Python client checks");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labModels")
    void pythonHttpClientAndUrllibGetCorrectAnswers(HttpCase c) throws Exception {
        Path root = Files.createDirectories(work.resolve(c.name()));
        Files.writeString(root.resolve("hello.txt"), "hello, file\n");
        Path script = work.resolve("python_clients.py");
        try (InputStream in = getClass().getResourceAsStream("/python_clients.py")) {
            Files.write(script, in.readAllBytes());
        }
        try (Server server = c.start(HttpSettings.defaults(root))) {
            int port = ((InetSocketAddress) server.address()).getPort();
            Process python = new ProcessBuilder("python3", script.toString(), String.valueOf(port))
                    .redirectErrorStream(true).start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(python.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, python.exitValue(), output);
            assertTrue(output.contains("all checks passed"), output);
        }
    }

    static Stream<HttpCase> everyServer() {
        return HttpCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyServer")
    void pythonHttpsClientsTrustThePrintedCertificateAndGetAnswers(HttpCase c) throws Exception {
        Path script = work.resolve("python_https.py");
        try (InputStream in = getClass().getResourceAsStream("/python_https.py")) {
            Files.write(script, in.readAllBytes());
        }
        ServerIdentity identity = ServerIdentity.makeSelfSigned();
        ServerSettings settings = c.settings().withTls(new Tls(identity, Tls.Provider.JDK, Duration.ofSeconds(10)));
        try (Server server = c.start(settings, HttpSettings.defaults(work))) {
            int port = ((InetSocketAddress) server.address()).getPort();
            Process python = new ProcessBuilder(
                            "python3", script.toString(), String.valueOf(port), identity.fingerprint())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(python.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, python.exitValue(), output);
            assertTrue(output.strip().endsWith("ok"), output);
        }
    }
}
