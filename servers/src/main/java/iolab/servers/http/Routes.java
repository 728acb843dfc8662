package iolab.servers.http;

import java.nio.charset.StandardCharsets;

/**
 * The lab's routes. Unknown method 501; a known route with the wrong method 405 with
 * {@code Allow}; anything else 404.
 */
final class Routes {

    static final long MAX_DELAY_MILLIS = 60_000;

    private static final byte[] PLAINTEXT_BYTES = HttpProtocol.PLAINTEXT_BODY.getBytes(StandardCharsets.UTF_8);
    private static final byte[] JSON_BYTES = HttpProtocol.JSON_BODY.getBytes(StandardCharsets.UTF_8);

    /** What to answer: a response now, or one from work that may block (a delay, the file system). */
    sealed interface Reply {
        record Now(Response response) implements Reply {
        }

        /** Run where blocking is allowed: never on an event loop. */
        record Later(java.util.concurrent.Callable<Response> work) implements Reply {
        }
    }

    private final StaticFiles files;

    Routes(StaticFiles files) {
        this.files = files;
    }

    Reply route(HttpRequest request) {
        String method = request.method();
        if (!HttpProtocol.KNOWN_METHODS.contains(method)) {
            return now(Response.error(501, "method " + method + " is not implemented"));
        }
        String path = request.path();
        boolean read = method.equals("GET") || method.equals("HEAD");
        return switch (path) {
            case "/plaintext" -> read ? now(new Response(200).body("text/plain", PLAINTEXT_BYTES)) : notAllowed("GET, HEAD");
            case "/json" -> read ? now(new Response(200).body("application/json", JSON_BYTES)) : notAllowed("GET, HEAD");
            case "/echo" -> method.equals("POST") ? now(echo(request)) : notAllowed("POST");
            case "/delay" -> read ? delay(request) : notAllowed("GET, HEAD");
            default -> {
                if (path.equals("/files") || path.startsWith("/files/")) {
                    String rest = path.substring("/files".length());
                    yield read ? new Reply.Later(() -> files.serve(request, rest)) : notAllowed("GET, HEAD");
                }
                yield now(Response.error(404, null));
            }
        };
    }

    private static Response echo(HttpRequest request) {
        String type = request.header("Content-Type");
        return new Response(200).body(type == null ? "application/octet-stream" : type, request.body());
    }

    private static Reply delay(HttpRequest request) {
        String ms = request.queryParameter("ms");
        if (ms == null || !ms.matches("[0-9]{1,9}") || Long.parseLong(ms) > MAX_DELAY_MILLIS) {
            return now(Response.error(400, "/delay needs ms=N with N from 0 to " + MAX_DELAY_MILLIS));
        }
        long millis = Long.parseLong(ms);
        return new Reply.Later(() -> {
            Thread.sleep(millis);
            return Response.text(200, "text/plain", "delayed " + millis + " ms\n");
        });
    }

    private static Reply notAllowed(String allow) {
        return now(Response.error(405, null).header("Allow", allow));
    }

    private static Reply now(Response response) {
        return new Reply.Now(response);
    }
}
