package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/** The folder an HTTP server under test serves its files from: the workloads' file, made once, deleted at exit. */
final class ServerRoot {

    private ServerRoot() {
    }

    static Path create() throws IOException {
        Path root = Files.createTempDirectory("iolab-root");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root))); // also when a trial fails
        byte[] file = new byte[Workload.FILE_BYTES];
        new Random(1).nextBytes(file);
        Files.write(root.resolve(Workload.FILE_NAME), file);
        return root;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary folder; nothing else depends on it
        }
    }
}
