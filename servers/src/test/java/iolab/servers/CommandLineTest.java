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
            ""})
    void aWrongFlagOrValueGetsOneLineOfReasonUsageAndStatus2(String args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.start(args.isEmpty() ? new String[0] : args.split(" "), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(2, status, err.toString());
        String[] lines = err.toString().split("\n");
        assertFalse(lines[0].isBlank(), "a reason first");
        assertFalse(lines[0].startsWith("Usage"), "a reason first, not the usage: " + lines[0]);
        assertTrue(err.toString().contains("Usage: "), "then the usage");
        assertFalse(err.toString().contains("Exception"), "no stack trace: " + err);
        assertEquals("", out.toString());
    }

    @Test
    void helpExplainsEveryOption() {
        StringWriter out = new StringWriter();
        assertEquals(0, Main.start(new String[] {"echo", "--help"}, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true)));
        for (String option : List.of("--model", "--bind", "--port", "--unix", "--threads", "--loops", "--backlog",
                "--max-connections", "--idle-timeout", "--grace", "--selector", "--transport")) {
            assertTrue(out.toString().contains(option), option);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"thread-per-connection", "pool", "virtual", "nio", "netty"})
    void servesUntilSigtermThenExitsZeroAndRemovesItsSocketFile(String model, @TempDir Path dir) throws Exception {
        Path socketFile = dir.resolve("echo.sock");
        Process server = startServer("echo", "--model", model, "--unix", socketFile.toString(), "--grace", "200ms");
        String ready = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)).readLine();
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
            assertTrue(err.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"), err);
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
