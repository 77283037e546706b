package io.livestream.common.net;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;

import javax.net.ssl.X509KeyManager;

/**
 * A server certificate (chain) and its private key from PEM files, read and checked once at
 * start-up so that a wrong path or a mismatched pair stops the process with a message that names
 * the file, rather than failing the first handshake. Keys may be PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
 */
public final class TlsFiles {
    private final String certFile;
    private final String keyFile;
    private final PemKeyCertOptions keyCert;

    private TlsFiles(String certFile, String keyFile, PemKeyCertOptions keyCert) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.keyCert = keyCert;
    }

    /**
     * Reads the pair; null when neither file is given (TLS off).
     *
     * @throws IllegalArgumentException when only one is given, or a file is missing, unreadable, or not a
     *                                  PEM certificate / private key, or the key does not belong to the certificate
     */
    public static TlsFiles load(String certFile, String keyFile) {
        boolean noCert = certFile == null || certFile.isBlank();
        boolean noKey = keyFile == null || keyFile.isBlank();
        if (noCert && noKey) {
            return null;
        }
        if (noCert || noKey) {
            throw new IllegalArgumentException("TLS needs both a certificate and a private key; only the "
                    + (noCert ? "key (" + keyFile + ")" : "certificate (" + certFile + ")") + " is set");
        }
        PemKeyCertOptions options = new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(PemFiles.read(certFile, "TLS certificate")))
                .setKeyValue(Buffer.buffer(PemFiles.read(keyFile, "TLS private key")));
        boolean pair;
        try {
            // parses both the way the server will; Vert.x checks the key's type against the certificate's, not the key itself
            String alias = options.loadKeyStore(null).aliases().nextElement();
            X509KeyManager keys = (X509KeyManager) options.getKeyManagerFactory(null).getKeyManagers()[0];
            pair = PemFiles.isPair(keys.getPrivateKey(alias), keys.getCertificateChain(alias)[0].getPublicKey());
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS certificate " + certFile + " with key " + keyFile + ": " + e.getMessage());
        }
        if (!pair) {
            throw new IllegalArgumentException("TLS certificate " + certFile + " with key " + keyFile + ": the key is not the certificate's");
        }
        return new TlsFiles(certFile, keyFile, options);
    }

    /** Turns TLS on in {@code options} (an HTTP or a TCP server's) with this certificate. */
    public <T extends NetServerOptions> T applyTo(T options) {
        options.setSsl(true);
        options.setKeyCertOptions(keyCert.copy());
        return options;
    }

    public String certFile() {
        return certFile;
    }

    public String keyFile() {
        return keyFile;
    }

    @Override
    public String toString() {
        return "TlsFiles[" + certFile + ", " + keyFile + "]";
    }
}
