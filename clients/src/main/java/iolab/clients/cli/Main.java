package iolab.clients.cli;

import iolab.clients.Target;
import iolab.clients.ClientTls;
import iolab.clients.LoadGenerator;
import iolab.clients.LoadResult;
import iolab.clients.Report;
import iolab.clients.Workload;
import iolab.clients.LoadSettings;
import iolab.clients.http.HttpWorkload;
import iolab.clients.echo.EchoWorkload;
import iolab.clients.udp.DatagramLoad;
import iolab.clients.udp.DatagramReport;
import iolab.clients.udp.DatagramResult;
import iolab.clients.udp.DatagramSettings;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar iolab-client.jar [options] TARGET}: the lab's load generator, with flags a wrk user knows. */
@Command(name = "iolab-client",
        version = "iolab-client 0.1",
        sortOptions = false,
        description = {"Loads a server over many connections and measures latency with HdrHistogram.",
                "Closed loop by default (each connection sends when its response arrives, like wrk);",
                "with --rate, an open loop on a fixed schedule whose latency counts from each request's",
                "intended send time, so that a stalled server cannot hide its stall (like wrk2)."},
        subcommands = {GetCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(start(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line: 0 done, 1 nothing succeeded, 2 usage. */
    public static int start(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "TARGET",
            description = "HOST:PORT, [IPv6]:PORT, unix:/path, http://HOST:PORT/PATH or https://HOST:PORT/PATH")
    String target;

    @Option(names = {"-t", "--threads"}, defaultValue = "1", converter = CountConverter.class,
            description = "Event loops (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = {"-c", "--connections"}, defaultValue = "10", converter = CountConverter.class,
            description = "Connections kept open, e.g. 100 or 10k (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(
            names = {"-d", "--duration"},
            defaultValue = "10s",
            converter = DurationConverter.class,
            description =
                    "Recorded time, as wrk takes it: 10 (seconds), 10s, 2m, 1h, 500ms (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "0s", converter = DurationConverter.class,
            description = "Load applied before recording starts (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(
            names = {"-R", "--rate"},
            defaultValue = "0",
            converter = RateConverter.class,
            description =
                    "Open loop: total requests per second on a fixed schedule, e.g. 20000 or 20k; 0 for a closed loop "
                            + "(default).")
    double rate;

    @Option(
            names = "--poisson",
            description =
                    "With --rate: Poisson arrivals (exponential gaps, the same mean rate) instead of a fixed schedule.")
    boolean poisson;

    @Option(
            names = {"--reconnect", "--no-keepalive"},
            description =
                    "A new connection per request: connect, send one, read the response, close (HTTP sends Connection: "
                            + "close).")
    boolean reconnect;

    @Option(names = {"-k", "--insecure"}, description = "https: trust any certificate (a self-signed lab server's).")
    boolean insecure;

    @Option(
            names = "--tls-resume",
            description =
                    "https: a new connection resumes an earlier session (TLS 1.3 tickets); by default every handshake "
                            + "is full, as wrk's.")
    boolean tlsResume;

    @Option(
            names = "--udp",
            description =
                    "Echo over UDP, open loop only (--rate): counts datagrams echoed, lost, reordered and late; -c is "
                            + "the number of sockets.")
    boolean udp;

    @Option(names = "--timeout", defaultValue = "2s", converter = DurationConverter.class,
            description = "A request unanswered this long is a timeout error (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--connect-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "A connect not done this fast is a connect error (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--protocol", description = "echo or http (default: http for an http:// target, else echo).")
    String protocol;

    @Option(names = "--size", defaultValue = "64", description = "echo: bytes per message (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(
            names = {"-m", "--method"},
            defaultValue = "GET",
            description = "http: request method (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = {"-H", "--header"}, description = "http: a request header 'Name: value'; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--body", description = "http: request body; @FILE reads it from a file.")
    String body;

    @Option(
            names = "--pipeline",
            defaultValue = "1",
            description = "Requests in flight per connection (default: ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(
            names = {"-L", "--latency"},
            description = "Print the percentile distribution after the summary (wrk2's -L).")
    boolean latency;

    @Option(
            names = {"-U", "--u_latency"},
            description = "Open loop: also print the uncorrected distribution, each response timed from its actual "
                    + "send (wrk2's -U). The closed loop has only that one.")
    boolean uncorrectedLatency;

    // wrk2 spells version -v; picocli's standard mixin has only -V, so both are declared here.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-v", "-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(
            names = "--hlog",
            paramLabel = "FILE",
            description = "Write the per-second interval histograms (HdrHistogram log).")
    Path hlog;

    @Option(
            names = "--hgrm",
            paramLabel = "FILE",
            description = "Write the percentile distribution (HdrHistogram .hgrm, ms).")
    Path hgrm;

    @Option(names = "--json", paramLabel = "FILE", description = "Write a summary as JSON.")
    Path json;

    @Option(
            names = "--files",
            paramLabel = "BASE",
            description = "Write BASE.hlog, BASE.json, BASE.hgrm, the send-lag, service-time and censored logs "
                    + "(BASE.sendlag.hlog, ...) as a trial of the experiment leaves them, and BASE.load.json (this "
                    + "client's CPU).")
    Path files;

    @Option(
            names = "--start-at",
            paramLabel = "EPOCH_MS",
            description = "Start the load (its warm-up first) at this instant, ms since the epoch on this host's "
                    + "clock, once connected: hosts sharing one load start it together.")
    Long startAt;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (udp) {
            return datagrams();
        }
        LoadSettings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        long startAtNanos = startAt == null
                ? Long.MIN_VALUE
                : System.nanoTime() + (startAt - System.currentTimeMillis()) * 1_000_000L;
        if (files != null && hlog == null) {
            hlog = Path.of(files + ".hlog");
        }
        long cpuBefore = cpuNanos();
        long wallBefore = System.nanoTime();
        LoadResult result = LoadGenerator.run(
                settings,
                quiet ? null : line -> out.println(line),
                hlog,
                startAtNanos);
        if (files != null) {
            Path dir = files.toAbsolutePath().getParent();
            String name = files.getFileName().toString();
            Report.writeTrialFiles(result, dir, name);
            long busy = cpuNanos() - cpuBefore;
            // Over the whole run, waiting for the agreed instant included: a share of one core that understates the
            // load's, so that a client called saturated was.
            long wall = System.nanoTime() - wallBefore;
            Report.writeJson(
                    java.util.Map.of(
                            "cpuCores", (double) busy / Math.max(1, wall),
                            "availableProcessors", Runtime.getRuntime().availableProcessors()),
                    dir.resolve(name + ".load.json"));
        }
        java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream print = new java.io.PrintStream(summary, true, StandardCharsets.UTF_8)) {
            Report.summary(result, print);
            if (latency) {
                Report.percentiles(result, print);
            }
            if (uncorrectedLatency) {
                Report.uncorrectedPercentiles(result, print);
            }
        }
        out.print(summary.toString(StandardCharsets.UTF_8));
        out.flush();
        if (result.succeeded() == 0) {
            spec.commandLine()
                    .getErr()
                    .println("iolab-client: no good response"
                            + (result.badResponse() != null
                                    ? ": " + result.badResponse()
                                    : result.requests() > 0
                                            ? ": every one of the " + result.requests()
                                                    + " answered had a status of 400 or more"
                                            : ""));
        }
        if (hgrm != null) {
            Report.writePercentiles(result, hgrm);
        }
        if (json != null) {
            Report.writeJson(result, json);
        }
        return result.succeeded() == 0
                ? 1
                : 0; // the README's promise: 1 when nothing succeeded, a 503 to every request included
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private int datagrams() throws Exception {
        DatagramSettings settings = datagramSettings();
        PrintWriter out = spec.commandLine().getOut();
        DatagramResult result = DatagramLoad.run(settings, quiet ? null : out::println, hlog);
        java.io.ByteArrayOutputStream summary = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream print = new java.io.PrintStream(summary, true, StandardCharsets.UTF_8)) {
            DatagramReport.summary(result, print);
            if (latency) {
                result.latencyNanos().outputPercentileDistribution(print, 5, 1e6);
            }
        }
        out.print(summary.toString(StandardCharsets.UTF_8));
        out.flush();
        if (hgrm != null) {
            Report.writePercentiles(result.latencyNanos(), hgrm);
        }
        if (json != null) {
            DatagramReport.writeJson(result, json);
        }
        return result.echoed() == 0 ? 1 : 0;
    }

    /** The UDP load's flags; those of a TCP load are named, not ignored. */
    DatagramSettings datagramSettings() {
        if (target == null) {
            throw new ParameterException(spec.commandLine(), "name a TARGET: HOST:PORT or [IPv6]:PORT");
        }
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        for (String tcpOnly : new String[] {
            "--reconnect",
            "--pipeline",
            "--method",
            "--header",
            "--body",
            "--connect-timeout",
            "--threads",
            "--insecure",
            "--tls-resume",
            "--files",
            "--start-at"
        }) {
            if (given.hasMatchedOption(tcpOnly)) {
                throw new ParameterException(spec.commandLine(), tcpOnly + " does not apply to --udp");
            }
        }
        if (protocol != null && !protocol.equals("echo")) {
            throw new ParameterException(
                    spec.commandLine(), "--udp echoes datagrams: --protocol " + protocol + " does not apply");
        }
        try {
            return new DatagramSettings(
                    Target.parse(target), connections, size, rate, poisson, warmup, duration, timeout);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Checks the flags together and names the first one that is wrong. */
    LoadSettings settings() {
        if (target == null) {
            throw new ParameterException(
                    spec.commandLine(), "name a TARGET: HOST:PORT, [IPv6]:PORT, unix:/path or http://...");
        }
        try {
            Target parsed = Target.parse(target);
            String chosen = protocol != null ? protocol : parsed.path() != null ? "http" : "echo";
            Workload workload = switch (chosen) {
                case "echo" -> new EchoWorkload(size);
                case "http" ->
                    new HttpWorkload(
                            method,
                            parsed.path() == null ? "/" : parsed.path(),
                            parsed.host(),
                            reconnect ? HttpWorkload.closing(headers) : headers,
                            body());
                default ->
                    throw new IllegalArgumentException("--protocol: expected echo or http, not '" + chosen + "'");
            };
            if (poisson && rate <= 0) {
                throw new IllegalArgumentException("--poisson needs --rate: arrivals are of an open loop");
            }
            if (!parsed.tls() && (insecure || tlsResume)) {
                throw new IllegalArgumentException(
                        (insecure ? "--insecure" : "--tls-resume") + " needs an https:// target");
            }
            return new LoadSettings(
                    parsed,
                    workload,
                    threads,
                    connections,
                    rate,
                    pipeline,
                    warmup,
                    duration,
                    timeout,
                    connectTimeout,
                    poisson,
                    reconnect,
                    parsed.tls() ? new ClientTls(insecure, tlsResume) : null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private byte[] body() {
        if (body == null) {
            return new byte[0];
        }
        if (body.startsWith("@")) {
            try {
                return Files.readAllBytes(Path.of(body.substring(1)));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("--body: cannot read " + body.substring(1) + ": " + e.getMessage());
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * wrk's durations: a number of seconds ({@code 10}, {@code 2.5}), or with a unit: {@code 500ms}, {@code 10s},
     * {@code 2m}, {@code 1h}.
     */
    static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = DURATION.matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException(
                        "expected a duration such as 10 (seconds), 500ms, 10s, 2m or 1h, not '" + value + "'");
            }
            long perUnit = switch (m.group(2) == null ? "s" : m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            return Duration.ofNanos(new java.math.BigDecimal(m.group(1))
                    .multiply(java.math.BigDecimal.valueOf(perUnit))
                    .longValue());
        }
    }

    /** wrk's metric suffixes: {@code 10k} is 10,000, {@code 1.5M} 1,500,000, {@code 2G} 2,000,000,000. */
    static double metric(String value) {
        Matcher m = METRIC.matcher(value.trim());
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "expected a number such as 100, 10k or 1.5M, not '" + value + "'");
        }
        int power = m.group(2) == null
                ? 0
                : "kmg".indexOf(Character.toLowerCase(m.group(2).charAt(0))) + 1;
        return Double.parseDouble(m.group(1)) * Math.pow(1000, power);
    }

    private static final Pattern METRIC = Pattern.compile("(\\d+(?:\\.\\d+)?)([kKmMgG])?");

    /** A whole count with wrk's suffixes: {@code -c 10k}. */
    static final class CountConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            double n = metric(value);
            if (n != Math.rint(n) || n > Integer.MAX_VALUE) {
                throw new CommandLine.TypeConversionException(
                        "expected a whole number such as 100 or 10k, not '" + value + "'");
            }
            return (int) n;
        }
    }

    /** A rate with wrk's suffixes: {@code -R 20k}. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return metric(value);
        }
    }
}
