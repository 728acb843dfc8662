package iolab.bench;

import com.google.gson.JsonObject;
import iolab.runfiles.ErrorCounts;
import iolab.runfiles.Trial;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the experiment's trials run: on this machine, the load in this JVM through JMH ({@link TrialRunner}), or the
 * server on one host and the load on others ({@link HostTrials}). The plan of rounds, the capacity searches and the
 * merge of the rounds are the same for both; so are the files a trial leaves ({@code <dir>/<files>.*}).
 */
interface Trials extends AutoCloseable {

    /** Where the server and the load run: a line for the run's first lines. */
    String where();

    /** Which machine played which role, and what each is, for environment.json's {@code hosts}. */
    Map<String, Object> hosts();

    /** The reference the disturbance rule compares each trial with; once, before the first trial. */
    void calibrate();

    /**
     * One trial of {@code c} on its warm server, the {@code position}-th of the run, its files {@code dir/<files>.*},
     * waiting {@code drainMillis} at its end for the responses still due; failed, not thrown, when it cannot run.
     */
    Trial run(Configuration c, Path dir, String files, int round, int attempt, int position, String drainMillis);

    /** JMH's result of a trial, or null where JMH did not run it. */
    JsonObject jmhResult(String files);

    /** The address the configuration's server listened on. */
    String address(String configurationId);

    /** A trial's connect phase, in seconds: kept apart from the throughput. */
    double connectSeconds(String files);

    ErrorCounts errors(String files);

    /** How steady the machines were over {@code trials}, for environment.json. */
    Map<String, Object> stability(List<Trial> trials, List<String> notRepeated);

    /** How many times each server had to be started again after it died; empty when none did. */
    Map<String, Integer> restarts();

    /** Stops every server. */
    @Override
    void close() throws InterruptedException;
}
