package io.livestream.launcher;

import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.MediaPacket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ffmpeg publishes 720p30 H.264 + AAC over RTMP; real players read it back over HTTP-FLV and WebSocket-FLV. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublishAndPlayTest {
    private static final String STREAM = "pattern720";
    private static Platform platform;
    private static Ffmpeg publisher;

    @BeforeAll
    static void publish() {
        platform = Platform.start();
        publisher = Ffmpeg.publish(platform.publishUrl(STREAM), 1280, 720, 30);
        platform.awaitLive(STREAM, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void ffprobeDecodes150FramesOf720pAndTheAudioOverHttpFlv() throws Exception {
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-read_intervals", "%+7",
                "-show_entries", "stream=codec_type,codec_name,width,height,nb_read_frames", "-of", "json",
                platform.httpUrl("/live/" + STREAM + ".flv"))
                .redirectErrorStream(false).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("ffprobe exit; stderr: %s", errors).isZero();
        assertThat(errors).as("decoding errors").isBlank();
        JsonArray streams = new JsonObject(out).getJsonArray("streams");
        JsonObject video = find(streams, "video");
        JsonObject audio = find(streams, "audio");
        assertThat(video.getString("codec_name")).isEqualTo("h264");
        assertThat(video.getInteger("width")).isEqualTo(1280);
        assertThat(video.getInteger("height")).isEqualTo(720);
        assertThat(Integer.parseInt(video.getString("nb_read_frames"))).isGreaterThanOrEqualTo(150);
        assertThat(audio.getString("codec_name")).isEqualTo("aac");
        assertThat(Integer.parseInt(audio.getString("nb_read_frames"))).isPositive();
    }

    @Test
    void webSocketViewerGetsHeaderMetadataSequenceHeadersThenAKeyframeWithMonotonicTimestamps() throws Exception {
        try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM)) {
            List<FlvViewer.Received> got = viewer.awaitReceived("3 s of media", Duration.ofSeconds(20),
                    r -> r.size() > 3 && r.get(r.size() - 1).packet().timestamp() - firstMediaTs(r) > 3000);
            assertThat(viewer.error()).isNull();
            assertThat(viewer.firstMessageStartsWithHeader()).as("first message is the FLV header").isTrue();
            assertThat(viewer.reader().hasAudio()).isTrue();
            assertThat(viewer.reader().hasVideo()).isTrue();

            assertThat(got.get(0).packet().isMetadata()).as("metadata first").isTrue();
            List<MediaPacket> headers = got.subList(1, 3).stream().map(FlvViewer.Received::packet).toList();
            assertThat(headers).anyMatch(MediaPacket::isVideoSequenceHeader).anyMatch(MediaPacket::isAudioSequenceHeader);
            MediaPacket firstVideo = got.stream().map(FlvViewer.Received::packet)
                    .filter(p -> p.kind() == MediaPacket.Kind.VIDEO && !p.isSequenceHeader()).findFirst().orElseThrow();
            assertThat(firstVideo.isKeyframe()).as("first video frame is a keyframe").isTrue();

            int last = Integer.MIN_VALUE;
            for (FlvViewer.Received r : got) {
                assertThat(r.packet().timestamp()).as("timestamp of %s after %d", r.packet(), last).isGreaterThanOrEqualTo(last);
                last = r.packet().timestamp();
            }
        }
    }

    @Test
    void everyKeyframeIsFollowedByTheServerClock() throws Exception {
        try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM)) {
            List<FlvViewer.Received> got = viewer.awaitReceived("three keyframes", Duration.ofSeconds(20),
                    r -> r.stream().filter(x -> x.packet().isKeyframe()).count() >= 3);
            for (int i = 0; i < got.size() - 1; i++) {
                if (got.get(i).packet().isKeyframe()) {
                    MediaPacket next = got.get(i + 1).packet();
                    java.util.OptionalLong serverTime = io.livestream.media.flv.ScriptTags.serverTime(next);
                    assertThat(serverTime).as("clock cue point after the keyframe at %d", got.get(i).packet().timestamp()).isPresent();
                    long ageMs = System.currentTimeMillis() - serverTime.getAsLong();
                    assertThat(ageMs).as("the clock is the server's recent time").isBetween(-1000L, 30_000L);
                    assertThat(next.timestamp()).isEqualTo(got.get(i).packet().timestamp());
                }
            }
        }
    }

    /**
     * A late joiner starts on the GOP the server keeps, not on the next keyframe: its first keyframe
     * is not newer than the live edge when it joined (the first viewer's latest frame then, give or
     * take what was in flight). Waiting for the next keyframe instead (one a second here) would pass
     * each join with the chance that one came within the tolerance: 0.3^5 for all five.
     */
    @Test
    void viewerJoiningMidStreamStartsOnTheCachedKeyframe() throws Exception {
        int inFlightMs = 300;
        try (FlvViewer first = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM)) {
            first.awaitLiveEdge();
            for (int i = 0; i < 5; i++) {
                int liveEdge = first.latestVideoTimestamp();
                try (FlvViewer late = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM)) {
                    late.awaitFirstKeyframe(Duration.ofSeconds(10));
                    MediaPacket firstVideo = late.firstVideoFrame();
                    assertThat(firstVideo.isKeyframe()).as("the late joiner's first frame is a keyframe").isTrue();
                    assertThat(firstVideo.timestamp()).as("its timestamp against the live edge when it joined")
                            .isLessThanOrEqualTo(liveEdge + inFlightMs);
                }
            }
        }
    }

    @Test
    void apiListsTheStreamWithCodecsResolutionBitrateAndViewers() throws Exception {
        try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM)) {
            viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
            JsonObject s = io.livestream.launcher.harness.Await.value("viewer counted", Duration.ofSeconds(10), () -> {
                JsonObject listed = platform.listedStream(STREAM);
                return listed != null && listed.getInteger("viewers") >= 1 && listed.getLong("bitrateKbps") > 0 ? listed : null;
            });
            assertThat(s.getJsonObject("video").getString("codec")).isEqualTo("h264");
            assertThat(s.getJsonObject("video").getString("codecString")).startsWith("avc1.");
            assertThat(s.getJsonObject("video").getInteger("width")).isEqualTo(1280);
            assertThat(s.getJsonObject("video").getInteger("height")).isEqualTo(720);
            assertThat(s.getJsonObject("video").getDouble("fps")).isBetween(20.0, 40.0);
            assertThat(s.getJsonObject("audio").getString("codec")).isEqualTo("aac");
            assertThat(s.getJsonObject("audio").getString("codecString")).startsWith("mp4a.40");
            assertThat(s.getJsonObject("audio").getInteger("sampleRate")).isEqualTo(44100);
            assertThat(s.getLong("uptimeSeconds")).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void metricsAndHealthAnswer() {
        assertThat(platform.get("/health").statusCode()).isEqualTo(200);
        var metrics = platform.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("live_publishers", "live_ingest_bytes_total{stream=\"" + STREAM + "\"");
        assertThat(platform.metric("live_publishers")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void streamThatIsNotLiveIs404OverHttpAndStreamNotFoundOverWebSocket() throws Exception {
        var response = platform.get("/live/nobody.flv");
        assertThat(response.statusCode()).isEqualTo(404);
        try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), "nobody")) {
            FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(10));
            assertThat(close.reason()).isEqualTo("stream-not-found");
            assertThat(close.code()).isEqualTo((short) 4404);
        }
    }

    private static int firstMediaTs(List<FlvViewer.Received> r) {
        return r.stream().map(FlvViewer.Received::packet).filter(p -> !p.isMetadata() && !p.isSequenceHeader())
                .mapToInt(MediaPacket::timestamp).findFirst().orElse(Integer.MAX_VALUE / 2);
    }

    private static JsonObject find(JsonArray streams, String type) {
        return streams.stream().map(o -> (JsonObject) o).filter(s -> type.equals(s.getString("codec_type")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " stream in " + streams));
    }
}
