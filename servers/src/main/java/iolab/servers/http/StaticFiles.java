package iolab.servers.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code /files/...}: what Python's SimpleHTTPServer does, without its holes. Nothing
 * outside the root is ever served: the path is decoded once, any {@code .} or {@code ..}
 * segment, backslash or NUL is refused, and the real path (symlinks followed) must still
 * lie under the root's real path.
 */
final class StaticFiles {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"),
            Map.entry("json", "application/json"),
            Map.entry("csv", "text/csv"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"));
    private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

    /**
     * Linux's longest file name and path, in bytes: a longer one names no file, and asking for it is a 404, not a 500.
     */
    private static final int NAME_MAX = 255;

    private static final int PATH_MAX = 4096;

    private final Path root;

    StaticFiles(Path root) {
        this.root = root;
    }

    /** {@code rawPath} is what followed {@code /files}, still percent-encoded. */
    Response serve(HttpRequest request, String rawPath) {
        String relative;
        try {
            relative = percentDecode(rawPath);
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
        if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            return Response.error(403, null);
        }
        for (String segment : relative.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return Response.error(403, null);
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                return Response.error(
                        404, null); // no file can have this name: the client's request, not the server's trouble
            }
        }
        if (relative.getBytes(StandardCharsets.UTF_8).length > PATH_MAX) {
            return Response.error(404, null);
        }
        try {
            Path path = root.resolve(relative.replaceFirst("^/+", "")).normalize();
            if (!path.startsWith(root)) {
                return Response.error(403, null);
            }
            Path real = path.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                return Response.error(403, null); // a symlink that leads out of the root
            }
            if (Files.isDirectory(real)) {
                if (!rawPath.endsWith("/")) {
                    return Response.error(301, null).header("Location", "/files" + rawPath + "/");
                }
                Path index = real.resolve("index.html");
                return Files.isRegularFile(index) ? file(request, index) : listing(real, relative);
            }
            if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
                return Response.error(404, null);
            }
            return file(request, real);
        } catch (InvalidPathException e) {
            // The JVM names files in the locale's encoding: under the C locale only ASCII names exist for it.
            return Response.error(500, "this server cannot name non-ASCII files: its locale's encoding is "
                    + System.getProperty("sun.jnu.encoding") + " (start it with LC_ALL=C.UTF-8)");
        } catch (NoSuchFileException | NotDirectoryException e) {
            return Response.error(404, null);
        } catch (AccessDeniedException e) {
            return Response.error(403, null);
        } catch (IOException e) {
            if (e instanceof FileSystemException fs && "File name too long".equals(fs.getReason())) {
                return Response.error(404, null); // ENAMETOOLONG under a root deeper than the checks above allow for
            }
            // The server's own trouble (out of descriptors, a disk error): never disguised as a missing file.
            String reason = e instanceof FileSystemException fs && fs.getReason() != null
                    ? fs.getReason()
                    : e.getClass().getSimpleName();
            return Response.error(500, "could not read it: " + reason);
        }
    }

    private Response file(HttpRequest request, Path file) throws IOException {
        long size = Files.size(file);
        Instant modified =
                Files.getLastModifiedTime(file).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String lastModified = HttpDate.FORMAT.format(modified);
        String type = contentType(file);
        Instant since = parseDate(request.header("If-Modified-Since"));
        if (since != null && !modified.isAfter(since)) {
            return new Response(304).header("Last-Modified", lastModified).contentLengthOnly(size);
        }
        long start = 0;
        long length = size;
        int status = 200;
        String range = request.header("Range");
        Response response = new Response(200);
        if (range != null && request.header("If-Range") == null) {
            Matcher m = SINGLE_RANGE.matcher(range.strip());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                if (m.group(1).isEmpty()) { // the last N bytes
                    long suffix = Long.parseLong(m.group(2));
                    start = Math.max(0, size - suffix);
                    length = size - start;
                    status = suffix == 0 || size == 0 ? 416 : 206; // RFC 9110, 14.1.3: no last bytes of an empty file
                } else {
                    start = Long.parseLong(m.group(1));
                    long end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                    status = start >= size || end < start ? 416 : 206;
                    length = end - start + 1;
                }
                if (status == 416) {
                    return Response.error(416, null).header("Content-Range", "bytes */" + size);
                }
                response = new Response(206)
                        .header("Content-Range", "bytes " + start + "-" + (start + length - 1) + "/" + size);
            }
            // Several ranges, or a unit other than bytes: ignored, the whole file is sent (RFC 9110, 14.2).
        }
        response.header("Last-Modified", lastModified).header("Accept-Ranges", "bytes");
        if (request.isHead()) {
            return response.header("Content-Type", type).contentLengthOnly(length);
        }
        return response.file(type, FileChannel.open(file, StandardOpenOption.READ), start, length);
    }

    private static Response listing(Path directory, String relative) throws IOException {
        String title = "Directory listing for /files" + (relative.startsWith("/") ? relative : "/" + relative);
        StringBuilder html = new StringBuilder()
                .append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(title)).append("</title>\n</head>\n<body>\n<h1>").append(escape(title))
                .append("</h1>\n<hr>\n<ul>\n");
        List<Path> entries;
        try (Stream<Path> list = Files.list(directory)) {
            entries = list.sorted().toList();
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString() + (Files.isDirectory(entry) ? "/" : "");
            html.append("<li><a href=\"").append(escape(percentEncode(name))).append("\">")
                    .append(escape(name)).append("</a></li>\n");
        }
        html.append("</ul>\n<hr>\n</body>\n</html>\n");
        return new Response(200).body("text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(extension, "application/octet-stream");
    }

    private static Instant parseDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.strip(), HttpDate.FORMAT).toInstant();
        } catch (DateTimeParseException e) {
            return null; // an invalid date is ignored (RFC 9110, 13.1.3)
        }
    }

    /**
     * Decodes %XX once, as UTF-8; a malformed escape or malformed UTF-8 (overlong dots) is an error, never passed
     * through.
     */
    static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new IllegalArgumentException("malformed percent-encoding");
                }
                bytes.write(high * 16 + low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the path is not UTF-8");
        }
    }

    private static String percentEncode(String name) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(String.format("%02X", c));
            }
        }
        return encoded.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
