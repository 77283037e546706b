package io.livestream.common.net;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Key and certificate files given in the settings: read, failing with a message that names the file, and checked. */
public final class PemFiles {
    private PemFiles() {
    }

    /**
     * The file's bytes.
     *
     * @param what what the file is, for the message, e.g. {@code "TLS certificate"}
     * @throws IllegalArgumentException when it is missing or cannot be read
     */
    public static byte[] read(String file, String what) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(what + " " + file + ": not readable (permission denied)");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(what + " " + file + ": cannot be read: " + e.getMessage());
        }
    }

    /** True when {@code privateKey} is the other half of {@code publicKey}: a probe it signs verifies. */
    public static boolean isPair(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> publicKey.getAlgorithm(); // Ed25519, Ed448
        };
        try {
            byte[] probe = "livestream".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
