package io.livestream.launcher;

import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.rtmp.RtmpMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Only a valid publish token for the stream goes live; a publisher that died comes back at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishAuthTest {
    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start();
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @Test
    void publishWithoutTokenIsRefused() throws Exception {
        assertRefused("notoken", null);
    }

    @Test
    void publishWithTokenForAnotherStreamIsRefused() throws Exception {
        assertRefused("mine", platform.publishToken("someone-else"));
    }

    @Test
    void publishWithExpiredTokenIsRefused() throws Exception {
        Vertx vertx = platform.clientVertx();
        JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(Platform.SECRET)));
        long now = System.currentTimeMillis() / 1000;
        String expired = jwt.generateToken(new JsonObject().put("role", "publish").put("stream", "late")
                .put("sub", "test").put("exp", now - 3600), new JWTOptions().setAlgorithm("HS256"));
        assertRefused("late", expired);
    }

    @Test
    void publishWithForgedTokenIsRefusedBeforePublishStart() throws Exception {
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            String code = client.publish("forged?token=eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoicHVibGlzaCIsInN0cmVhbSI6ImZvcmdlZCJ9.AAAA");
            assertThat(code).isEqualTo("NetStream.Publish.Unauthorized");
            assertThat(client.awaitClosedByServer()).as("connection closed after the refusal").isTrue();
        }
        assertThat(platform.listedStream("forged")).isNull();
    }

    @Test
    void publisherKilledWithSigkillIsAcceptedAgainWithinTwoSeconds() throws Exception {
        String stream = "comeback";
        try (Ffmpeg first = Ffmpeg.publish(platform.publishUrl(stream), 320, 240, 30)) {
            long firstEpoch = platform.awaitLive(stream, Duration.ofSeconds(30)).getLong("startedAt");
            first.kill9();
            long restart = System.nanoTime();
            try (Ffmpeg second = Ffmpeg.publish(platform.publishUrl(stream), 320, 240, 30)) {
                io.livestream.launcher.harness.Await.until("second session granted", Duration.ofSeconds(10),
                        () -> platform.metric("live_ingest_sessions_total", "stream=\"" + stream + "\"") >= 2);
                long grantedMs = (System.nanoTime() - restart) / 1_000_000;
                assertThat(grantedMs).as("ms from restart to accepted publish").isLessThan(2000);
                assertThat(second.isAlive()).as("second publisher not refused: %s", second.output()).isTrue();
                JsonObject again = platform.awaitLive(stream, Duration.ofSeconds(10));
                assertThat(again.getLong("startedAt")).isGreaterThanOrEqualTo(firstEpoch);
            }
        }
    }

    @Test
    void publisherWhoseConnectionWentSilentIsReplacedWithinTwoSeconds() throws Exception {
        String stream = "halfopen";
        String key = stream + "?token=" + platform.publishToken(stream);
        try (RtmpClient silent = new RtmpClient(platform.rtmpPort())) {
            assertThat(silent.publish(key)).isEqualTo("NetStream.Publish.Start");
            silent.send(new RtmpMessage.Video(0, 1, new byte[] {0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65}));
            // The first connection now sends nothing more but stays open, as a cut network leaves it.
            long start = System.nanoTime();
            try (RtmpClient next = new RtmpClient(platform.rtmpPort())) {
                assertThat(next.publish(key)).isEqualTo("NetStream.Publish.Start");
                assertThat((System.nanoTime() - start) / 1_000_000).as("ms until accepted").isLessThan(2000);
            }
            assertThat(silent.awaitClosedByServer()).as("the silent publisher was evicted").isTrue();
        }
    }

    @Test
    void secondPublisherOfALiveStreamIsRefused() throws Exception {
        String stream = "taken";
        try (Ffmpeg owner = Ffmpeg.publish(platform.publishUrl(stream), 320, 240, 30)) {
            platform.awaitLive(stream, Duration.ofSeconds(30));
            try (RtmpClient intruder = new RtmpClient(platform.rtmpPort())) {
                assertThat(intruder.publish(stream + "?token=" + platform.publishToken(stream)))
                        .isEqualTo("NetStream.Publish.BadName");
            }
            assertThat(owner.isAlive()).isTrue();
        }
    }

    @Test
    void anInvalidStreamNameIsRefusedAsBadStreamName() throws Exception {
        double before = platform.metric("live_rtmp_closed_total", "reason=\"bad-stream-name\"");
        double busyBefore = platform.metric("live_rtmp_closed_total", "reason=\"stream-busy\"");
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            assertThat(client.publish("no spaces/or slashes")).isEqualTo("NetStream.Publish.BadName");
            assertThat(client.lastStatusDescription()).startsWith("bad-stream-name:");
            assertThat(client.awaitClosedByServer()).isTrue();
        }
        assertThat(platform.metric("live_rtmp_closed_total", "reason=\"bad-stream-name\"")).isEqualTo(before + 1);
        assertThat(platform.metric("live_rtmp_closed_total", "reason=\"stream-busy\"")).isEqualTo(busyBefore);
    }

    private static void assertRefused(String stream, String token) throws Exception {
        try (Ffmpeg ffmpeg = Ffmpeg.publish(platform.rtmpUrl(stream, token), 320, 240, 30)) {
            int exit = ffmpeg.awaitExit(30);
            assertThat(exit).as("ffmpeg exit code; log:\n%s", ffmpeg.output()).isNotZero();
            assertThat(platform.listedStream(stream)).isNull();
        }
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            String code = client.publish(token == null ? stream : stream + "?token=" + token);
            assertThat(code).isEqualTo("NetStream.Publish.Unauthorized");
            assertThat(client.awaitClosedByServer()).isTrue();
        }
    }
}
