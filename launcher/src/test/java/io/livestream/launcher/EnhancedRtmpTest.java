package io.livestream.launcher;

import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.Ffmpeg7;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.VideoTagHeader;
import io.livestream.media.rtmp.RtmpMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FFmpeg 7.1 publishes HEVC (libx265) and AV1 (SVT-AV1) over RTMP in the Enhanced RTMP format, at
 * 320x180 with a key frame a second; ffprobe 7.1 reads them back over HTTP-FLV, a WebSocket-FLV late
 * joiner starts on a key frame, {@code /api/streams} names the codec. A FourCC outside the spec is
 * refused by name.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EnhancedRtmpTest {
    private static Platform platform;
    private static Ffmpeg hevc;
    private static Ffmpeg av1;

    @BeforeAll
    static void publish() {
        platform = Platform.start();
        hevc = Ffmpeg7.publish(platform.publishUrl("hevc"), "libx265");
        av1 = Ffmpeg7.publish(platform.publishUrl("av1"), "libsvtav1");
        platform.awaitLive("hevc", Duration.ofSeconds(30));
        platform.awaitLive("av1", Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        for (Ffmpeg f : new Ffmpeg[] {hevc, av1}) {
            if (f != null) {
                f.close();
            }
        }
        if (platform != null) {
            platform.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"hevc, hevc", "av1, av1"})
    void ffprobe71ReadsCodecResolutionAndHundredFramesOverHttpFlv(String stream, String codecName) throws Exception {
        Process probe = Ffmpeg7.probe(List.of("-v", "error", "-count_frames", "-read_intervals", "%+6",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json",
                platform.httpUrl("/live/" + stream + ".flv")));
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("ffprobe exit; stderr: %s", errors).isZero();
        assertThat(errors).as("decoding errors").isBlank();
        JsonObject video = new JsonObject(out).getJsonArray("streams").getJsonObject(0);
        assertThat(video.getString("codec_name")).isEqualTo(codecName);
        assertThat(video.getInteger("width")).isEqualTo(320);
        assertThat(video.getInteger("height")).isEqualTo(180);
        assertThat(Integer.parseInt(video.getString("nb_read_frames"))).isGreaterThanOrEqualTo(100);
    }

    @ParameterizedTest
    @CsvSource({"hevc, hvc1", "av1, av01"})
    void lateWebSocketViewerStartsOnAKeyframeOfItsCodecWithoutTheMetadataPacket(String stream, String fourCc) throws Exception {
        try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), stream)) {
            viewer.awaitFirstKeyframe(Duration.ofSeconds(20));
            List<FlvViewer.Received> got = viewer.awaitReceived("2 s of video", Duration.ofSeconds(20),
                    r -> r.stream().filter(x -> x.packet().kind() == MediaPacket.Kind.VIDEO).count() > 50);
            assertThat(viewer.error()).isNull();
            List<MediaPacket> video = got.stream().map(FlvViewer.Received::packet).filter(p -> p.kind() == MediaPacket.Kind.VIDEO).toList();
            assertThat(video.get(0).isVideoSequenceHeader()).as("sequence start first").isTrue();
            assertThat(VideoTagHeader.parse(video.get(0).payload()).fourCc()).isEqualTo(fourCc);
            assertThat(viewer.firstVideoFrame().isKeyframe()).as("first frame is a key frame").isTrue();
            assertThat(video).noneMatch(MediaPacket::isVideoMetadata); // mpegts.js stops at it: left out by default
            assertThat(video.stream().filter(MediaPacket::isKeyframe).count()).as("a key frame a second").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void apiListsEachStreamWithItsCodecProfileAndResolution() {
        JsonObject h = Await.value("hevc listed with its codec", Duration.ofSeconds(10), () -> withCodec("hevc"));
        assertThat(h.getString("codec")).isEqualTo("hevc");
        assertThat(h.getString("codecString")).startsWith("hvc1.1.6.L");
        assertThat(h.getString("profile")).isEqualTo("Main");
        assertThat(h.getInteger("width")).isEqualTo(320);
        assertThat(h.getInteger("height")).isEqualTo(180);
        JsonObject a = Await.value("av1 listed with its codec", Duration.ofSeconds(10), () -> withCodec("av1"));
        assertThat(a.getString("codec")).isEqualTo("av1");
        assertThat(a.getString("codecString")).startsWith("av01.0.");
        assertThat(a.getString("profile")).isEqualTo("Main");
        assertThat(a.getInteger("width")).isEqualTo(320);
        assertThat(a.getInteger("height")).isEqualTo(180);
        JsonArray all = new JsonObject(platform.get("/api/streams").body()).getJsonArray("streams");
        assertThat(all.stream().map(o -> ((JsonObject) o).getJsonObject("audio").getString("codec"))).containsOnly("aac");
    }

    @Test
    void unknownVideoFourCcIsRefusedByNameAndNeverListed() throws Exception {
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            assertThat(client.publish("fourcc?token=" + platform.publishToken("fourcc"))).isEqualTo(RtmpClient.PUBLISH_START);
            byte[] start = HexFormat.of().parseHex("90" + "78797a31" + "0102030405");
            client.send(new RtmpMessage.Video(0, client.streamId(), start));
            assertThat(client.awaitClosedByServer()).as("closed by the server").isTrue();
        }
        Await.until("refusal counted", Duration.ofSeconds(5),
                () -> platform.metric("live_rtmp_rejected_total", "reason=\"unsupported-codec\"") >= 1);
        assertThat(platform.listedStream("fourcc")).isNull();
    }

    private static JsonObject withCodec(String stream) {
        JsonObject s = platform.listedStream(stream);
        return s != null && !s.getJsonObject("video").getString("codec", "").isEmpty() && s.getJsonObject("video").getInteger("width") > 0
                ? s.getJsonObject("video") : null;
    }
}
