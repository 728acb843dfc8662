package iolab.servers.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/** What a TLS server presents: a certificate chain and its private key, from PEM files or made at start. */
public record ServerIdentity(List<X509Certificate> chain, PrivateKey key, boolean selfSigned) {

    /** How long a certificate made at start is valid: a lab server lives for a run. */
    static final Duration SELF_SIGNED_VALIDITY = Duration.ofDays(30);

    public ServerIdentity {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs a certificate");
        }
        chain = List.copyOf(chain);
    }

    /**
     * A P-256 key and a certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, signed by itself. The
     * names are in subjectAltName, where clients look (Python's and the JDK's ignore the common name).
     */
    public static ServerIdentity makeSelfSigned() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost, O=iolab");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(SELF_SIGNED_VALIDITY)),
                    subject,
                    pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1")
            }));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(
                            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new ServerIdentity(List.of(certificate), pair.getPrivate(), true);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
        }
    }

    /**
     * The chain in {@code certFile} (PEM, the server's certificate first) and the key in {@code keyFile} (PEM: PKCS#8,
     * or PKCS#1 / SEC 1 as OpenSSL writes them, unencrypted).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ServerIdentity load(Path certFile, Path keyFile) {
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> (X509Certificate) c)
                    .toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("--cert: cannot read " + certFile + ": " + reason(e));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("--cert: " + certFile + " holds no PEM certificate: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("--cert: " + certFile + " holds no PEM certificate");
        }
        PrivateKey key;
        try (Reader in = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII);
                PEMParser pem = new PEMParser(in)) {
            Object object = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            key = switch (object) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getKeyPair(pair).getPrivate();
                case null -> throw new IllegalArgumentException("--key: " + keyFile + " holds no PEM private key");
                default ->
                    throw new IllegalArgumentException("--key: " + keyFile + " holds "
                            + object.getClass().getSimpleName() + ", not an unencrypted private key");
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("--key: cannot read " + keyFile + ": " + reason(e));
        }
        if (!chain.getFirst().getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new IllegalArgumentException(
                    "--key: " + keyFile + " is a " + key.getAlgorithm() + " key, but the certificate's is "
                            + chain.getFirst().getPublicKey().getAlgorithm());
        }
        return new ServerIdentity(chain, key, false);
    }

    private static String reason(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException
                ? "no such file"
                : e instanceof java.nio.file.AccessDeniedException
                        ? "permission denied"
                        : String.valueOf(e.getMessage());
    }

    /**
     * The certificate's SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it: {@code AB:CD:...}.
     */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chain.getFirst().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate in PEM, for a client to trust. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(chain.getFirst().getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
