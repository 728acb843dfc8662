package iolab.runfiles;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The errors of one configuration, from the {@code errors} object of its {@code <id>.json}
 * (the load generator's summary): how many, and how many of each kind.
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
        long total = 0;
        List<String> kinds = new ArrayList<>();
        for (Map.Entry<String, JsonElement> kind : summary.getAsJsonObject("errors").entrySet()) {
            long count = kind.getValue().getAsLong();
            if (count > 0) {
                total += count;
                kinds.add(count + " " + kind.getKey());
            }
        }
        return new ErrorCounts(total, String.join(", ", kinds));
    }

    /** {@code 56 errors (56 timeout)}. */
    public String describe() {
        return total + " errors (" + kinds + ")";
    }
}
