package iolab.clients;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * The load generator's side of HTTPS: whom to trust, and whether a new connection may resume an earlier session (a
 * shorter handshake, no certificate) or must make a full handshake each time.
 *
 * @param insecure trust any certificate and any name (a self-signed lab server); otherwise the JDK's trust store, and
 *     the name checked
 * @param resume offer the session of an earlier connection to the same server (TLS 1.3 tickets); off, every handshake
 *     is full
 */
public record ClientTls(boolean insecure, boolean resume) {

    /**
     * The JDK's context for these settings: its session cache, shared by every connection of a run, is what resumption
     * draws on.
     */
    public SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, insecure ? new TrustManager[] {TRUST_ANY} : null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JDK: " + e, e);
        }
    }

    /**
     * A client engine for {@code host}: named, so that the certificate is checked against it (unless insecure) and the
     * session cache finds earlier sessions with it; unnamed when sessions must not be resumed.
     */
    public SSLEngine newEngine(SSLContext context, String host, int port) {
        SSLEngine engine = resume ? context.createSSLEngine(host, port) : context.createSSLEngine();
        engine.setUseClientMode(true);
        if (!insecure) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (!resume) { // the name is needed for the check even when the cache must not be used
                parameters.setServerNames(java.util.List.of(new javax.net.ssl.SNIHostName(host)));
            }
            engine.setSSLParameters(parameters);
        }
        return engine;
    }

    private static final X509TrustManager TRUST_ANY = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };
}
