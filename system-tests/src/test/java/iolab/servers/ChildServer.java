package iolab.servers;

import iolab.servers.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A server in a process of its own, on the tests' JDK and class path, started as the command line starts it. */
record ChildServer(Process process, SocketAddress address) {

    private static final Pattern READY = Pattern.compile("listening on (\\S+)$");

    /** {@code java ... iolab.servers.cli.Main}, to which the command line's arguments are added. */
    static List<String> javaCommand() {
        return new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    static ChildServer start(List<Process> processes, boolean emptyEnvironment, List<String> args) throws IOException {
        return start(processes, emptyEnvironment, args, 0);
    }

    /**
     * Starts the server, adds it to {@code processes} for the caller to end, and waits for its ready line.
     * {@code emptyEnvironment}: as {@code env -i} (no LANG, so the C locale); {@code openFiles} > 0: under that
     * open-file limit.
     */
    static ChildServer start(List<Process> processes, boolean emptyEnvironment, List<String> args, int openFiles)
            throws IOException {
        List<String> command = new ArrayList<>();
        if (openFiles > 0) {
            command.addAll(List.of("prlimit", "--nofile=" + openFiles, "--"));
        }
        command.addAll(javaCommand());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (emptyEnvironment) {
            builder.environment().clear();
        }
        Process process = builder.start();
        processes.add(process);
        String ready =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        Matcher matcher = READY.matcher(String.valueOf(ready));
        if (!matcher.find()) {
            throw new IOException("no ready line: " + ready + "\n"
                    + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        String where = matcher.group(1);
        int colon = where.lastIndexOf(':');
        String host = where.substring(0, colon).replace("[", "").replace("]", "");
        return new ChildServer(process, new InetSocketAddress(host, Integer.parseInt(where.substring(colon + 1))));
    }
}
