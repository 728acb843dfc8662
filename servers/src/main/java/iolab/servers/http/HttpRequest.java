package iolab.servers.http;


/**
 * A parsed request. {@code path} is the raw (still percent-encoded) path of the target,
 * from origin-form or absolute-form; {@code query} is what followed {@code ?}, or null.
 */
record HttpRequest(String method, String target, String path, String query, int minorVersion,
                   HeaderFields headers, byte[] body) {

    /** Splits the target (origin-, absolute-, asterisk- or authority-form, RFC 9112 3.2) into path and query. */
    static HttpRequest parse(String method, String target, int minorVersion, HeaderFields headers, byte[] body)
            throws HttpException {
        String pathAndQuery;
        int schemeEnd = target.indexOf("://");
        if (target.startsWith("/")) {
            pathAndQuery = target;
        } else if (schemeEnd > 0 && target.substring(0, schemeEnd).matches("(?i)https?")) {
            int authorityEnd = schemeEnd + 3;
            while (authorityEnd < target.length() && "/?".indexOf(target.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            if (authorityEnd == schemeEnd + 3) {
                throw new HttpException(400, "absolute-form target without a host");
            }
            pathAndQuery = target.substring(authorityEnd);
            pathAndQuery = pathAndQuery.startsWith("/") ? pathAndQuery : "/" + pathAndQuery;
        } else if ((target.equals("*") && method.equals("OPTIONS")) || method.equals("CONNECT")) {
            pathAndQuery = target;
        } else {
            throw new HttpException(400, "malformed request target");
        }
        int question = pathAndQuery.indexOf('?');
        String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
        String query = question < 0 ? null : pathAndQuery.substring(question + 1);
        return new HttpRequest(method, target, path, query, minorVersion, headers, body);
    }

    /** The value of the first field named {@code name} (case-insensitive), or null. */
    String header(String name) {
        return headers.value(name);
    }

    /** Whether a {@code Connection} field lists {@code option} (close, keep-alive). */
    boolean connectionHas(String option) {
        return headers.hasToken("Connection", option);
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked to keep it. */
    boolean keepAlive() {
        return minorVersion >= 1 ? !connectionHas("close") : connectionHas("keep-alive");
    }

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** The value of query parameter {@code name}, or null. */
    String queryParameter(String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return pair.substring(eq + 1);
            }
        }
        return null;
    }
}
