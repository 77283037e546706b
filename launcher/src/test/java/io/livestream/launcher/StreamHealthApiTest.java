package io.livestream.launcher;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * {@code GET /api/streams/<stream>/health} with real ffmpeg publishers: the keyframe interval reads
 * what ffmpeg was told ({@code -g}), a 6 s interval is warned, viewers and the room's messages show
 * up in the samples, and killing ffmpeg turns the stream to "encoder stopped".
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamHealthApiTest {
    private static final Duration PATIENCE = Duration.ofSeconds(40);
    /** Samples of the first seconds (the encoder and the connection warming up) are left out of the rate checks. */
    private static final int WARM_UP = 3;
    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static JsonObject health(String stream) {
        HttpResponse<String> response = platform.get("/api/streams/" + stream + "/health");
        assertThat(response.statusCode()).as("health of %s: %s", stream, response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static List<JsonObject> samples(JsonObject health) {
        return health.getJsonArray("samples").stream().map(o -> (JsonObject) o).toList();
    }

    /** Waits until some sample of the stream's health satisfies {@code wanted}. */
    private static JsonObject awaitSample(String stream, String what, Predicate<JsonObject> wanted) {
        return Await.value(what, PATIENCE, () -> samples(health(stream)).stream().filter(wanted).findFirst().orElse(null));
    }

    /** A sample's figure; 0 where it is unknown (null). */
    private static double number(JsonObject sample, String key) {
        Number n = (Number) sample.getValue(key);
        return n == null ? 0 : n.doubleValue();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void anUnknownStreamIs404() {
        HttpResponse<String> response = platform.get("/api/streams/nobody-here/health");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(response.body()).getString("error")).isEqualTo("stream-not-found");
    }

    @Test
    void bitrateFrameRateAndTheKeyframeIntervalFfmpegWasToldViewersAndRoomMessages() throws Exception {
        String stream = "health2s";
        try (Ffmpeg ffmpeg = Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 25, 2)) {
            platform.awaitLive(stream, PATIENCE);
            JsonObject health = Await.value("8 samples after the warm-up", PATIENCE, () -> {
                JsonObject h = health(stream);
                return samples(h).size() >= WARM_UP + 8 && h.getValue("keyframeInterval") != null ? h : null;
            });
            List<JsonObject> warm = samples(health).subList(WARM_UP, samples(health).size());
            assertThat(median(warm.stream().map(s -> s.getDouble("fps")).toList())).as("frame rate").isBetween(20.0, 30.0);
            assertThat(median(warm.stream().map(s -> s.getDouble("kbps")).toList())).as("bitrate, kbps").isBetween(30.0, 5000.0);
            assertThat(health.getDouble("keyframeInterval")).as("keyframe interval, s").isCloseTo(2.0, offset(0.15));
            assertThat(health.getBoolean("keyframeIntervalHigh")).isFalse();
            assertThat(health.getBoolean("keyframeIntervalIrregular")).isFalse();
            assertThat(health.getBoolean("live")).isTrue();
            assertThat(health.getBoolean("stopped")).isFalse();

            try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), stream)) {
                viewer.awaitFirstKeyframe(PATIENCE);
                awaitSample(stream, "a sample with the viewer", s -> number(s, "viewers") >= 1);
            }
            String token = platform.running().mint(new JsonObject().put("role", "viewer").put("nick", "Talker"), "guest-talker", Duration.ofHours(1));
            try (RoomClient talker = RoomClient.join(platform.clientVertx(), platform.httpPort(), stream, token, 0)) {
                talker.awaitHello(PATIENCE);
                // distinct texts, under the room's rate (1 a second, bursts of 3): never taken for a flood
                int[] said = {0};
                Await.value("a sample with the room's messages", PATIENCE, () -> {
                    try {
                        talker.send(new JsonObject().put("type", "danmaku").put("text", "health check " + said[0]++));
                        Thread.sleep(1200);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    return samples(health(stream)).stream().filter(s -> number(s, "messagesPerSecond") > 0).findFirst().orElse(null);
                });
                assertThat(talker.isClosed()).as("the talker stays in the room").isFalse();
            }
        }
    }

    @Test
    void aSixSecondKeyframeIntervalIsWarnedAndKillingFfmpegShowsTheEncoderStopped() throws Exception {
        String stream = "health6s";
        try (Ffmpeg ffmpeg = Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 25, 6)) {
            platform.awaitLive(stream, PATIENCE);
            Await.until("the keyframe interval warned", PATIENCE, () -> health(stream).getBoolean("keyframeIntervalHigh"));
            JsonObject six = Await.value("a 6 s interval measured", PATIENCE, () -> {
                JsonObject h = health(stream);
                return h.getValue("keyframeInterval") != null ? h : null;
            });
            assertThat(six.getDouble("keyframeInterval")).isCloseTo(6.0, offset(0.15));
            assertThat(six.getBoolean("keyframeIntervalHigh")).isTrue();
            assertThat(six.getBoolean("stopped")).isFalse();

            long killedAt = System.currentTimeMillis();
            ffmpeg.kill9();
            JsonObject stopped = Await.value("the encoder stopped", PATIENCE, () -> {
                JsonObject h = health(stream);
                return h.getBoolean("stopped") ? h : null;
            });
            assertThat(System.currentTimeMillis() - killedAt).as("stopped shown within, ms").isLessThan(10_000);
            assertThat(stopped.getBoolean("live")).isFalse();
            assertThat(stopped.getLong("stoppedAt")).isGreaterThanOrEqualTo(killedAt - 1000);
            assertThat(samples(stopped)).as("the history is kept").isNotEmpty();
        }
    }
}
