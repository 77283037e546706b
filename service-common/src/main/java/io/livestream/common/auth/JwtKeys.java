package io.livestream.common.auth;

import io.livestream.common.net.PemFiles;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys tokens are checked and signed with: an HS256 secret, a public key (RS256 for RSA,
 * ES256 for EC P-256) that checks tokens signed elsewhere, and the matching private key for
 * whoever signs them. Any of the three may be absent.
 *
 * @param secret     HS256 secret, or null
 * @param publicKey  PEM public key (SubjectPublicKeyInfo, {@code BEGIN PUBLIC KEY}), or null
 * @param privateKey PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY}), or null
 */
public record JwtKeys(String secret, PemKey publicKey, PemKey privateKey) {

    /** A PEM key and the JWT algorithm its type implies. */
    public record PemKey(String algorithm, String pem) {
    }

    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    public JwtKeys {
        secret = secret == null || secret.isBlank() ? null : secret;
    }

    public static JwtKeys ofSecret(String secret) {
        return new JwtKeys(secret, null, null);
    }

    /**
     * Reads and checks the key files (null or blank: not given).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static JwtKeys load(String secret, String publicKeyFile, String privateKeyFile) {
        PemKey pub = isBlank(publicKeyFile) ? null : readKey(publicKeyFile, false);
        PemKey priv = isBlank(privateKeyFile) ? null : readKey(privateKeyFile, true);
        if (pub != null && priv != null) {
            checkPair(pub, priv, privateKeyFile, publicKeyFile);
        }
        return new JwtKeys(secret, pub, priv);
    }

    public JwtKeys withSecret(String s) {
        return new JwtKeys(s, publicKey, privateKey);
    }

    /** True when tokens can be minted: with the private key if there is one, else the secret. */
    public boolean canSign() {
        return privateKey != null || secret != null;
    }

    /**
     * Null when this node can check tokens safely, else why not: it needs a public key or a secret,
     * and a secret given must be long enough.
     */
    public String weakness() {
        if (secret == null && publicKey == null) {
            return "no key set: give an HS256 secret or a public key";
        }
        return secret == null ? null : Tokens.weakness(secret);
    }

    private static PemKey readKey(String file, boolean isPrivate) {
        String what = isPrivate ? "JWT private key " : "JWT public key ";
        String text = new String(PemFiles.read(file, what.strip()), StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(what + file + ": no PEM block in it");
        }
        String type = m.group(1);
        String wanted = isPrivate ? "PRIVATE KEY" : "PUBLIC KEY";
        if (!type.equals(wanted)) {
            throw new IllegalArgumentException(what + file + ": a PEM '" + type + "', expected '" + wanted + "' ("
                    + (isPrivate ? "unencrypted PKCS#8: openssl pkey -in " + file + " -out key.pem"
                    : "extract it with: openssl pkey -in private.pem -pubout") + ")");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        Key key = decode(der, isPrivate);
        if (key == null) {
            throw new IllegalArgumentException(what + file + ": neither an RSA nor an EC key");
        }
        String algorithm = key instanceof ECKey ec ? ecAlgorithm(ec, what + file) : "RS256";
        return new PemKey(algorithm, m.group());
    }

    private static Key decode(byte[] der, boolean isPrivate) {
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                KeyFactory factory = KeyFactory.getInstance(type);
                return isPrivate ? factory.generatePrivate(new PKCS8EncodedKeySpec(der))
                        : factory.generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this type: try the next
            }
        }
        return null;
    }

    /** ES256 is ECDSA on P-256 (RFC 7518 3.4); other curves have other algorithms, not accepted here. */
    private static String ecAlgorithm(ECKey key, String where) {
        int bits = key.getParams().getCurve().getField().getFieldSize();
        if (bits != 256) {
            throw new IllegalArgumentException(where + ": an EC key on a " + bits + "-bit curve; ES256 needs P-256");
        }
        return "ES256";
    }

    /** Signs a probe with the private key and checks it with the public one, so a mixed-up pair fails at start. */
    private static void checkPair(PemKey pub, PemKey priv, String privateFile, String publicFile) {
        Key privateKey = decode(der(priv), true);
        Key publicKey = decode(der(pub), false);
        if (!pub.algorithm().equals(priv.algorithm())
                || !PemFiles.isPair((PrivateKey) privateKey, (PublicKey) publicKey)) {
            throw new IllegalArgumentException("JWT private key " + privateFile + " does not belong to the public key " + publicFile);
        }
    }

    private static byte[] der(PemKey key) {
        Matcher m = PEM.matcher(key.pem());
        m.find();
        return Base64.getMimeDecoder().decode(m.group(2));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
