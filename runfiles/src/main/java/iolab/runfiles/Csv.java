package iolab.runfiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The one way a run's CSV files are written and read: a header line, then a row per line (blank lines ignored). */
final class Csv {

    private Csv() {
    }

    static void write(Path file, String header, List<String> rows) throws IOException {
        List<String> lines = new ArrayList<>(rows.size() + 1);
        lines.add(header);
        lines.addAll(rows);
        Files.write(file, lines);
    }

    /** The rows of {@code file}, which must begin with {@code header}. */
    static List<String> rows(Path file, String header) throws IOException {
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            throw new IOException(file.getFileName() + " does not start with the expected header");
        }
        return lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
    }

    /** The rows of {@code file} after its header, whatever the header says; none when the run made no such file. */
    static List<String[]> fieldsIfPresent(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
    }
}
