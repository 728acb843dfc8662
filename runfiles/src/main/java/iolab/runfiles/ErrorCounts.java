package iolab.runfiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The errors of one configuration, from the {@code errors} object of its {@code <id>.json}
 * (the load generator's summary) or from a trial's counts by kind: how many, and how many of each kind.
 *
 * @param kinds for example {@code 56 timeout, 2 read}; empty when there were none
 */
public record ErrorCounts(long total, String kinds) {

    public static final ErrorCounts NONE = new ErrorCounts(0, "");

    /** From a configuration's summary; none when it has no {@code errors} object. */
    public static ErrorCounts of(JsonObject summary) {
        if (summary == null || !summary.has("errors")) {
            return NONE;
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> kind : summary.getAsJsonObject("errors").entrySet()) {
            byKind.put(kind.getKey(), kind.getValue().getAsLong());
        }
        return of(byKind);
    }

    /** From the count of each kind, in the order given; kinds with none are left out. */
    public static ErrorCounts of(Map<String, Long> byKind) {
        long total = 0;
        List<String> kinds = new ArrayList<>();
        for (Map.Entry<String, Long> kind : byKind.entrySet()) {
            if (kind.getValue() > 0) {
                total += kind.getValue();
                kinds.add(kind.getValue() + " " + kind.getKey());
            }
        }
        return new ErrorCounts(total, String.join(", ", kinds));
    }

    /** {@code 56 errors (56 timeout)}. */
    public String describe() {
        return total + " errors (" + kinds + ")";
    }
}
