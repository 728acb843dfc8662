package iolab.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.bench.hosts.Deploy;
import iolab.bench.hosts.Host;
import iolab.bench.hosts.Preflight;
import iolab.clients.LoadResult;
import iolab.clients.Report;
import iolab.clients.Target;
import iolab.runfiles.ErrorCounts;
import iolab.runfiles.HostLogs;
import iolab.runfiles.IntervalLog;
import iolab.runfiles.Trial;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trials across hosts ({@code -Dhosts=FILE}): the server on the server host, started once and kept warm as on one
 * machine, pinned to the CPUs the host names, its {@code /proc} read there at the start and the end of each
 * measurement; the load from every load host at once, each running {@code iolab-client} with its share of the
 * connections (and so of the rate), all starting at one instant agreed beforehand and set on each host's own clock by
 * its measured offset. Each load host's client is one JVM for the whole run ({@link LoadAgent}), warm across rounds as
 * the client is on one machine. Each host leaves the files a trial leaves on one machine; they come back over ssh and
 * are added up into the trial's own: the interval logs second by second ({@link HostLogs}), everything else by
 * {@link RoundFiles#add}. A load host that dies, starts late, falls behind its schedule or saturates its CPUs makes the
 * trial partial, with which host and why (in its {@code disturbed} column, so that it is measured again while the
 * budget allows, as a disturbed trial is); what the others measured is kept.
 */
final class HostTrials implements Trials {

    /** A load host whose own send lag at p99 is above this fell behind its schedule: it is the latency goal. */
    static final double MOST_SEND_LAG_MILLIS = 10;
    /** A load host that used this share of its CPUs was the limit, not the server. */
    static final double SATURATED = 0.9;
    /** Between the controller's word and the agreed instant: the word's way there, and the connections. */
    private static final Duration LEAD = Duration.ofSeconds(1);

    /**
     * The hosts, checked and given the lab's jars: what a run across hosts needs before its first trial.
     *
     * @param classPaths the class path there, by host
     * @param workDirs where a host keeps this run's files
     * @param bootIds each host's kernel boot id: hosts that share one share a kernel (namespaces of one machine)
     * @param facts what each host is (CPU, cores, kernel, NICs, somaxconn; the server host's RTT to each load host)
     */
    record Deployed(
            Preflight.Checked server,
            List<Preflight.Checked> load,
            Map<Host, String> classPaths,
            Map<Host, String> workDirs,
            Map<Host, String> bootIds,
            Map<Host, Map<String, Object>> facts) {

        /** The server host shares its kernel, and so its {@code /proc/stat}, with a load host. */
        boolean sharedKernel() {
            return load.stream().anyMatch(l -> bootIds.get(l.host()).equals(bootIds.get(server.host())));
        }
    }

    /** Checks nothing more than {@link Preflight} did; copies the jars of this JVM's class path to every host. */
    static Deployed deploy(List<Preflight.Checked> checked, String runTag)
            throws Preflight.Refused, IOException, InterruptedException {
        Path scratch = Files.createTempDirectory("iolab-deploy");
        List<Path> classPath = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of)
                .toList();
        Map<Host, String> classPaths = new LinkedHashMap<>();
        Map<Host, String> workDirs = new LinkedHashMap<>();
        Map<Host, String> bootIds = new LinkedHashMap<>();
        Map<Host, Map<String, Object>> facts = new LinkedHashMap<>();
        for (Preflight.Checked c : checked) {
            Host host = c.host();
            String home = host.run("pwd").strip();
            classPaths.put(host, Deploy.classPath(host, classPath, home + "/.iolab/jars", scratch));
            String work = home + "/.iolab/runs/" + runTag;
            host.run("mkdir -p '" + work + "'");
            workDirs.put(host, work);
            bootIds.put(host, host.run("cat /proc/sys/kernel/random/boot_id").strip());
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("role", host.role());
            about.put("destination", host.destination());
            about.put("cpus", host.cpus().isEmpty() ? "all (not pinned)" : host.cpus());
            about.put("java", host.java() + " (Java " + c.javaMajor() + ")");
            about.put("clockOffsetMillis", c.offsetMillis());
            about.put("clockUncertaintyMillis", c.uncertaintyMillis());
            for (String line : host.run(FACTS).lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    about.put(line.substring(0, eq), line.substring(eq + 1).strip());
                }
            }
            facts.put(host, about);
        }
        Preflight.Checked server = checked.stream().filter(c -> c.host().role().equals("server")).findFirst()
                .orElseThrow();
        List<Preflight.Checked> load = checked.stream().filter(c -> c.host().role().equals("load")).toList();
        Map<String, Object> rtt = new LinkedHashMap<>();
        for (Preflight.Checked l : load) {
            String micros = server.host().run(rttTo(l.host())).strip();
            rtt.put(l.host().destination(), micros.matches("\\d+")
                    ? Long.parseLong(micros) / 1000.0
                    : "not measured: no bash there, or the load host's ssh port is closed to it");
        }
        facts.get(server.host()).put("rttMillisToLoadHosts", rtt);
        return new Deployed(server, load, classPaths, workDirs, bootIds, facts);
    }

    /** What a host is, one {@code name=value} a line. */
    private static final String FACTS = "echo \"kernel=$(uname -r)\"; echo \"cores=$(nproc --all)\"; "
            + "echo \"cpuModel=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)\"; "
            + "echo \"memory=$(grep -m1 MemTotal /proc/meminfo | cut -d: -f2-)\"; "
            + "echo \"somaxconn=$(cat /proc/sys/net/core/somaxconn)\"; "
            + "for n in /sys/class/net/*; do echo \"nic.${n##*/}=$(cat $n/speed 2>/dev/null || echo unknown) Mb/s\"; "
            + "done";

    /**
     * The round trip from the server host to {@code load}: the least of five TCP connects to its ssh port (one SYN
     * and its answer), in µs, timed by bash there; ping needs a package a host may not have.
     */
    private static String rttTo(Host load) {
        // EPOCHREALTIME (bash 5) reads the clock without starting a process, which would cost more than a LAN's RTT.
        String connect = "s=${EPOCHREALTIME/./}; exec 3<>/dev/tcp/" + load.address() + "/" + (load.port() == 0 ? 22
                : load.port()) + " && e=${EPOCHREALTIME/./} && exec 3>&- && echo $(( e - s ))";
        return "for i in 1 2 3 4 5; do bash -c '" + connect + "' 2>/dev/null; done | sort -n | head -1";
    }


    private final Deployed hosts;
    private final Matrix matrix;
    private final String runTag;
    private final Path logs;
    private final PrintStream out;
    private final Consumer<String> warnings;
    private final ServerHost serverHost;
    private final WarmServers servers;
    private final Map<Host, LoadAgent> agents = new LinkedHashMap<>();
    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final Map<String, ErrorCounts> errorCounts = new LinkedHashMap<>();
    private final List<String> partial = new ArrayList<>();

    HostTrials(Deployed hosts, Matrix matrix, RunFolder folder, PrintStream out, Consumer<String> warnings) {
        this.hosts = hosts;
        this.matrix = matrix;
        this.runTag = folder.id();
        this.logs = folder.logs();
        this.out = out;
        this.warnings = warnings;
        Host server = hosts.server().host();
        this.serverHost = new ServerHost(server, hosts.classPaths().get(server), hosts.workDirs().get(server));
        this.servers = new WarmServers(runTag, logs, serverHost);
    }

    private Host serverHost() {
        return serverHost.host();
    }

    @Override
    public String where() {
        Host server = serverHost();
        return "server on " + server.destination() + (server.cpus().isEmpty() ? "" : " (CPUs " + server.cpus() + ")")
                + ", load from " + hosts.load().size() + " host(s): " + String.join(", ", hosts.load().stream()
                        .map(l -> l.host().destination() + (l.host().cpus().isEmpty() ? ""
                                : " (CPUs " + l.host().cpus() + ")"))
                        .toList());
    }

    @Override
    public Map<String, Object> hosts() {
        Map<String, Object> hostsJson = new LinkedHashMap<>();
        hostsJson.put("roles", "across hosts: 1 server host, " + hosts.load().size() + " load host(s)");
        hostsJson.put("sharedKernel", hosts.sharedKernel()
                ? "yes: the server host and a load host share one kernel (namespaces of one machine)"
                : "no");
        hostsJson.put("server", hosts.facts().get(serverHost()));
        for (int i = 0; i < hosts.load().size(); i++) {
            hostsJson.put("load" + (i + 1), hosts.facts().get(hosts.load().get(i).host()));
        }
        return hostsJson;
    }

    @Override
    public void calibrate() {
        out.println("across hosts: no calibration loop (it times this machine's cores); a trial is disturbed by "
                + "steal and other processes on the server host, and partial by what its load hosts report");
    }

    @Override
    public Trial run(
            Configuration c, Path dir, String files, int round, int attempt, int position, String drainMillis) {
        try {
            return runTrial(c, dir, files, round, attempt, position);
        } catch (Preflight.Refused | IOException | RuntimeException e) {
            return Trial.failed(c.id(), round, attempt, position, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Trial.failed(c.id(), round, attempt, position, "interrupted");
        }
    }

    private Trial runTrial(Configuration c, Path dir, String files, int round, int attempt, int position)
            throws Preflight.Refused, IOException, InterruptedException {
        ServerProcess server = servers.serverFor(c);
        addresses.put(c.id(), server.address());
        Duration warmup = Matrix.WARMUP_ITERATION.multipliedBy(Math.max(1, matrix.warmups()));
        Duration measurement = matrix.measurementOf(c, round);
        for (int i = 0; i < hosts.load().size(); i++) {
            agentOn(hosts.load().get(i).host(), i + 1);
        }
        servers.awaitQuiet();
        long agreed = System.currentTimeMillis() + LEAD.toMillis() + c.connections() / 5; // 5 connects a ms
        long measureFrom = agreed + warmup.toMillis();

        Process sampler =
                serverHost.readAt(server.pid(), measureFrom + hosts.server().offsetMillis(), measurement.toMillis());
        int n = hosts.load().size();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Preflight.Checked load = hosts.load().get(i);
            int connections = c.connections() / n + (i < c.connections() % n ? 1 : 0);
            double rate = (double) c.ratePerSecond() * connections / c.connections();
            String name = files + ".h" + (i + 1);
            names.add(name);
            List<String> args = new ArrayList<>(
                    c.clientArguments(server.address(), connections, rate, warmup, measurement));
            args.addAll(List.of(
                    "--files", hosts.workDirs().get(load.host()) + "/" + name,
                    "--start-at", String.valueOf(agreed + load.offsetMillis()),
                    "--quiet"));
            agents.get(load.host()).send(args);
        }
        long deadline = agreed + warmup.toMillis() + measurement.toMillis() + Configuration.TIMEOUT.toMillis() + 30_000;
        List<String> why = new ArrayList<>();
        Map<String, Path> hlogs = new LinkedHashMap<>();
        Map<String, Long> offsets = new LinkedHashMap<>();
        List<String> merged = new ArrayList<>();
        double clientCores = 0;
        for (int i = 0; i < n; i++) {
            Preflight.Checked load = hosts.load().get(i);
            Host host = load.host();
            String name = names.get(i);
            LoadAgent agent = agents.get(host);
            Integer status = agent.awaitDone(deadline);
            if (status == null) {
                agent.close(); // dead or stuck: the next trial starts another
                agents.remove(host);
            }
            boolean fetched = fetch(host, name, dir);
            if (status == null || (status != 0 && status != 1) || !fetched) {
                why.add(host.named() + (status == null
                                ? agent.isAlive() ? " did not finish in time" : "'s client died"
                                : " exited with status " + status)
                        + (fetched ? "" : ", leaving no files") + ": " + agent.lastLines());
                continue;
            }
            hlogs.put(host.named(), dir.resolve(name + ".hlog"));
            offsets.put(host.named(), load.offsetMillis());
            merged.add(name);
            double p99Lag = 0;
            for (Histogram lag : IntervalLog.read(dir.resolve(name + ".sendlag.hlog"))) {
                p99Lag = Math.max(p99Lag, lag.getValueAtPercentile(99) / 1e6);
            }
            if (p99Lag > MOST_SEND_LAG_MILLIS) {
                why.add(String.format(Locale.ROOT, "%s fell behind its schedule: send lag p99 %.1f ms",
                        host.named(), p99Lag));
            }
            JsonObject usage = JsonParser.parseString(Files.readString(dir.resolve(name + ".load.json")))
                    .getAsJsonObject();
            double cores = usage.get("cpuCores").getAsDouble();
            int cpus = usage.get("availableProcessors").getAsInt();
            clientCores += cores;
            if (cores >= SATURATED * cpus) {
                why.add(String.format(Locale.ROOT, "%s saturated: %.2f of its %d CPU(s)", host.named(), cores, cpus));
            }
        }
        List<ServerHost.Reading> readings = readings(sampler, logs.resolve(files + ".server-proc.txt"));
        if (merged.isEmpty()) {
            return Trial.failed(c.id(), round, attempt, position, "every load host failed: " + String.join("; ", why));
        }
        HostLogs.Merged intervals = HostLogs.merge(hlogs, measureFrom, offsets, 1000);
        if (!intervals.whole()) {
            why.add(intervals.partial());
        }
        HostLogs.write(intervals, "iolab: " + c.describe() + " from " + merged.size() + " load host(s); values in "
                + "nanoseconds", dir.resolve(files + ".hlog"));
        LoadResult result = RoundFiles.add(
                dir, merged, c.loadSettings(Target.parse(server.address()), warmup, measurement), true);
        Report.writeTrialFiles(result, dir, files);
        ErrorCounts errors = ErrorCounts.of(JsonParser.parseString(Files.readString(dir.resolve(files + ".json")))
                .getAsJsonObject());
        errorCounts.put(files, errors);
        Trial.Cost cost = cost(readings, result.requests(), clientCores);
        // Where the server host shares its kernel with the load, its other processes include the load's JVMs and
        // sshd: a figure kept, not a disturbance.
        String disturbed = TrialRunner.disturbance(
                Double.NaN, Double.NaN, hosts.sharedKernel() ? 0 : cost.otherCores(), cost.stealCores());
        if (!why.isEmpty()) {
            String partly = "partial: " + String.join("; ", why);
            partial.add(files + ": " + partly);
            disturbed = disturbed.isEmpty() ? partly : disturbed + "; " + partly;
        }
        String unsettled = servers.settle(c);
        if (unsettled != null) {
            warnings.accept(files + ": " + unsettled);
        }
        return new Trial(
                c.id(),
                round,
                attempt,
                position,
                true,
                disturbed,
                result.requestsPerSecond(),
                errors.total(),
                cost,
                Trial.Calibration.NONE,
                "");
    }

    /** The sampler's two readings, its output kept in {@code log}. */
    private static List<ServerHost.Reading> readings(Process sampler, Path log)
            throws IOException, InterruptedException {
        String text = new String(sampler.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        sampler.waitFor(10, TimeUnit.SECONDS);
        Files.writeString(log, text);
        return ServerHost.readings(text);
    }

    /**
     * The server's cost over the measurement, from its two readings; what its host's other processes and its
     * hypervisor took meanwhile (less the load's own where the load ran on the same kernel).
     */
    private Trial.Cost cost(List<ServerHost.Reading> s, long requests, double clientCores) {
        if (s.size() < 2) {
            double unknown = Double.NaN; // the server went away before its second reading
            return new Trial.Cost(unknown, unknown, unknown, unknown, clientCores, unknown, unknown, unknown);
        }
        ServerHost.Reading a = s.get(0);
        ServerHost.Reading b = s.get(1);
        double wallMicros = Math.max(1, (b.server().nanoTime() - a.server().nanoTime()) / 1e3);
        double cpuMicros = (b.server().cpuNanos() - a.server().cpuNanos()) / 1e3;
        double serverCores = cpuMicros / wallMicros;
        double busy = (b.machine().busyNanos() - a.machine().busyNanos()) / 1e3 / wallMicros;
        double other = Math.max(0, busy - serverCores - (hosts.sharedKernel() ? clientCores : 0));
        return new Trial.Cost(
                (double) b.server().threads(),
                b.server().rssKiB() / 1024.0,
                requests > 0 ? cpuMicros / requests : 0.0,
                serverCores,
                clientCores,
                other,
                (b.machine().irqNanos() - a.machine().irqNanos()) / 1e3 / wallMicros,
                (b.machine().stealNanos() - a.machine().stealNanos()) / 1e3 / wallMicros);
    }

    /** Brings {@code files}' trial files back from the load host into {@code dir}; false when there were none. */
    private boolean fetch(Host host, String files, Path dir) throws IOException, InterruptedException {
        Path tar = Files.createTempFile(logs, files, ".tar");
        try {
            Process p = new ProcessBuilder(host.ssh("cd '" + hosts.workDirs().get(host) + "' && tar cf - " + files
                            + ".* && rm -f " + files + ".*"))
                    .redirectOutput(tar.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return false;
            }
            Process untar = new ProcessBuilder("tar", "xf", tar.toString(), "-C", dir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return untar.waitFor(60, TimeUnit.SECONDS)
                    && untar.exitValue() == 0
                    && Files.exists(dir.resolve(files + ".json"));
        } finally {
            Files.deleteIfExists(tar);
        }
    }

    /** Load host {@code n}'s agent, started (again) where it is not running. */
    private LoadAgent agentOn(Host host, int n) throws IOException, InterruptedException {
        LoadAgent agent = agents.get(host);
        if (agent == null || !agent.isAlive()) {
            if (agent != null) {
                warnings.accept("the client on " + host.named() + " died and was started again");
            }
            agent = LoadAgent.start(host, hosts.classPaths().get(host), logs.resolve("load-h" + n + ".client.log"));
            agents.put(host, agent);
        }
        return agent;
    }

    @Override
    public JsonObject jmhResult(String files) {
        return null; // the load ran on other hosts, not in JMH
    }

    @Override
    public String address(String configurationId) {
        return addresses.get(configurationId);
    }

    @Override
    public double connectSeconds(String files) {
        return Double.NaN; // each load host connects before the agreed instant; its time is not the run's
    }

    @Override
    public ErrorCounts errors(String files) {
        return errorCounts.getOrDefault(files, ErrorCounts.NONE);
    }

    @Override
    public Map<String, Object> stability(List<Trial> trials, List<String> notRepeated) {
        Map<String, Object> stability = new LinkedHashMap<>();
        stability.put("rule", String.format(
                Locale.ROOT,
                "across hosts: a trial is disturbed when other processes and steal on the server host took more "
                        + "than %.2f cores together%s, and partial when a load host died, began away "
                        + "from the agreed instant, fell behind its schedule (send lag p99 above %.0f ms) or used "
                        + "%.0f%% of its CPUs; either is measured again at the end of its round, up to %d attempts "
                        + "in all, while the budget has room",
                TrialRunner.TAKEN_CORES,
                hosts.sharedKernel()
                        ? " (not judged here: the server host shares its kernel with a load host, whose JVM and sshd "
                                + "count as other processes)"
                        : "",
                MOST_SEND_LAG_MILLIS,
                100 * SATURATED,
                Experiment.ATTEMPTS));
        TrialRunner.machineAndCounts(stability, trials);
        stability.put("partial", partial);
        stability.put("disturbedNotRepeated", notRepeated);
        return stability;
    }

    @Override
    public Map<String, Integer> restarts() {
        return servers.restarts();
    }

    @Override
    public void close() throws InterruptedException {
        for (LoadAgent agent : agents.values()) {
            agent.close();
        }
        servers.close();
        for (Map.Entry<Host, String> work : hosts.workDirs().entrySet()) {
            try {
                work.getKey().run("rm -rf '" + work.getValue() + "'");
            } catch (Preflight.Refused | IOException e) {
                warnings.accept("could not remove this run's files on " + work.getKey().named() + ": "
                        + e.getMessage());
            }
        }
    }
}
