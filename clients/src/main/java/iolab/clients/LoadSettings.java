package iolab.clients;

import java.time.Duration;
import java.util.Objects;

/**
 * One run of the load generator.
 *
 * @param threads event loops; connections are dealt among them
 * @param connections connections kept open for the whole run
 * @param ratePerSecond total requests per second on a fixed schedule (open loop), or 0 for a closed loop
 * @param pipeline requests in flight per connection
 * @param warmup load applied but not recorded
 * @param duration load applied and recorded
 * @param timeout a request unanswered this long after it was sent is an error and its connection is re-made
 * @param connectTimeout a connect not done in this long is an error
 * @param poisson open loop: each connection's slots arrive as a Poisson process (exponential gaps, the same mean rate)
 *     instead of a fixed schedule; the sum over connections is then Poisson too
 * @param reconnect a new connection per request: connect, send one request, read the response, close (HTTP asks
 *     {@code Connection: close}); {@code connections} is then how many are in progress at once, and a closed loop's
 *     latency counts from the connect
 * @param tls HTTPS: whom to trust and whether to resume sessions; null for plain TCP (an {@code https://} target needs
 *     it)
 */
public record LoadSettings(
        Target target,
        Workload workload,
        int threads,
        int connections,
        double ratePerSecond,
        int pipeline,
        Duration warmup,
        Duration duration,
        Duration timeout,
        Duration connectTimeout,
        boolean poisson,
        boolean reconnect,
        ClientTls tls) {

    /**
     * Connections kept open, a fixed schedule in the open loop; an {@code https://} target trusts the JDK's trust store
     * and resumes no session. The rare settings are the {@code with} methods'.
     */
    public LoadSettings(
            Target target,
            Workload workload,
            int threads,
            int connections,
            double ratePerSecond,
            int pipeline,
            Duration warmup,
            Duration duration,
            Duration timeout,
            Duration connectTimeout) {
        this(
                target,
                workload,
                threads,
                connections,
                ratePerSecond,
                pipeline,
                warmup,
                duration,
                timeout,
                connectTimeout,
                false,
                false,
                target.tls() ? new ClientTls(false, false) : null);
    }

    /** Open loop: Poisson arrivals instead of a fixed schedule. */
    public LoadSettings withPoisson() {
        return new LoadSettings(
                target,
                workload,
                threads,
                connections,
                ratePerSecond,
                pipeline,
                warmup,
                duration,
                timeout,
                connectTimeout,
                true,
                reconnect,
                tls);
    }

    /** A new connection per request. */
    public LoadSettings withReconnect() {
        return new LoadSettings(
                target,
                workload,
                threads,
                connections,
                ratePerSecond,
                pipeline,
                warmup,
                duration,
                timeout,
                connectTimeout,
                poisson,
                true,
                tls);
    }

    public LoadSettings {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(workload, "workload");
        require(threads >= 1, "threads must be at least 1: " + threads);
        require(connections >= threads, "connections (" + connections + ") must be at least threads (" + threads + ")");
        require(ratePerSecond >= 0, "rate must not be negative: " + ratePerSecond);
        require(pipeline >= 1, "pipeline must be at least 1: " + pipeline);
        require(!warmup.isNegative(), "warmup must not be negative: " + warmup);
        require(duration.isPositive(), "duration must be positive: " + duration);
        require(timeout.isPositive(), "timeout must be positive: " + timeout);
        require(connectTimeout.isPositive(), "connect timeout must be positive: " + connectTimeout);
        require(
                target.tls() == (tls != null),
                target.tls() ? "an https:// target needs TLS settings" : "TLS settings need an https:// target");
        require(
                !reconnect || pipeline == 1,
                "a new connection per request carries one request: no pipeline (" + pipeline + ")");
    }

    public boolean openLoop() {
        return ratePerSecond > 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
