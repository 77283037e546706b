package io.livestream.common;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokens signed with a private key (RS256, ES256) are checked with its public key, beside HS256 ones. */
class TokensTest {
    private static final String SECRET = "0123456789-0123456789-0123456789-secret";
    private static Vertx vertx;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void tokenSignedWithThePrivateKeyPublishesOnlyItsOwnStream(String type) throws Exception {
        Path[] pair = keyPair(type, "a");
        Tokens signer = new Tokens(vertx, JwtKeys.load(null, null, pair[1].toString()));
        Tokens checker = new Tokens(vertx, JwtKeys.load(null, pair[0].toString(), null));
        String token = signer.mint("publish", "alpha", "op", Duration.ofMinutes(5));

        assertThat(header(token)).contains(type.equals("RSA") ? "RS256" : "ES256");
        assertThat(checker.authorizePublish(token, "alpha").await()).isEqualTo("op");
        assertThatThrownBy(() -> checker.authorizePublish(token, "beta").await())
                .isInstanceOf(Tokens.TokenRejectedException.class).hasMessageContaining("another stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void tokenSignedWithAnotherKeyIsRefused(String type) throws Exception {
        Path[] ours = keyPair(type, "ours");
        Path[] theirs = keyPair(type, "theirs");
        Tokens forger = new Tokens(vertx, JwtKeys.load(null, null, theirs[1].toString()));
        Tokens checker = new Tokens(vertx, JwtKeys.load(SECRET, ours[0].toString(), null));
        String forged = forger.mint("publish", "alpha", "mallory", Duration.ofMinutes(5));
        assertThatThrownBy(() -> checker.authorizePublish(forged, "alpha").await())
                .isInstanceOf(Tokens.TokenRejectedException.class);
    }

    @Test
    void secretTokensStillPassBesideAPublicKeyAndOtherSecretsDoNot() throws Exception {
        Path[] pair = keyPair("EC", "k");
        Tokens checker = new Tokens(vertx, JwtKeys.load(SECRET, pair[0].toString(), null));
        String good = new Tokens(vertx, SECRET).mint("publish", "alpha", "op", Duration.ofMinutes(5));
        String other = new Tokens(vertx, SECRET + "-other").mint("publish", "alpha", "op", Duration.ofMinutes(5));
        assertThat(checker.authorizePublish(good, "alpha").await()).isEqualTo("op");
        assertThatThrownBy(() -> checker.authorizePublish(other, "alpha").await()).isInstanceOf(Tokens.TokenRejectedException.class);
    }

    @Test
    void aNodeWithBothKeysSignsWithThePrivateOneAndChecksItsOwnTokens() throws Exception {
        Path[] pair = keyPair("RSA", "both");
        Tokens node = new Tokens(vertx, JwtKeys.load(SECRET, pair[0].toString(), pair[1].toString()));
        String token = node.mint(new JsonObject().put("role", "viewer").put("nick", "Ann"), "guest-1", Duration.ofMinutes(5));
        assertThat(header(token)).contains("RS256");
        assertThat(node.verify(token).await().getString("nick")).isEqualTo("Ann");
    }

    @Test
    void onlyAGoodAdminTokenGrantsAdminAndNoTokenIsAnError() {
        Tokens tokens = new Tokens(vertx, SECRET);
        assertThat(tokens.grantsAdmin(tokens.mint("admin", null, "ops", Duration.ofMinutes(5))).await()).isTrue();
        assertThat(tokens.grantsAdmin(tokens.mint("streamer", "alpha", "me", Duration.ofMinutes(5))).await()).isFalse();
        assertThat(tokens.grantsAdmin(new Tokens(vertx, SECRET + "-other").mint("admin", null, "ops", Duration.ofMinutes(5))).await())
                .as("signed with another secret").isFalse();
        assertThat(tokens.grantsAdmin("not.a.jwt").await()).isFalse();
        assertThat(tokens.grantsAdmin(null).await()).isFalse();
    }

    @Test
    void bearerTakesTheTokenOfABearerHeaderOnly() {
        assertThat(Tokens.bearer("Bearer abc.def.ghi")).isEqualTo("abc.def.ghi");
        assertThat(Tokens.bearer("bearer  abc ")).isEqualTo("abc");
        assertThat(Tokens.bearer("Basic dXNlcjpwYXNz")).isNull();
        assertThat(Tokens.bearer(null)).isNull();
    }

    @Test
    void expiryKeepsAFewSecondsOfClockSkewLeeway() throws Exception {
        Path[] pair = keyPair("EC", "skew");
        // signed by hand: Tokens.mint always sets a lifetime from now
        JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(Files.readString(pair[1]))));
        Tokens checker = new Tokens(vertx, JwtKeys.load(null, pair[0].toString(), null));
        long now = System.currentTimeMillis() / 1000;
        JsonObject claims = new JsonObject().put("role", "publish").put("stream", "alpha").put("sub", "op");
        String justExpired = signer.generateToken(claims.copy().put("exp", now - 2), new JWTOptions().setAlgorithm("ES256"));
        String longExpired = signer.generateToken(claims.copy().put("exp", now - 60), new JWTOptions().setAlgorithm("ES256"));
        assertThat(checker.authorizePublish(justExpired, "alpha").await()).isEqualTo("op");
        assertThatThrownBy(() -> checker.authorizePublish(longExpired, "alpha").await()).isInstanceOf(Tokens.TokenRejectedException.class);
    }

    @Test
    void aNodeNeedsASecretOrAPublicKeyAndASecretLongEnough() throws Exception {
        Path[] pair = keyPair("RSA", "w");
        assertThat(JwtKeys.load(null, null, null).weakness()).contains("no key set");
        assertThat(JwtKeys.load(null, null, pair[1].toString()).weakness()).as("a private key alone checks nothing").isNotNull();
        assertThat(JwtKeys.load(null, pair[0].toString(), null).weakness()).isNull();
        assertThat(JwtKeys.load("short", pair[0].toString(), null).weakness()).contains("at least 32");
        assertThat(JwtKeys.load(SECRET, null, null).weakness()).isNull();
    }

    @Test
    void keyFilesThatCannotServeFailWithTheFileNamed() throws Exception {
        Path[] rsa = keyPair("RSA", "r");
        Path[] ec = keyPair("EC", "e");
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> JwtKeys.load(null, missing.toString(), null))
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
        assertThatThrownBy(() -> JwtKeys.load(null, rsa[1].toString(), null))
                .as("a private key where the public one goes").hasMessageContaining("expected 'PUBLIC KEY'");
        Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), Files.readString(rsa[1]).replace("PRIVATE KEY", "RSA PRIVATE KEY"));
        assertThatThrownBy(() -> JwtKeys.load(null, null, pkcs1.toString())).hasMessageContaining("openssl pkey");
        assertThatThrownBy(() -> JwtKeys.load(null, rsa[0].toString(), ec[1].toString()))
                .hasMessageContaining("does not belong to the public key");
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        Path p384Pub = Files.writeString(dir.resolve("p384.pub"), pem("PUBLIC KEY", p384.generateKeyPair().getPublic().getEncoded()));
        assertThatThrownBy(() -> JwtKeys.load(null, p384Pub.toString(), null)).hasMessageContaining("ES256 needs P-256");
    }

    /** {public.pem, private.pem} of a new RSA 2048 or EC P-256 pair, as openssl writes them. */
    private Path[] keyPair(String type, String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
        if (type.equals("EC")) {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        } else {
            generator.initialize(2048);
        }
        KeyPair pair = generator.generateKeyPair();
        return new Path[] {
                Files.writeString(dir.resolve(name + ".pub.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded())),
                Files.writeString(dir.resolve(name + ".key.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()))};
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
    }
}
