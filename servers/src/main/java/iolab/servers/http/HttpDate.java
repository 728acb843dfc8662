package iolab.servers.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} field's value, formatted once a second rather than for every response. */
public final class HttpDate {

    /** IMF-fixdate (RFC 9110, 5.6.7): always two digits for the day, always GMT. */
    public static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long epochSecond, String formatted) {
    }

    private static volatile Cached cached = new Cached(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    public static String now() {
        long second = System.currentTimeMillis() / 1000;
        Cached date = cached;
        if (date.epochSecond() != second) {
            date = new Cached(second, FORMAT.format(Instant.ofEpochSecond(second)));
            cached = date;
        }
        return date.formatted();
    }
}
