package iolab.plot;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers and workloads of a run as its {@code environment.json} records them (the
 * experiment writes them from its one list): their order, each server's limit on requests in
 * service, each workload's server-side delay, and the yardsticks of the paired ratios. A folder
 * without them (an older run) is drawn in the order its configurations appear, with no
 * Little's-law ceilings and no ratios.
 */
final class Catalog {

    private final List<String> servers = new ArrayList<>();
    private final Map<String, Integer> inServiceLimits = new LinkedHashMap<>();
    private final Map<String, String> plainTwins = new LinkedHashMap<>();
    private final List<String> workloads = new ArrayList<>();
    private final Map<String, Integer> delays = new LinkedHashMap<>();
    private final List<String> yardsticks = new ArrayList<>();
    private final List<String> connectionPerRequest = new ArrayList<>();
    private final List<String> tls = new ArrayList<>();
    private final boolean recorded;

    private Catalog(JsonObject environment) {
        recorded = environment != null && environment.has("servers") && environment.has("workloads");
        if (!recorded) {
            return;
        }
        for (JsonElement e : environment.getAsJsonArray("servers")) {
            JsonObject s = e.getAsJsonObject();
            servers.add(s.get("label").getAsString());
            inServiceLimits.put(s.get("label").getAsString(), s.get("inServiceLimit").getAsInt());
            if (s.has("plainTwin")) {
                plainTwins.put(s.get("label").getAsString(), s.get("plainTwin").getAsString());
            }
        }
        for (JsonElement e : environment.getAsJsonArray("workloads")) {
            JsonObject w = e.getAsJsonObject();
            workloads.add(w.get("label").getAsString());
            delays.put(w.get("label").getAsString(), w.get("delayMillis").getAsInt());
            if (w.has("connectionPerRequest") && w.get("connectionPerRequest").getAsBoolean()) {
                connectionPerRequest.add(w.get("label").getAsString());
            }
            if (w.has("tls") && w.get("tls").getAsBoolean()) {
                tls.add(w.get("label").getAsString());
            }
        }
        JsonArray y = environment.getAsJsonArray("yardsticks");
        if (y != null) {
            y.forEach(label -> yardsticks.add(label.getAsString()));
        }
    }

    static Catalog of(JsonObject environment) {
        return new Catalog(environment);
    }

    /** Whether environment.json carried the catalog. */
    boolean recorded() {
        return recorded;
    }

    /**
     * A server's place in legends and tables; one the run did not list comes after those it did, in order of first
     * sight.
     */
    int serverOrder(String server) {
        int i = servers.indexOf(server);
        if (i < 0) {
            servers.add(server);
            inServiceLimits.putIfAbsent(server, 0);
            i = servers.size() - 1;
        }
        return i;
    }

    int workloadOrder(String workload) {
        int i = workloads.indexOf(workload);
        if (i < 0) {
            workloads.add(workload);
            i = workloads.size() - 1;
        }
        return i;
    }

    /**
     * Requests the server can have in service at once with {@code connections} open: its threads or workers, else the
     * connections.
     */
    int inService(String server, int connections) {
        int limit = inServiceLimits.getOrDefault(server, 0);
        return limit > 0 ? Math.min(limit, connections) : connections;
    }

    /** The servers whose limit is below their connections, with that limit, for a caption. */
    Map<String, Integer> inServiceLimits() {
        Map<String, Integer> limited = new LinkedHashMap<>();
        inServiceLimits.forEach((server, limit) -> {
            if (limit > 0) {
                limited.put(server, limit);
            }
        });
        return limited;
    }

    /** The server-side wait of each request of {@code workload} in ms; 0 for none or when not recorded. */
    int delayMillis(String workload) {
        return delays.getOrDefault(workload, 0);
    }

    /**
     * Whether each request of {@code workload} came on a new connection: its responses per second are connections per
     * second.
     */
    /**
     * The server without its variant of TLS ({@code netty-epoll} for {@code netty-epoll-boringssl}); itself for every
     * other.
     */
    String plainTwin(String server) {
        return plainTwins.getOrDefault(server, server);
    }

    /** Whether {@code workload} runs over HTTPS; false when not recorded. */
    boolean tls(String workload) {
        return tls.contains(workload);
    }

    boolean connectionPerRequest(String workload) {
        return connectionPerRequest.contains(workload);
    }

    List<String> yardsticks() {
        return yardsticks;
    }
}
