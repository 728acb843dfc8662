package iolab.bench;

import iolab.runfiles.ConfigurationId;
import iolab.runfiles.IntervalLog;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import iolab.clients.ConnectionShares;
import iolab.clients.ErrorKind;
import iolab.clients.LoadResult;
import iolab.clients.LoadRun;
import iolab.clients.LoadSettings;
import iolab.clients.Report;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A configuration's files over its rounds: each counted trial left {@code rounds/<id>.<trial>.*}; this writes
 * {@code configurations/<id>.json}, {@code .hgrm}, {@code .hlog}, {@code .sendlag.hgrm} and, for an open loop,
 * {@code .service.hgrm} (uncorrected service time) for all of them together, so that the latency percentiles, error
 * counts and send lag of a configuration are those of every request it measured. Its connection shares (served,
 * starved, fairness) are the medians of its rounds': each round has a connection set of its own. The {@code .hlog}
 * keeps each interval, tagged with its trial ({@code r3}).
 */
final class RoundFiles {

    private RoundFiles() {}

    static void merge(Path rounds, Path runDir, Configuration c, List<String> trials, LoadSettings settings)
            throws IOException {
        List<String> bases = trials.stream().map(t -> c.id() + "." + t).toList();
        LoadResult result = add(rounds, bases, settings, false);
        List<Histogram> intervals = new ArrayList<>();
        for (String trial : trials) {
            for (Histogram interval : IntervalLog.read(rounds.resolve(c.id() + "." + trial + ".hlog"))) {
                interval.setTag(trial);
                intervals.add(interval);
            }
        }
        Histogram sendLag = result.sendLagNanos();
        Histogram serviceTime = result.serviceTimeNanos();
        Files.createDirectories(runDir.resolve(ConfigurationId.FOLDER));
        Report.writeJson(result, c.key().file(runDir, ".json"));
        Report.writePercentiles(result, c.key().file(runDir, ".hgrm"));
        Report.writePercentiles(sendLag, c.key().file(runDir, ".sendlag.hgrm"));
        if (settings.openLoop()) {
            Report.writePercentiles(serviceTime, c.key().file(runDir, ".service.hgrm"));
        }
        IntervalLog.write(
                intervals,
                "iolab: " + c.describe()
                        + ", every counted round's intervals, each tagged with its round; values in nanoseconds",
                c.key().file(runDir, ".hlog"));
    }

    /**
     * The trial files {@code dir/<base>.*} of {@code bases} added up into one result: counts, errors and statuses add,
     * histograms are added (never percentiles averaged). {@code atOnce}: the parts ran at the same time (the load hosts
     * of one trial), so the result lasted as long as the longest and its connections are all the parts' together;
     * otherwise one after another (the rounds of a configuration): durations add, and each round's connection shares,
     * over a connection set of its own, give their medians.
     */
    static LoadResult add(Path dir, List<String> bases, LoadSettings settings, boolean atOnce) throws IOException {
        Histogram latency = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram sendLag = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram serviceTime = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram censored = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        List<ConnectionShares> shares = new ArrayList<>();
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        Map<Integer, Long> statuses = new TreeMap<>();
        long[] responses = new long[bases.size()];
        long requests = 0;
        long bytesRead = 0;
        String badResponse = null;
        double seconds = 0;
        for (int i = 0; i < bases.size(); i++) {
            String base = bases.get(i);
            JsonObject summary =
                    JsonParser.parseString(Files.readString(dir.resolve(base + ".json"))).getAsJsonObject();
            responses[i] = summary.get("requests").getAsLong();
            requests += responses[i];
            bytesRead += summary.get("bytesRead").getAsLong();
            if (badResponse == null && summary.has("badResponse")) {
                badResponse = summary.get("badResponse").getAsString();
            }
            double duration = summary.get("durationSeconds").getAsDouble();
            seconds = atOnce ? Math.max(seconds, duration) : seconds + duration;
            for (Map.Entry<String, JsonElement> e : summary.getAsJsonObject("errors").entrySet()) {
                errors.merge(ErrorKind.labelled(e.getKey()), e.getValue().getAsLong(), Long::sum);
            }
            for (Map.Entry<String, JsonElement> e : summary.getAsJsonObject("statuses").entrySet()) {
                statuses.merge(Integer.valueOf(e.getKey()), e.getValue().getAsLong(), Long::sum);
            }
            IntervalLog.read(dir.resolve(base + ".hlog")).forEach(latency::add);
            IntervalLog.read(dir.resolve(base + ".sendlag.hlog")).forEach(sendLag::add);
            IntervalLog.read(dir.resolve(base + ".service.hlog")).forEach(serviceTime::add);
            IntervalLog.read(dir.resolve(base + ".censored.hlog")).forEach(censored::add);
            shares.add(Report.connectionShares(summary));
        }
        boolean allShares = shares.stream().allMatch(java.util.Objects::nonNull);
        return new LoadResult(
                settings,
                requests,
                seconds,
                latency,
                censored,
                atOnce ? (allShares ? ConnectionShares.together(shares, responses) : null)
                        : ConnectionShares.median(shares),
                errors,
                statuses,
                sendLag,
                serviceTime,
                bytesRead,
                badResponse,
                null);
    }
}
