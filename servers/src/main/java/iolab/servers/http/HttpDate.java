package iolab.servers.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} field's value, formatted once a second rather than for every response. */
public final class HttpDate {

    /** IMF-fixdate (RFC 9110, 5.6.7): always two digits for the day, always GMT. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** {@code line} is the whole field line, {@code Date: ...} and CRLF, as bytes for the lab's response writer. */
    private record Cached(long epochSecond, String formatted, byte[] line) {
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "", new byte[0]);

    private HttpDate() {
    }

    public static String now() {
        return current().formatted();
    }

    /** {@code Date: <now>\r\n} in bytes; the same array all second long: never write to it. */
    static byte[] line() {
        return current().line();
    }

    private static Cached current() {
        long second = System.currentTimeMillis() / 1000;
        Cached date = cached;
        if (date.epochSecond() != second) {
            String formatted = FORMAT.format(Instant.ofEpochSecond(second));
            date = new Cached(second, formatted, ("Date: " + formatted + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            cached = date;
        }
        return date;
    }
}
