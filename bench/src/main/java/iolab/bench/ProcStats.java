package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code /proc} says a process costs at one instant: live threads, resident memory and
 * CPU time used so far (user + system).
 */
public record ProcStats(long nanoTime, int threads, long rssKiB, long cpuNanos) {

    static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

    /** Null when the process has gone or {@code /proc} is not there. */
    public static ProcStats of(long pid) {
        try {
            long now = System.nanoTime();
            Path proc = Path.of("/proc", String.valueOf(pid));
            return parse(now, Files.readString(proc.resolve("status")), Files.readString(proc.resolve("stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** From the text of a process's {@code /proc/PID/status} and {@code stat}, read at {@code nanoTime}. */
    static ProcStats parse(long nanoTime, String status, String stat) {
        int threads = 0;
        long rss = 0;
        for (String line : status.lines().toList()) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(value(line));
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(value(line).replace("kB", "").trim());
            }
        }
        String first = stat.strip().lines().findFirst().orElseThrow();
        // Fields after the command name, which may itself hold spaces and parentheses.
        String[] fields = first.substring(first.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return new ProcStats(nanoTime, threads, rss, ticks * NANOS_PER_TICK);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).trim();
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
            if (p.waitFor() == 0 && !out.isEmpty()) {
                return Long.parseLong(out.get(0).trim());
            }
        } catch (IOException | RuntimeException e) {
            // fall through to Linux's usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
