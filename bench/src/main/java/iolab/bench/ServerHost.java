package iolab.bench;

import iolab.bench.hosts.Host;
import iolab.bench.hosts.Preflight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server host of a run across hosts: servers started there over ssh with the lab's jars it was given, bound to
 * its address, and their {@code /proc} read there.
 *
 * @param classPath the lab's jars there
 * @param workDir this run's folder there
 */
record ServerHost(Host host, String classPath, String workDir) implements ServerMachine {

    @Override
    public ServerProcess start(List<String> arguments, String runTag, Path log) throws IOException {
        List<String> there = new ArrayList<>(arguments);
        there.set(there.indexOf("--bind") + 1, host.address());
        return ServerProcess.startOn(host, classPath, there, runTag, log);
    }

    /** The HTTP servers' file, as on one machine: made here, copied there. */
    @Override
    public Path root() throws IOException {
        Path root = Path.of(workDir, "root");
        Path here = ServerMachine.HERE.root();
        String file = Host.quote(root.resolve(Workload.FILE_NAME).toString());
        try {
            host.run("mkdir -p " + Host.quote(root.toString()) + " && [ -f " + file + " ] || cat > " + file,
                    here.resolve(Workload.FILE_NAME));
        } catch (Preflight.Refused e) {
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return root;
    }

    @Override
    public long descriptors(long pid) {
        return now(pid).map(Reading::descriptors).orElse(0L);
    }

    @Override
    public ProcStats stats(long pid) {
        return now(pid).map(Reading::server).orElse(null);
    }

    /** One reading of process {@code pid} there now; empty when it is gone or the host cannot be reached. */
    private Optional<Reading> now(long pid) {
        return readings(run(read(pid))).stream().findFirst();
    }

    /**
     * A server's {@code /proc} read there at one instant ({@code nanoTime} on the host's own clock), with the machine's
     * CPU times and the server's descriptors.
     */
    record Reading(ProcStats server, CpuTimes machine, long descriptors) {
    }

    /**
     * Starts reading process {@code pid} there at {@code fromMillis} and {@code millis} later, both on the host's own
     * clock (a measurement's start and end); {@link #readings} of its output gives the two.
     */
    Process readAt(long pid, long fromMillis, long millis) throws IOException {
        String at = "at() { d=$(( $1 - $(date +%s%3N) )); [ $d -gt 0 ] && sleep $((d / 1000)).$(printf %03d "
                + "$((d % 1000))); true; }";
        String twice =
                at + "; at " + fromMillis + "; " + read(pid) + "; at " + (fromMillis + millis) + "; " + read(pid);
        return new ProcessBuilder(host.ssh(twice)).redirectErrorStream(true).start();
    }

    /** The shell that prints one reading of process {@code pid}, ended by {@code @end}. */
    private static String read(long pid) {
        return "echo \"@ $(date +%s%N)\"; cat /proc/" + pid + "/status; echo @stat; cat /proc/" + pid
                + "/stat; echo @cpu; head -1 /proc/stat; echo @fd; ls /proc/" + pid + "/fd | wc -l; echo @end";
    }

    /** The readings in {@code text}; one that cannot be parsed (the server went away meanwhile) is left out. */
    static List<Reading> readings(String text) {
        List<Reading> readings = new ArrayList<>();
        for (String block : text.split("@end")) {
            int at = block.indexOf("@ ");
            int stat = block.indexOf("@stat");
            int cpu = block.indexOf("@cpu");
            int fd = block.indexOf("@fd");
            if (at < 0 || stat < 0 || cpu < 0 || fd < 0) {
                continue;
            }
            try {
                long nanos = Long.parseLong(block.substring(at + 2, block.indexOf('\n', at)).strip());
                readings.add(new Reading(
                        ProcStats.parse(nanos, block.substring(block.indexOf('\n', at), stat),
                                block.substring(stat + 5, cpu)),
                        CpuTimes.parse(nanos, block.substring(cpu + 4, fd)),
                        Long.parseLong(block.substring(fd + 3).strip())));
            } catch (RuntimeException e) {
                // that reading says nothing
            }
        }
        return readings;
    }

    /** The output of {@code command} there, empty when it cannot be had. */
    private String run(String command) {
        try {
            return host.run(command + " || true");
        } catch (Preflight.Refused | IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
