package iolab.bench.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The lab's jars on a host: copied over ssh where the host's copy is missing or differs, then checked there by their
 * SHA-256, so that every host runs the bytes the controller built.
 */
public final class Deploy {

    private Deploy() {
    }

    /**
     * Puts {@code jar} in {@code host}'s {@code dir} (created if need be).
     *
     * @return true when it had to be copied, false when the host had it already
     */
    public static boolean jar(Host host, Path jar, String dir)
            throws Preflight.Refused, IOException, InterruptedException {
        String name = jar.getFileName().toString();
        String there = dir + "/" + name;
        String want = sha256(jar);
        if (want.equals(hashThere(host, there))) {
            return false;
        }
        // Written beside it, then renamed: a copy cut short never passes for the jar.
        host.run("mkdir -p '" + dir + "' && cat > '" + there + ".part' && mv '" + there + ".part' '" + there
                + "'", jar);
        String have = hashThere(host, there);
        if (!want.equals(have)) {
            throw new Preflight.Refused(host, "copied " + name + ", but its SHA-256 there is "
                    + (have.isEmpty() ? "unreadable" : have) + ", not " + want);
        }
        return true;
    }

    private static String hashThere(Host host, String file) throws Preflight.Refused, IOException,
            InterruptedException {
        String out = host.run("sha256sum '" + file + "' 2>/dev/null | cut -d' ' -f1").strip();
        return out.matches("[0-9a-f]{64}") ? out : "";
    }

    /**
     * Puts every entry of {@code classPath} in {@code host}'s {@code dir}: a jar as it is, a folder of classes (a build
     * run from its modules, as the tests run) packed into a jar first, with fixed times so that an unchanged folder is
     * not copied again.
     *
     * @return the class path there
     */
    public static String classPath(Host host, List<Path> classPath, String dir, Path scratch)
            throws Preflight.Refused, IOException, InterruptedException {
        // What is there already, in one round trip rather than one for each of the many jars a test's class path has.
        java.util.Map<String, String> have = new java.util.HashMap<>();
        host.run("mkdir -p '" + dir + "' && cd '" + dir + "' && sha256sum -- * 2>/dev/null || true").lines()
                .map(l -> l.split("\\s+", 2))
                .filter(f -> f.length == 2)
                .forEach(f -> have.put(f[1].replaceFirst("^\\*", ""), f[0]));
        List<String> there = new ArrayList<>();
        for (Path entry : classPath) {
            Path jar = entry;
            if (Files.isDirectory(entry)) {
                jar = scratch.resolve(entry.toAbsolutePath().normalize().toString().replaceAll("^/", "")
                        .replaceAll("[^A-Za-z0-9_.-]", "_") + ".jar");
                pack(entry, jar);
            } else if (!Files.isRegularFile(entry)) {
                continue; // an entry that is not there adds nothing here either
            }
            if (!sha256(jar).equals(have.get(jar.getFileName().toString()))) {
                jar(host, jar, dir);
            }
            there.add(dir + "/" + jar.getFileName());
        }
        return String.join(":", there);
    }

    private static void pack(Path folder, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path file : files) {
                JarEntry entry = new JarEntry(folder.relativize(file).toString().replace('\\', '/'));
                entry.setTime(0);
                out.putNextEntry(entry);
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
