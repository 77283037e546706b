package io.livestream.launcher;

import io.livestream.common.auth.JwtKeys;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.livestream.launcher.harness.TestKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A platform given a public key (RSA: RS256, EC P-256: ES256) takes tokens the operator signed
 * with the private key ({@code token --jwt-private-key}) for publishing and for rooms, beside
 * its HS256 ones; a token signed with any other key is refused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicKeyTokensTest {

    @Nested
    class Rsa extends WithKey {
        Rsa() {
            super("rsa");
        }
    }

    @Nested
    class Ec extends WithKey {
        Ec() {
            super("ec");
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class WithKey {
        private final String type;
        private TestKeys.KeyPair ours;
        private TestKeys.KeyPair theirs;
        private Platform platform;

        WithKey(String type) {
            this.type = type;
        }

        @BeforeAll
        void start(@TempDir Path dir) {
            ours = TestKeys.signingKeys(dir, type, "ours");
            theirs = TestKeys.signingKeys(dir, type, "theirs");
            JwtKeys keys = JwtKeys.load(Platform.SECRET, ours.publicKey().toString(), null);
            platform = Platform.start(s -> s.withJwt(keys));
        }

        @AfterAll
        void stop() {
            if (platform != null) {
                platform.close();
            }
        }

        @Test
        void publishTokenSignedWithThePrivateKeyGoesLive() throws Exception {
            String stream = type + "-live";
            String token = mint(ours, "publish", "--stream", stream);
            assertThat(header(token)).contains(type.equals("ec") ? "ES256" : "RS256");
            try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
                assertThat(client.publish(stream + "?token=" + token)).isEqualTo("NetStream.Publish.Start");
            }
        }

        @Test
        void publishTokenForOneStreamCannotPublishAnother() throws Exception {
            String token = mint(ours, "publish", "--stream", type + "-a");
            assertRefused(type + "-b", token);
        }

        @Test
        void publishTokenSignedWithAnotherKeyIsRefused() throws Exception {
            String stream = type + "-forged";
            assertRefused(stream, mint(theirs, "publish", "--stream", stream));
        }

        @Test
        void secretTokensStillPublishBesideThePublicKey() throws Exception {
            String stream = type + "-hs";
            try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
                assertThat(client.publish(stream + "?token=" + platform.publishToken(stream))).isEqualTo("NetStream.Publish.Start");
            }
        }

        @Test
        void streamerTokenSignedWithThePrivateKeyJoinsTheRoomAsStreamer() throws Exception {
            String room = type + "-room";
            String token = mint(ours, "streamer", "--stream", room, "--subject", "host1", "--nick", "Host");
            try (RoomClient client = RoomClient.join(platform.clientVertx(), platform.httpPort(), room, token, 0)) {
                JsonObject you = client.await("hello", e -> "hello".equals(e.getString("type"))).getJsonObject("you");
                assertThat(you.getString("id")).isEqualTo("host1");
                assertThat(you.getString("role")).isEqualTo("streamer");
            }
        }

        @Test
        void roomTokenSignedWithAnotherKeyIsClosedBadToken() throws Exception {
            String room = type + "-room2";
            String token = mint(theirs, "viewer", "--subject", "mallory");
            try (RoomClient client = RoomClient.join(platform.clientVertx(), platform.httpPort(), room, token, 0)) {
                FlvViewer.Close close = client.awaitClose();
                assertThat(close.code()).isEqualTo((short) 4401);
                assertThat(close.reason()).isEqualTo("bad-token");
            }
        }

        private void assertRefused(String stream, String token) throws Exception {
            try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
                assertThat(client.publish(stream + "?token=" + token)).isEqualTo("NetStream.Publish.Unauthorized");
                assertThat(client.awaitClosedByServer()).isTrue();
            }
            assertThat(platform.listedStream(stream)).isNull();
        }
    }

    /** {@code token ROLE ... --jwt-private-key KEY}, as the operator runs it; returns the printed token. */
    static String mint(TestKeys.KeyPair keys, String... args) {
        List<String> command = new ArrayList<>(List.of("token"));
        command.addAll(List.of(args));
        command.addAll(List.of("--jwt-private-key", keys.privateKey().toString()));
        return Commands.output(command.toArray(String[]::new));
    }

    @Test
    void clusteredRolesRefuseToStartWithoutAKeyToCheckTokensWith(@TempDir Path dir) {
        TestKeys.KeyPair keys = TestKeys.signingKeys(dir, "ec", "k");
        assertThat(Commands.refused("ingest", "--jwt-secret", ""))
                .startsWith("ingest: LIVE_JWT_SECRET (or --jwt-secret) or LIVE_JWT_PUBLIC_KEY").endsWith("no key set: give an HS256 secret or a public key");
        assertThat(Commands.refused("ingest", "--jwt-secret", "too-short")).contains("use at least 32");
        assertThat(Commands.refused("relay", "--jwt-secret", ""))
                .as("a relay checks private streams' play tokens").startsWith("relay: LIVE_JWT_SECRET (or --jwt-secret)");
        assertThat(Commands.refused("gateway", "--jwt-secret", "", "--jwt-public-key", keys.publicKey().toString()))
                .as("a gateway signs guest tokens").contains("LIVE_JWT_PRIVATE_KEY");
        assertThat(Commands.refused("ingest", "--jwt-secret", "", "--jwt-public-key", dir.resolve("nope.pem").toString()))
                .isEqualTo("ingest: JWT public key " + dir.resolve("nope.pem") + ": no such file");
    }

    private static String header(String token) {
        return new String(java.util.Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))));
    }
}
