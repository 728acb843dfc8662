package iolab.servers.http;

import iolab.servers.http.HttpRoutes.Route;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/** The lab codec's side of {@link HttpRoutes}: a route becomes a response now, or work that may block. */
final class Routes {

    /** What to answer: a response now, or one from work that may block (a delay, the file system). */
    sealed interface Reply {
        record Now(Response response) implements Reply {
        }

        /** Run where blocking is allowed: never on an event loop. */
        record Later(Callable<Response> work) implements Reply {
        }
    }

    /** One reply per fixed route, shared by every request for it: its head is encoded once. */
    private static final Map<Route.Fixed, Reply> FIXED = new ConcurrentHashMap<>();

    private final StaticFiles files;

    Routes(StaticFiles files) {
        this.files = files;
    }

    Reply route(HttpRequest request) {
        return switch (HttpRoutes.route(request.method(), request.path(), request::queryParameter)) {
            case Route.Fixed fixed ->
                FIXED.computeIfAbsent(fixed, route -> now(new Response(200).body(route.contentType(), route.body())));
            case Route.Echo echo -> now(new Response(200).body(contentType(request), request.body()));
            case Route.Delay delay -> new Reply.Later(() -> {
                Thread.sleep(delay.millis());
                return new Response(200).body("text/plain", delay.body());
            });
            case Route.Files file -> new Reply.Later(() -> files.serve(request, file.rest()));
            case Route.Refused refused -> {
                Response response = Response.error(refused.status(), refused.detail());
                yield now(refused.allow() == null ? response : response.header("Allow", refused.allow()));
            }
        };
    }

    private static String contentType(HttpRequest request) {
        String type = request.header("Content-Type");
        return type == null ? "application/octet-stream" : type;
    }

    private static Reply now(Response response) {
        return new Reply.Now(response);
    }
}
