package iolab.servers.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * A server's TLS: its identity, the implementation (the JDK's, or for Netty BoringSSL), and how
 * long a handshake may take before the connection is cut off (a client that starts one and stalls
 * must not hold a connection for ever). TLS 1.3 and 1.2, as each implementation enables them by default.
 */
public final class Tls {

    static {
        // A client-initiated renegotiation costs the server a full handshake for a few hundred bytes, as often as the
        // client likes (6-38 ms of CPU each here): nginx and BoringSSL refuse it, and so does every server here on the
        // JDK's TLS, with a handshake_failure alert. The JDK reads this once, when its first server handshake begins.
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    /** Where the protocol is implemented: the JDK's own code, or (Netty only) BoringSSL through netty-tcnative. */
    public enum Provider {
        JDK, OPENSSL;

        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Provider fromName(String name) {
            for (Provider p : values()) {
                if (p.cliName().equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("expected jdk or openssl, not '" + name + "'");
        }
    }

    private final ServerIdentity identity;
    private final Provider provider;
    private final Duration handshakeTimeout;
    private final SSLContext jdk;

    public Tls(ServerIdentity identity, Provider provider, Duration handshakeTimeout) {
        if (!handshakeTimeout.isPositive()) {
            throw new IllegalArgumentException("the handshake timeout must be positive: " + handshakeTimeout);
        }
        unavailable(provider).ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        this.identity = identity;
        this.provider = provider;
        this.handshakeTimeout = handshakeTimeout;
        this.jdk = jdkContext(identity);
    }

    /** Why {@code provider} cannot run here, or empty: BoringSSL comes as a native library for linux-x86_64. */
    public static Optional<String> unavailable(Provider provider) {
        if (provider == Provider.OPENSSL && !OpenSsl.isAvailable()) {
            return Optional.of(
                    "--tls-provider openssl is not available here (netty-tcnative's BoringSSL is built for "
                            + "linux-x86_64): "
                            + OpenSsl.unavailabilityCause());
        }
        return Optional.empty();
    }

    public ServerIdentity identity() {
        return identity;
    }

    public Provider provider() {
        return provider;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** A server-side engine of the JDK's implementation, for the lab's models. */
    public SSLEngine newEngine() {
        SSLEngine engine = jdk.createSSLEngine();
        engine.setUseClientMode(false);
        return engine;
    }

    /** The JDK's context, for {@code SSLSocket}s and the JDK's {@code HttpsServer}. */
    public SSLContext jdkContext() {
        return jdk;
    }

    /** Netty's context, on the provider asked for. */
    public SslContext nettyContext() {
        try {
            return SslContextBuilder.forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                    .sslProvider(provider == Provider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
        }
    }

    private static SSLContext jdkContext(ServerIdentity identity) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("server", identity.key(), password, identity.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(
                    "TLS: the certificate and key do not make a key store: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TLS (" + provider.cliName() + ")";
    }
}
