package iolab.servers.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The lab's HTTP routes, their limits and their bodies, decided here once for every server:
 * the lab's codec, Netty and the JDK's server each turn a {@link Route} into a response in
 * their own idiom. An unknown method is 501; a known route with the wrong method 405 with
 * {@code Allow}; anything else 404.
 */
public final class HttpRoutes {

    /** The longest wait {@code /delay} accepts. */
    public static final long MAX_DELAY_MILLIS = 60_000;

    private static final Route.Fixed PLAINTEXT =
            new Route.Fixed("text/plain", HttpProtocol.PLAINTEXT_BODY.getBytes(StandardCharsets.UTF_8));
    private static final Route.Fixed JSON =
            new Route.Fixed("application/json", HttpProtocol.JSON_BODY.getBytes(StandardCharsets.UTF_8));

    private HttpRoutes() {
    }

    /** What a request asks for, once its method and target are known. */
    public sealed interface Route {

        /** {@code /plaintext} and {@code /json}: a fixed body, one instance each, so a server may keep its reply. */
        record Fixed(String contentType, byte[] body) implements Route {
        }

        /** {@code POST /echo}: the request's body back, with its {@code Content-Type}. */
        record Echo() implements Route {
        }

        /** {@code /delay?ms=N}: wait N ms (the stand-in for a database call), then answer {@link #body()}. */
        record Delay(long millis) implements Route {
            public byte[] body() {
                return ("delayed " + millis + " ms\n").getBytes(StandardCharsets.UTF_8);
            }
        }

        /** {@code /files/REST}: a file or a listing under the server's root; served by the lab's models only. */
        record Files(String rest) implements Route {
        }

        /** No route: the status, a plain-text explanation, and for 405 the methods that are allowed. */
        record Refused(int status, String detail, String allow) implements Route {
            public byte[] body() {
                return errorBody(status, detail);
            }
        }
    }

    /**
     * @param queryParameter the decoded value of a query parameter, or null when absent
     */
    public static Route route(String method, String path, Function<String, String> queryParameter) {
        if (!HttpProtocol.KNOWN_METHODS.contains(method)) {
            return new Route.Refused(501, "method " + method + " is not implemented", null);
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        switch (path) {
            case "/plaintext":
                return read ? PLAINTEXT : notAllowed("GET, HEAD");
            case "/json":
                return read ? JSON : notAllowed("GET, HEAD");
            case "/echo":
                return method.equals("POST") ? new Route.Echo() : notAllowed("POST");
            case "/delay":
                return read ? delay(queryParameter.apply("ms")) : notAllowed("GET, HEAD");
            default:
                if (path.equals("/files") || path.startsWith("/files/")) {
                    return read ? new Route.Files(path.substring("/files".length())) : notAllowed("GET, HEAD");
                }
                return new Route.Refused(404, null, null);
        }
    }

    private static Route delay(String ms) {
        if (ms == null || !ms.matches("[0-9]{1,9}") || Long.parseLong(ms) > MAX_DELAY_MILLIS) {
            return new Route.Refused(400, "/delay needs ms=N with N from 0 to " + MAX_DELAY_MILLIS, null);
        }
        return new Route.Delay(Long.parseLong(ms));
    }

    private static Route notAllowed(String allow) {
        return new Route.Refused(405, null, allow);
    }

    /** A server that has no {@code /files} (the references) answers this for it. */
    public static Route.Refused noFiles() {
        return new Route.Refused(404, "this server has no /files (only the lab's four models serve files)", null);
    }

    /** The lab's plain-text error body, e.g. {@code 404 Not Found: /files/missing}. */
    public static byte[] errorBody(int status, String detail) {
        return (status + " " + Response.reason(status) + (detail == null ? "" : ": " + detail) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The content type of {@link #errorBody}. */
    public static final String ERROR_TYPE = "text/plain; charset=utf-8";
}
