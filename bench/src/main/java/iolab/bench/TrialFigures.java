package iolab.bench;

import iolab.clients.ErrorKind;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.Map;

/**
 * What a trial measured beside its throughput, handed to JMH as secondary results: each public
 * field is one, under its own name, in JMH's output, in {@code jmh.json} and in the
 * {@code RunResult} the experiment reads. {@link ServerBenchmark} fills them; nothing else
 * crosses from the benchmark to the experiment.
 *
 * <p>JMH zeroes the fields as each iteration starts and sums them over the measurement
 * iterations. The per-iteration figures are therefore stored divided by the number of those
 * iterations, so that the sum JMH reports is their mean; the figures of the whole trial are set
 * in its last iteration only, so that the sum is the figure.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class TrialFigures {

    // Per measurement iteration, from /proc (CostSampler.Cost): the server's threads and memory at the iteration's end,
    // its CPU time per response, both sides' CPU use in cores, and what else used the machine.
    public double serverThreads;
    public double serverRssMiB;
    public double serverCpuMicrosPerRequest;
    public double serverCpuCores;
    public double clientCpuCores;
    public double otherCpuCores;
    public double irqCpuCores;
    public double stealCpuCores;

    // Of the whole trial. Opening the connections is not throughput: it happens before the warm-up, and is kept apart
    // here.
    public double connectSeconds;
    public long connectErrors;
    public long readErrors;
    public long writeErrors;
    public long timeoutErrors;
    public long badResponseErrors;
    public long unansweredErrors;
    public long unsentErrors;

    /**
     * The secondary result that counts errors of {@code kind}: {@code badResponseErrors} for
     * {@link ErrorKind#BAD_RESPONSE}.
     */
    static String errorsOf(ErrorKind kind) {
        String[] words = kind.label().split(" ");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.append("Errors").toString();
    }

    /**
     * An iteration's cost, as its share of the mean over {@code iterations}; NaN when the sampler had none (the server
     * gone).
     */
    void iteration(CostSampler.Cost cost, int iterations) {
        if (cost == null) {
            serverThreads = serverRssMiB = serverCpuMicrosPerRequest = serverCpuCores = Double.NaN;
            clientCpuCores = otherCpuCores = irqCpuCores = stealCpuCores = Double.NaN;
            return;
        }
        serverThreads = cost.threads() / (double) iterations;
        serverRssMiB = cost.rssMiB() / iterations;
        serverCpuMicrosPerRequest = cost.cpuMicrosPerRequest() / iterations;
        serverCpuCores = cost.serverCores() / iterations;
        clientCpuCores = cost.clientCores() / iterations;
        otherCpuCores = cost.otherCores() / iterations;
        irqCpuCores = cost.irqCores() / iterations;
        stealCpuCores = cost.stealCores() / iterations;
    }

    /** The figures of the whole trial: zero until its last iteration. */
    void trial(double connectSeconds, Map<ErrorKind, Long> errors) {
        this.connectSeconds = connectSeconds;
        connectErrors = errors.getOrDefault(ErrorKind.CONNECT, 0L);
        readErrors = errors.getOrDefault(ErrorKind.READ, 0L);
        writeErrors = errors.getOrDefault(ErrorKind.WRITE, 0L);
        timeoutErrors = errors.getOrDefault(ErrorKind.TIMEOUT, 0L);
        badResponseErrors = errors.getOrDefault(ErrorKind.BAD_RESPONSE, 0L);
        unansweredErrors = errors.getOrDefault(ErrorKind.UNANSWERED, 0L);
        unsentErrors = errors.getOrDefault(ErrorKind.UNSENT, 0L);
    }
}
