package iolab.runfiles;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An HdrHistogram interval log ({@code .hlog}): its intervals, with their absolute start and end times. */
public final class IntervalLog {

    private IntervalLog() {
    }

    public static List<Histogram> read(Path hlog) throws IOException {
        List<Histogram> intervals = new ArrayList<>();
        HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
            intervals.add((Histogram) h);
        }
        return intervals;
    }

    /** Writes {@code intervals} with {@code comment} on top, times relative to the first interval's start. */
    public static void write(List<Histogram> intervals, String comment, Path hlog) throws IOException {
        try (PrintStream out = new PrintStream(Files.newOutputStream(hlog), false, StandardCharsets.UTF_8)) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment(comment);
            log.outputLogFormatVersion();
            long base = intervals.isEmpty() ? System.currentTimeMillis() : intervals.get(0).getStartTimeStamp();
            log.outputStartTime(base);
            log.setBaseTime(base);
            log.outputBaseTime(base);
            log.outputLegend();
            intervals.forEach(log::outputIntervalHistogram);
        }
    }
}
