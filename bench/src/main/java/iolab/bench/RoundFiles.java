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
        Histogram latency = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram sendLag = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram serviceTime = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram censored = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        List<ConnectionShares> shares = new ArrayList<>();
        Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
        Map<Integer, Long> statuses = new TreeMap<>();
        List<Histogram> intervals = new ArrayList<>();
        long requests = 0;
        long bytesRead = 0;
        String badResponse = null;
        double seconds = 0;
        for (String trial : trials) {
            String base = c.id() + "." + trial;
            JsonObject summary = JsonParser.parseString(Files.readString(rounds.resolve(base + ".json")))
                    .getAsJsonObject();
            requests += summary.get("requests").getAsLong();
            bytesRead += summary.get("bytesRead").getAsLong();
            if (badResponse == null && summary.has("badResponse")) {
                badResponse = summary.get("badResponse").getAsString();
            }
            seconds += summary.get("durationSeconds").getAsDouble();
            for (Map.Entry<String, JsonElement> e : summary.getAsJsonObject("errors").entrySet()) {
                errors.merge(ErrorKind.labelled(e.getKey()), e.getValue().getAsLong(), Long::sum);
            }
            for (Map.Entry<String, JsonElement> e : summary.getAsJsonObject("statuses").entrySet()) {
                statuses.merge(Integer.valueOf(e.getKey()), e.getValue().getAsLong(), Long::sum);
            }
            for (Histogram interval : IntervalLog.read(rounds.resolve(base + ".hlog"))) {
                interval.setTag(trial);
                intervals.add(interval);
                latency.add(interval);
            }
            IntervalLog.read(rounds.resolve(base + ".sendlag.hlog")).forEach(sendLag::add);
            IntervalLog.read(rounds.resolve(base + ".service.hlog")).forEach(serviceTime::add);
            IntervalLog.read(rounds.resolve(base + ".censored.hlog")).forEach(censored::add);
            shares.add(Report.connectionShares(summary));
        }
        LoadResult result = new LoadResult(
                settings,
                requests,
                seconds,
                latency,
                censored,
                ConnectionShares.median(shares),
                errors,
                statuses,
                sendLag,
                serviceTime,
                bytesRead,
                badResponse,
                null);
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
}
