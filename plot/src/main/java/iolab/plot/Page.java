package iolab.plot;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pages' HTML from their templates, the resources beside this class: each {@code {{name}}} is filled with HTML the
 * caller built (escaped by {@link #esc} where it is text). A template and its values must match exactly: a place left
 * unfilled or a value with no place is a mistake, not a blank on the page.
 */
final class Page {

    private static final Pattern PLACE = Pattern.compile("\\{\\{([A-Za-z]+)}}");

    private Page() {
    }

    /** {@code template} with its places filled from {@code values}. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACE.matcher(resource(template));
        StringBuilder out = new StringBuilder();
        Set<String> used = new HashSet<>();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException(template + " has {{" + m.group(1) + "}}, and nothing fills it");
            }
            used.add(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!used.containsAll(values.keySet())) {
            Set<String> unused = new HashSet<>(values.keySet());
            unused.removeAll(used);
            throw new IllegalArgumentException(template + " has no place for " + unused);
        }
        return out.toString();
    }

    /** The pages' script: sortable, filterable tables (report.js). */
    static String script() {
        return resource("report.js");
    }

    /** The pages' style sheet. */
    static String css() {
        return resource("report.css");
    }

    /** docs/method.md (the build copies it into the jar) as HTML: the report shows the docs' own words. */
    static String method() {
        String html = HtmlRenderer.builder().build().render(Parser.builder().build().parse(resource("method.md")));
        return html.replaceFirst("^<h1>[^<]*</h1>\n", ""); // the page gives it a heading of its own rank
    }

    /** A table row for each of {@code items}, its cells as {@code cells} gives them (HTML, {@code <td>} and all). */
    static <T> String rows(List<T> items, Function<T, String> cells) {
        return items.stream().map(i -> "<tr>" + cells.apply(i) + "</tr>\n").collect(Collectors.joining());
    }

    static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String resource(String name) {
        try (InputStream in = Page.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource iolab/plot/" + name + " in the plot jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
