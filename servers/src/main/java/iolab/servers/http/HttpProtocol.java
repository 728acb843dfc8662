package iolab.servers.http;

import iolab.servers.protocol.Codec;
import iolab.servers.protocol.Protocol;

import java.util.Set;

/** HTTP/1.1, served by every I/O model through one codec. */
public final class HttpProtocol implements Protocol {

    /** The methods RFC 9110 defines, plus PATCH: any other is answered 501, by every server. */
    public static final Set<String> KNOWN_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    /** {@code GET /plaintext}'s body (TechEmpower's plaintext test); the reference servers answer the same. */
    public static final String PLAINTEXT_BODY = "Hello, World!";
    /** {@code GET /json}'s body. */
    public static final String JSON_BODY = "{\"message\":\"Hello, World!\"}";

    private final HttpSettings settings;
    private final Routes routes;
    private final BodyBudget bodyBudget;

    public HttpProtocol(HttpSettings settings) {
        this.settings = settings;
        this.routes = new Routes(new StaticFiles(settings.root()));
        this.bodyBudget = new BodyBudget(settings.bodyBudgetBytes());
    }

    public HttpSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Codec newCodec() {
        return new HttpCodec(settings, routes, bodyBudget);
    }
}
