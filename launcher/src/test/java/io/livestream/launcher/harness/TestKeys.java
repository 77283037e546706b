package io.livestream.launcher.harness;

import io.vertx.core.net.PemTrustOptions;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Keys and certificates made with openssl, as an operator would make them. */
public final class TestKeys {

    /** A PEM certificate and its private key. */
    public record Certificate(Path cert, Path key) {
        /** Trust for a Vert.x client: this certificate only. */
        public PemTrustOptions trust() {
            return new PemTrustOptions().addCertPath(cert.toString());
        }

        /** Trust for {@code java.net.http.HttpClient}: this certificate only. */
        public SSLContext sslContext() throws Exception {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            try (InputStream in = Files.newInputStream(cert)) {
                store.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
    }

    /** A PEM key pair: {@code publicKey} (BEGIN PUBLIC KEY), {@code privateKey} (PKCS#8, BEGIN PRIVATE KEY). */
    public record KeyPair(Path publicKey, Path privateKey) {
    }

    private TestKeys() {
    }

    /** A self-signed certificate for 127.0.0.1 (subjectAltName IP), valid for a day. */
    public static Certificate selfSigned(Path dir, String name) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString());
        return new Certificate(cert, key);
    }

    /** A signing key pair: {@code rsa} (2048 bits, RS256) or {@code ec} (P-256, ES256). */
    public static KeyPair signingKeys(Path dir, String type, String name) {
        Path privateKey = dir.resolve(name + ".key.pem");
        Path publicKey = dir.resolve(name + ".pub.pem");
        List<String> generate = new ArrayList<>(List.of("genpkey", "-out", privateKey.toString()));
        generate.addAll(type.equals("ec") ? List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
                : List.of("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"));
        openssl(generate.toArray(String[]::new));
        openssl("pkey", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString());
        return new KeyPair(publicKey, privateKey);
    }

    private static void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (Exception e) {
            throw new AssertionError("cannot run " + String.join(" ", cmd), e);
        }
    }
}
