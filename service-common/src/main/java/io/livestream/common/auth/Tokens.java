package io.livestream.common.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * JSON Web Tokens: {@code sub}, {@code role} and the {@code stream} they are scoped to. Checked
 * with the {@link JwtKeys}: HS256 with the secret, RS256 / ES256 with the public key, whichever
 * the token's header names; signed with the private key if there is one, else the secret.
 * A token is checked for signature and expiry (with a small clock-skew leeway) by vertx-auth-jwt,
 * then for its role and stream here.
 */
public final class Tokens {
    public static final String ROLE_PUBLISH = "publish";
    public static final String ROLE_ADMIN = "admin";
    private static final int LEEWAY_SECONDS = 5;

    private final JWTAuth jwt;
    private final String signingAlgorithm;

    public Tokens(Vertx vertx, String secret) {
        this(vertx, JwtKeys.ofSecret(secret));
    }

    public Tokens(Vertx vertx, JwtKeys keys) {
        if (keys.secret() == null && keys.publicKey() == null && keys.privateKey() == null) {
            throw new IllegalArgumentException("a JWT secret or key is required");
        }
        JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS));
        if (keys.secret() != null) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(keys.secret()));
        }
        for (JwtKeys.PemKey key : new JwtKeys.PemKey[] {keys.publicKey(), keys.privateKey()}) {
            if (key != null) {
                options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem()));
            }
        }
        this.jwt = JWTAuth.create(vertx, options);
        this.signingAlgorithm = keys.privateKey() != null ? keys.privateKey().algorithm() : keys.secret() != null ? "HS256" : null;
    }

    /** HS256 wants at least as many key bytes as the hash: shorter secrets are refused in a cluster. */
    public static final int MIN_SECRET_BYTES = 32;

    /** Null when {@code secret} is fit for signing tokens, else why not. */
    public static String weakness(String secret) {
        if (secret == null || secret.isBlank()) {
            return "no secret set";
        }
        int bytes = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return bytes < MIN_SECRET_BYTES ? "the secret has " + bytes + " bytes; use at least " + MIN_SECRET_BYTES
                + " (e.g. openssl rand -base64 32)" : null;
    }

    /** A random secret of 32 bytes, base64url: for a standalone node started without one. */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public String mint(String role, String stream, String subject, Duration ttl) {
        JsonObject claims = new JsonObject().put("role", role);
        if (stream != null) {
            claims.put("stream", stream);
        }
        return mint(claims, subject, ttl);
    }

    /** A token with the given claims (role, stream, nick, ...), subject and lifetime. */
    public String mint(JsonObject claims, String subject, Duration ttl) {
        if (signingAlgorithm == null) {
            throw new IllegalStateException("no key to sign tokens with: give a JWT secret or private key");
        }
        return jwt.generateToken(claims.copy(), new JWTOptions()
                .setAlgorithm(signingAlgorithm)
                .setSubject(subject)
                .setExpiresInSeconds((int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
    }

    /** The token's claims, once its signature and expiry are good. */
    public Future<JsonObject> verify(String token) {
        if (token == null || token.isEmpty()) {
            return Future.failedFuture(new TokenRejectedException("no token"));
        }
        return jwt.authenticate(new TokenCredentials(token))
                .recover(e -> Future.failedFuture(new TokenRejectedException(
                        e.getMessage() == null ? "invalid token" : e.getMessage())))
                .map(user -> user.principal());
    }

    /** Succeeds with the subject when the token lets its holder publish {@code stream}. */
    public Future<String> authorizePublish(String token, String stream) {
        return publishClaims(token, stream).map(claims -> claims.getString("sub", "anonymous"));
    }

    /** Succeeds with the token's claims (checked once) when it lets its holder publish {@code stream}. */
    public Future<JsonObject> publishClaims(String token, String stream) {
        return verify(token).compose(claims -> {
            if (!ROLE_PUBLISH.equals(claims.getString("role"))) {
                return Future.failedFuture(new TokenRejectedException("token has no publish role"));
            }
            if (!stream.equals(claims.getString("stream"))) {
                return Future.failedFuture(new TokenRejectedException("token is for another stream"));
            }
            return Future.succeededFuture(claims);
        });
    }

    /**
     * True when the token is good (signature, expiry) and has the admin role; false for any other
     * token, a bad one or none: for what a token only adds to, never for refusing a request.
     */
    public Future<Boolean> grantsAdmin(String token) {
        if (token == null || token.isEmpty()) {
            return Future.succeededFuture(false);
        }
        return verify(token).map(claims -> ROLE_ADMIN.equals(claims.getString("role"))).otherwise(false);
    }

    /** The token of an {@code Authorization: Bearer <token>} header; null for another scheme or no header. */
    public static String bearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : null;
    }

    /** A token that is missing, malformed, expired, or not good for what was asked. */
    public static final class TokenRejectedException extends RuntimeException {
        public TokenRejectedException(String message) {
            super(message);
        }
    }
}
