package iolab.plot;

import iolab.runfiles.BacklogPoint;

import iolab.runfiles.UdpTrial;

import iolab.runfiles.Trial;
import iolab.runfiles.ErrorCounts;
import iolab.runfiles.ConfigurationId;
import iolab.runfiles.RoundStatistics;
import iolab.runfiles.Sustainability;
import iolab.runfiles.CapacityProbe;
import iolab.runfiles.CapacityRound;
import iolab.runfiles.IntervalLog;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A results folder as the experiment writes it, read as far as it goes: every file that is
 * missing or unreadable becomes a line in {@link #missing()}, never an exception.
 */
final class ResultsFolder {

    private final Path dir;
    private final List<String> missing = new ArrayList<>();
    private final JsonObject environment;
    private final Catalog catalog;
    private final List<Row> rows;
    private final List<BacklogPoint> backlog;
    private final List<UdpTrial> udp;
    private final List<CapacityRound> capacityRounds;
    private final List<CapacityProbe> capacityProbes;
    private final Map<String, List<Trial>> trials = new LinkedHashMap<>();

    private ResultsFolder(Path dir) {
        this.dir = dir;
        this.environment = readObject("environment.json",
                "the report has no environment table and no citation details, no Little's-law chart and no ratios (it "
                        + "names the servers, workloads and yardsticks)");
        this.catalog = Catalog.of(environment);
        this.rows = readRows();
        this.backlog = readBacklog();
        this.udp = readUdp();
        this.capacityRounds = readCapacity(CapacityRound.FILE, CapacityRound::read);
        this.capacityProbes = readCapacity(CapacityProbe.FILE, CapacityProbe::read);
    }

    /** The capacity searches' rounds (and probes), empty when the run made none. */
    List<CapacityRound> capacityRounds() {
        return capacityRounds;
    }

    List<CapacityProbe> capacityProbes() {
        return capacityProbes;
    }

    private interface Reader<T> {
        List<T> read(Path file) throws IOException;
    }

    private <T> List<T> readCapacity(String name, Reader<T> reader) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return reader.read(file);
        } catch (IOException | RuntimeException e) {
            missing.add(name + " is unreadable (" + e.getMessage() + "): the capacity table and charts are left out");
            return List.of();
        }
    }

    static ResultsFolder read(Path dir) {
        return new ResultsFolder(dir);
    }

    Path dir() {
        return dir;
    }

    /** The listen-backlog sweep, empty when the run made none. */
    List<BacklogPoint> backlog() {
        return backlog;
    }

    /** The UDP sweep's trials, empty when the run made none. */
    List<UdpTrial> udp() {
        return udp;
    }

    private List<UdpTrial> readUdp() {
        try {
            return UdpTrial.read(dir);
        } catch (IOException | RuntimeException e) {
            missing.add(UdpTrial.CSV + " is unreadable (" + e.getMessage() + "): the UDP chart is left out");
            return List.of();
        }
    }

    private List<BacklogPoint> readBacklog() {
        try {
            return BacklogPoint.read(dir);
        } catch (IOException | RuntimeException e) {
            missing.add(BacklogPoint.CSV + " is unreadable (" + e.getMessage() + "): the backlog chart is left out");
            return List.of();
        }
    }

    /** The run's servers and workloads, in its order. */
    Catalog catalog() {
        return catalog;
    }

    List<Row> rows() {
        return rows;
    }

    /** Every trial of configuration {@code id}, counted or not, from rounds.csv. */
    List<Trial> trials(String id) {
        return trials.getOrDefault(id, List.of());
    }

    /** Null when environment.json is missing. */
    JsonObject environment() {
        return environment;
    }

    /** Why the experiment judged the run's machine busy ({@code stability.busy}); empty when it did not. */
    Optional<String> busy() {
        return environment != null
                        && environment.get("stability") instanceof JsonObject stability
                        && stability.has("busy")
                ? Optional.of(stability.get("busy").getAsString())
                : Optional.empty();
    }

    /**
     * Where each configuration's merged files are: {@code configurations/}, or the run's folder itself in runs made
     * before it.
     */
    /** Where the configurations' .hlog, .hgrm and .json files are: their folder, or the run's in older runs. */
    Path perConfiguration() {
        return Files.isDirectory(dir.resolve(ConfigurationId.FOLDER)) ? dir.resolve(ConfigurationId.FOLDER) : dir;
    }

    List<String> missing() {
        return missing;
    }

    private List<Row> readRows() {
        Path roundsFile = dir.resolve(Trial.FILE);
        if (!Files.exists(roundsFile)) {
            missing.add(Trial.FILE + " is missing: no scores; the throughput and cost charts are left out");
        } else {
            try {
                for (Trial t : Trial.read(roundsFile)) {
                    if (ConfigurationId.parse(t.id()).isPresent()) {
                        trials.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(t);
                    }
                }
            } catch (IOException | RuntimeException e) {
                missing.add(Trial.FILE + " is unreadable (" + e.getMessage()
                        + "): no scores; the throughput and cost charts are left out");
            }
        }
        Map<String, String> failures = new LinkedHashMap<>();
        JsonElement failed = dir.resolve("failures.json").toFile().exists() ? read("failures.json", "") : null;
        if (failed != null && failed.isJsonArray()) {
            for (JsonElement e : failed.getAsJsonArray()) {
                failures.put(
                        e.getAsJsonObject().get("id").getAsString(),
                        e.getAsJsonObject().get("reason").getAsString());
            }
        }
        // Every configuration the run planned, measured or left a file for.
        TreeSet<ConfigurationId> ids =
                new TreeSet<>(ConfigurationId.order(catalog::workloadOrder, catalog::serverOrder));
        List<String> names = new ArrayList<>(trials.keySet());
        names.addAll(failures.keySet());
        if (environment != null && environment.has("configurations")) {
            for (JsonElement c : environment.getAsJsonArray("configurations")) {
                names.add(c.getAsJsonObject().get("id").getAsString());
            }
        }
        try (Stream<Path> files = Files.list(perConfiguration())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hlog"))
                    .map(n -> n.substring(0, n.length() - ".hlog".length())).forEach(names::add);
        } catch (IOException e) {
            missing.add("cannot list " + dir + ": " + e.getMessage());
        }
        names.stream().map(ConfigurationId::parse).flatMap(java.util.Optional::stream).forEach(ids::add);
        List<Row> result = new ArrayList<>();
        for (ConfigurationId id : ids) {
            result.add(row(id, trials(id.toString()), failures.get(id.toString())));
        }
        return result;
    }

    /** The level of the intervals the tables and charts give. */
    static final double LEVEL = 0.95;

    private Row row(ConfigurationId key, List<Trial> trials, String failure) {
        String id = key.toString();
        long rate = key.rate();
        List<Trial> counted = trials.stream().filter(t -> t.counted() && t.scored()).toList();
        Double score = null;
        RoundStatistics.Interval interval = null;
        if (!counted.isEmpty()) {
            interval = RoundStatistics.median(counted.stream().mapToDouble(Trial::score).toArray(), LEVEL);
            score = interval.median();
        } else if (failure == null) {
            failure = trials.stream()
                    .map(Trial::failure)
                    .filter(f -> !f.isEmpty())
                    .findFirst()
                    .orElse("no scored round in " + Trial.FILE);
        }
        int disturbed =
                (int) counted.stream().filter(t -> !t.disturbed().isEmpty()).count();
        Double p50 = null, p90 = null, p99 = null, p999 = null, max = null;
        Histogram latency = null;
        ErrorCounts errors = ErrorCounts.NONE;
        Boolean sustainable = null;
        JsonObject summary = null;
        if (score != null) {
            summary = readObjectQuietly(perConfiguration().resolve(id + ".json"));
            errors = ErrorCounts.of(summary);
            if (summary != null && summary.has("latencyMillis")) {
                JsonObject l = summary.getAsJsonObject("latencyMillis");
                p50 = number(l.get("p50"));
                p90 = number(l.get("p90"));
                p99 = number(l.get("p99"));
                p999 = number(l.get("p99.9"));
                max = number(l.get("max"));
            } else {
                missing.add(id + ".json: its latency percentiles are left out of the tables and latency charts");
            }
            List<Histogram> intervals = intervals(perConfiguration().resolve(id + ".hlog"));
            latency = sum(intervals);
            if (rate > 0 && latency != null) {
                sustainable = errors.total() == 0 && Sustainability.sustained(intervals, rate);
            }
        }
        return new Row(
                key,
                score,
                interval,
                disturbed,
                sustainable,
                median(counted, t -> t.cost().threads()),
                median(counted, t -> t.cost().rssMiB()),
                median(counted, t -> t.cost().cpuMicrosPerRequest()),
                p50,
                p90,
                p99,
                p999,
                max,
                latency,
                median(counted, t -> t.cost().serverCores()),
                median(counted, t -> t.cost().clientCores()),
                errors.total(),
                errors.kinds(),
                failure,
                summary == null ? Row.Account.NONE : account(summary, counted));
    }

    /**
     * Who the configuration's latency describes: from its merged summary, and its percentiles' intervals from each
     * round's.
     */
    private Row.Account account(JsonObject summary, List<Trial> counted) {
        Integer served = null, connections = null;
        Double fairness = null, censoredPct = null;
        if (summary.has("connections") && summary.get("connections").isJsonObject()) {
            JsonObject c = summary.getAsJsonObject("connections");
            served = c.has("served") ? c.get("served").getAsInt() : null;
            connections = c.has("total") ? c.get("total").getAsInt() : null;
            fairness = number(c.get("fairness"));
            censoredPct = number(c.get("censoredPct"));
        }
        java.util.Set<String> lowerBounds = new java.util.TreeSet<>();
        if (summary.has("latencyLowerBound") && summary.get("latencyLowerBound").isJsonObject()) {
            summary.getAsJsonObject("latencyLowerBound").entrySet().stream().filter(e -> e.getValue().getAsBoolean())
                    .forEach(e -> lowerBounds.add(e.getKey()));
        }
        Double sendLag = summary.has("sendLagMillis") && summary.get("sendLagMillis").isJsonObject()
                ? number(summary.getAsJsonObject("sendLagMillis").get("p99")) : null;
        Boolean clientLimited = summary.has("clientLimited") ? summary.get("clientLimited").getAsBoolean() : null;
        List<Double> p50s = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        List<Double> p999s = new ArrayList<>();
        for (Trial t : counted) {
            JsonObject round = readObjectQuietly(dir.resolve("rounds").resolve(t.files() + ".json"));
            if (round != null && round.has("latencyMillis")) {
                JsonObject l = round.getAsJsonObject("latencyMillis");
                p50s.add(number(l.get("p50")));
                p99s.add(number(l.get("p99")));
                p999s.add(number(l.get("p99.9")));
            }
        }
        return new Row.Account(
                served,
                connections,
                fairness,
                censoredPct,
                lowerBounds,
                interval(p50s),
                interval(p99s),
                interval(p999s),
                sendLag,
                clientLimited);
    }

    /** The median of per-round figures with its interval across rounds, as for throughput; null without two rounds. */
    private static RoundStatistics.Interval interval(List<Double> perRound) {
        double[] values = perRound.stream().filter(v -> v != null).mapToDouble(Double::doubleValue).toArray();
        return values.length < 2 ? null : RoundStatistics.median(values, LEVEL);
    }

    /** The median over the counted rounds of a per-round figure; null when no round has it. */
    private static Double median(List<Trial> trials, Function<Trial, Double> figure) {
        double[] values = trials.stream()
                .map(figure)
                .filter(v -> v != null && !v.isNaN())
                .mapToDouble(Double::doubleValue)
                .toArray();
        return values.length == 0 ? null : RoundStatistics.median(values);
    }

    private static Histogram sum(List<Histogram> intervals) {
        if (intervals == null || intervals.isEmpty()) {
            return null;
        }
        Histogram total = new Histogram(intervals.get(0).getNumberOfSignificantValueDigits());
        intervals.forEach(total::add);
        return total.getTotalCount() == 0 ? null : total;
    }

    /** The intervals of a .hlog, each tagged with its round; null (and a note) when there are none. */
    private List<Histogram> intervals(Path file) {
        String name = dir.relativize(file).toString();
        if (!Files.exists(file)) {
            missing.add(name + ": that configuration is left out of the percentile-distribution chart");
            return null;
        }
        try {
            List<Histogram> intervals = IntervalLog.read(file);
            if (intervals.stream().mapToLong(Histogram::getTotalCount).sum() == 0) {
                missing.add(name + ": empty; that configuration is left out of the percentile-distribution chart");
                return null;
            }
            return intervals;
        } catch (IOException | RuntimeException e) {
            missing.add(name + ": unreadable (" + e.getMessage() + "); left out of the percentile-distribution chart");
            return null;
        }
    }

    private static Double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        try {
            double d = e.getAsDouble(); // JMH writes "NaN" as a string when it has no error
            return Double.isNaN(d) ? null : d;
        } catch (RuntimeException notANumber) {
            return null;
        }
    }

    private JsonObject readObject(String name, String consequence) {
        JsonElement e = read(name, consequence);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private JsonObject readObjectQuietly(Path file) {
        try {
            return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private JsonElement read(String name, String consequence) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            missing.add(name + " is missing: " + consequence);
            return null;
        }
        try {
            return JsonParser.parseString(Files.readString(file));
        } catch (IOException | RuntimeException e) {
            missing.add(name + " is unreadable (" + e.getMessage() + "): " + consequence);
            return null;
        }
    }
}
