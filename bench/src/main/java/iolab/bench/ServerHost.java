package iolab.bench;

import iolab.bench.hosts.Host;
import iolab.bench.hosts.Preflight;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        try {
            host.run("mkdir -p '" + root + "' && [ -f '" + root.resolve(Workload.FILE_NAME) + "' ] || cat > '"
                    + root.resolve(Workload.FILE_NAME) + "'", here.resolve(Workload.FILE_NAME));
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
        String count = run("ls /proc/" + pid + "/fd 2>/dev/null | wc -l").strip();
        return count.matches("\\d+") ? Long.parseLong(count) : 0;
    }

    @Override
    public ProcStats stats(long pid) {
        String text = run("date +%s%N; cat /proc/" + pid + "/status; echo @stat; cat /proc/" + pid + "/stat");
        int stat = text.indexOf("@stat");
        try {
            int firstLine = text.indexOf('\n');
            return ProcStats.parse(Long.parseLong(text.substring(0, firstLine).strip()),
                    text.substring(firstLine, stat), text.substring(stat + 5));
        } catch (RuntimeException e) {
            return null; // gone
        }
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
