package iolab.plot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code java -jar plot/target/iolab-plot.jar RESULTS_DIR}: draws that folder's charts and report. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -jar iolab-plot.jar RESULTS_DIR   (for example results/latest)");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            System.err.println("iolab plot: not a results folder: " + dir);
            System.exit(2);
        }
        try {
            Plot.render(dir, System.out);
        } catch (IOException | RuntimeException e) {
            System.err.println("iolab plot: " + e);
            System.exit(1);
        }
    }
}
