package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the servers under test run and how their {@code /proc} is read there: this machine ({@link #HERE}), or a server
 * host over ssh ({@link ServerHost}). {@link WarmServers} keeps the servers of a run warm on either.
 */
interface ServerMachine {

    /** Starts a server with the lab's server arguments (its {@code --bind} this machine's own address). */
    ServerProcess start(List<String> arguments, String runTag, Path log) throws IOException;

    /** The folder HTTP servers serve the workloads' file from, made there once. */
    Path root() throws IOException;

    /** The descriptors process {@code pid} holds there; 0 when it is gone. */
    long descriptors(long pid);

    /** What {@code /proc} says process {@code pid} costs there now; null when it is gone. */
    ProcStats stats(long pid);

    ServerMachine HERE = new ServerMachine() {
        private Path root;

        @Override
        public ServerProcess start(List<String> arguments, String runTag, Path log) throws IOException {
            return ServerProcess.start(arguments, runTag, log);
        }

        @Override
        public Path root() throws IOException {
            if (root == null) {
                root = ServerRoot.create();
            }
            return root;
        }

        @Override
        public long descriptors(long pid) {
            try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
                return fds.count();
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        @Override
        public ProcStats stats(long pid) {
            return ProcStats.of(pid);
        }
    };
}
