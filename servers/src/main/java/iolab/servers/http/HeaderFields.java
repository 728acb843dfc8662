package iolab.servers.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The fields of one request's header (or trailer) section, kept as their bytes: each line is checked in one pass
 * over them (RFC 9112, 5), and a {@code String} is made only for a value somebody asks for. One instance serves a
 * connection's requests one after another, so a request's fields are valid until its codec reads the next head.
 */
final class HeaderFields {

    private byte[] bytes = new byte[256];
    private int length;
    /** For field i: its name's start and end, then its value's, in {@link #bytes}. */
    private int[] bounds = new int[4 * 8];
    private int count;

    void clear() {
        length = 0;
        count = 0;
    }

    /**
     * Adds the fields of {@code in}'s bytes from {@code from} to {@code to}: whole lines, each ended by CRLF. Refuses
     * a bare CR or LF, a folded line, a name that is not a token, a control character in a value, and more than
     * {@code maxFields} in all; trims only SP and HTAB around a value.
     */
    void add(ByteBuffer in, int from, int to, String what, int maxFields) throws HttpException {
        int n = to - from;
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, 2 * bytes.length));
        }
        in.get(from, bytes, length, n);
        int end = length + n;
        int line = length;
        length = end;
        while (line < end) {
            if (count == maxFields) {
                throw new HttpException(431, "more than " + maxFields + " " + what + " fields");
            }
            line = parseLine(line, end, what);
        }
    }

    /** Checks and records the field starting at {@code start}; returns where the next line starts. */
    private int parseLine(int start, int end, String what) throws HttpException {
        byte[] b = bytes;
        if (b[start] == ' ' || b[start] == '\t') {
            throw new HttpException(400, "obsolete line folding");
        }
        int i = start;
        while (i < end && b[i] != ':') {
            lineBreakAt(i, end);
            if (!HttpCodec.isTchar(b[i])) {
                throw new HttpException(400, "malformed " + what + " field name");
            }
            i++;
        }
        if (i == start || i == end) {
            throw new HttpException(400, "malformed " + what + " field name");
        }
        int nameEnd = i;
        int lineEnd = -1;
        for (i = nameEnd + 1; lineEnd < 0; i++) {
            if (i == end) {
                throw new HttpException(400, "field line not ended by CRLF"); // the caller hands over whole lines
            }
            byte c = b[i];
            if (lineBreakAt(i, end)) {
                lineEnd = i;
            } else if ((c >= 0 && c < ' ' && c != '\t') || c == 0x7f) { // obs-text (0x80-0xFF) is allowed
                throw new HttpException(400, "control character in a " + what + " field value");
            }
        }
        int valueStart = skipOws(nameEnd + 1, lineEnd);
        int valueEnd = trimOws(valueStart, lineEnd);
        if (4 * count + 4 > bounds.length) {
            bounds = Arrays.copyOf(bounds, 2 * bounds.length);
        }
        int at = 4 * count++;
        bounds[at] = start;
        bounds[at + 1] = nameEnd;
        bounds[at + 2] = valueStart;
        bounds[at + 3] = valueEnd;
        return lineEnd + 2;
    }

    /** True at a line's CRLF; refuses a CR not followed by LF, and an LF not preceded by CR. */
    private boolean lineBreakAt(int i, int end) throws HttpException {
        if (bytes[i] == '\n') {
            throw new HttpException(400, "bare LF");
        }
        if (bytes[i] != '\r') {
            return false;
        }
        if (i + 1 == end || bytes[i + 1] != '\n') {
            throw new HttpException(400, "bare CR");
        }
        return true;
    }

    /** Where the optional whitespace (SP, HTAB) that starts at {@code from} ends, at {@code to} at the latest. */
    private int skipOws(int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        return from;
    }

    /** Where bytes {@code from} to {@code to} end without the optional whitespace at their end. */
    private int trimOws(int from, int to) {
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    /** Whether field i is named {@code name}. */
    private boolean named(int field, String name) {
        return equalsIgnoreCase(bounds[4 * field], bounds[4 * field + 1], name);
    }

    /** How many fields are named {@code name}. */
    int count(String name) {
        int found = 0;
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                found++;
            }
        }
        return found;
    }

    /** The value of the first field named {@code name}, or null. */
    String value(String name) {
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                return valueOf(i);
            }
        }
        return null;
    }

    /** Every value of the fields named {@code name}, in order. */
    List<String> values(String name) {
        List<String> values = List.of();
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                if (values.isEmpty()) {
                    values = new ArrayList<>(2);
                }
                values.add(valueOf(i));
            }
        }
        return values;
    }

    /** Whether the first field named {@code name} has a value that {@code check} accepts; false when none. */
    boolean firstValueMatches(String name, ByteRange check) {
        for (int i = 0; i < count; i++) {
            if (named(i, name)) {
                return check.test(bytes, bounds[4 * i + 2], bounds[4 * i + 3]);
            }
        }
        return false;
    }

    /**
     * Whether a field named {@code name} lists {@code token} among its comma-separated elements (as
     * {@code Connection} lists {@code close}), compared without regard to case.
     */
    boolean hasToken(String name, String token) {
        for (int i = 0; i < count; i++) {
            if (!named(i, name)) {
                continue;
            }
            int valueEnd = bounds[4 * i + 3];
            for (int element = bounds[4 * i + 2]; element <= valueEnd; ) {
                int comma = element;
                while (comma < valueEnd && bytes[comma] != ',') {
                    comma++;
                }
                int from = skipOws(element, comma);
                if (equalsIgnoreCase(from, trimOws(from, comma), token)) {
                    return true;
                }
                element = comma + 1;
            }
        }
        return false;
    }

    /**
     * Whether bytes {@code from} to {@code to} spell {@code text} (letters, digits and '-') in any case. OR-ing in
     * 0x20 lowers a letter, and maps onto a letter, a digit or '-' no byte a checked field holds but a letter, a digit
     * or '-' (only CR and the controls 0x10-0x19 would, and those are refused).
     */
    private boolean equalsIgnoreCase(int from, int to, String text) {
        if (to - from != text.length()) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            if ((bytes[from + k] | 0x20) != (text.charAt(k) | 0x20)) {
                return false;
            }
        }
        return true;
    }

    private String valueOf(int field) {
        int from = bounds[4 * field + 2];
        return new String(bytes, from, bounds[4 * field + 3] - from, StandardCharsets.ISO_8859_1);
    }

    /** A check over bytes {@code from} to {@code to} of {@code bytes}. */
    @FunctionalInterface
    interface ByteRange {
        boolean test(byte[] bytes, int from, int to);
    }
}
