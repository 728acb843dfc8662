package iolab.bench.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
        Preflight.run(host, "mkdir -p '" + dir + "' && cat > '" + there + ".part' && mv '" + there + ".part' '" + there
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
        String out = Preflight.run(host, "sha256sum '" + file + "' 2>/dev/null | cut -d' ' -f1").strip();
        return out.matches("[0-9a-f]{64}") ? out : "";
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
