package io.livestream.launcher;

import io.livestream.common.auth.JwtKeys;
import picocli.CommandLine.Option;

/** The keys a process checks tokens with: an HS256 secret, a public key (RS256/ES256), or both. */
public final class JwtOptions {
    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}",
            description = "HS256 secret for tokens, at least 32 bytes (env LIVE_JWT_SECRET)")
    public String secret;

    @Option(names = "--jwt-public-key", defaultValue = "${env:LIVE_JWT_PUBLIC_KEY:-}",
            description = "PEM public key (RSA: RS256, EC P-256: ES256) that checks tokens signed with its private key (env LIVE_JWT_PUBLIC_KEY)")
    public String publicKey;

    /** The keys, with {@code privateKeyFile} (null: none) for a process that signs tokens too. */
    public JwtKeys keys(String privateKeyFile) {
        return load(secret, publicKey, privateKeyFile);
    }

    /** {@link JwtKeys#load}, a file that cannot serve being a bad setting. */
    static JwtKeys load(String secret, String publicKeyFile, String privateKeyFile) {
        try {
            return JwtKeys.load(secret, publicKeyFile, privateKeyFile);
        } catch (IllegalArgumentException e) {
            throw new BadSettingException(e.getMessage());
        }
    }

    /** The keys of a clustered role, which must be able to check tokens: a strong secret, or a public key. */
    public JwtKeys clusterKeys(String privateKeyFile) {
        JwtKeys keys = keys(privateKeyFile);
        String weakness = keys.weakness();
        if (weakness != null) {
            throw new BadSettingException("LIVE_JWT_SECRET (or --jwt-secret) or LIVE_JWT_PUBLIC_KEY (or --jwt-public-key)"
                    + " is required in a cluster: " + weakness);
        }
        return keys;
    }
}
