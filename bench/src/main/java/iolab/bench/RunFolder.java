package iolab.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One run's folder, {@code results/<run id>/}: its {@code logs/} and {@code rounds/}, the JSON files
 * written at its top, the {@code results/latest} link that points at it once it is complete, and
 * the server processes tagged with its id, none of which may outlive it.
 */
record RunFolder(Path results, Path dir) {

    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);
    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .serializeSpecialFloatingPointValues()
            .create();

    /** A new folder under {@code results}, named by the time in UTC ({@code -2}, {@code -3}, ... if that is taken). */
    static RunFolder create(Path results) throws IOException {
        String id = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID);
        Path dir = results.resolve(id);
        for (int n = 2; Files.exists(dir); n++) {
            dir = results.resolve(id + "-" + n);
        }
        RunFolder folder = new RunFolder(results, dir);
        Files.createDirectories(folder.logs());
        Files.createDirectories(folder.rounds());
        return folder;
    }

    /** The run's id: its folder's name, which also tags its server processes. */
    String id() {
        return dir.getFileName().toString();
    }

    Path logs() {
        return dir.resolve("logs");
    }

    /** Each trial's own files, before they are merged per configuration. */
    Path rounds() {
        return dir.resolve("rounds");
    }

    void writeJson(String name, Object value) throws IOException {
        Files.writeString(dir.resolve(name), GSON.toJson(value), StandardCharsets.UTF_8);
    }

    /**
     * Points {@code results/latest} at this run, replacing the link in one step, so that it never names a missing
     * folder.
     */
    void pointLatest() throws IOException {
        Path link = results.resolve("latest");
        Path temporary = results.resolve(".latest-" + ProcessHandle.current().pid());
        Files.deleteIfExists(temporary);
        Files.createSymbolicLink(temporary, dir.getFileName());
        Files.move(temporary, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Kills any server of this run still alive; says which (null when none), since a benchmark must leave none. */
    String killLeftovers() {
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(cmd -> cmd.contains("-D" + ServerProcess.RUN_PROPERTY + "=" + id() + " "))
                        .orElse(false))
                .toList();
        if (left.isEmpty()) {
            return null;
        }
        left.forEach(ProcessHandle::destroyForcibly);
        return "server process left behind (pid "
                + left.stream().map(p -> String.valueOf(p.pid())).toList() + "), killed";
    }
}
