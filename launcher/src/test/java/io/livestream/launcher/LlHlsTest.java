package io.livestream.launcher;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.LlHls;
import io.livestream.launcher.harness.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** ffmpeg publishes 320x180 at 30 fps (a keyframe a second) with AAC; LL-HLS is played from the standalone platform. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LlHlsTest {
    private static final String STREAM = "hls180";
    private static final Pattern AFTER_DISCONTINUITY = Pattern.compile(
            "\\.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"[^\"]+\"\n#EXT-X-PROGRAM-DATE-TIME:[^\n]+\n#EXT-X-PART:[^\n]+,INDEPENDENT=YES\n");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Platform platform;
    private static Ffmpeg publisher;

    @BeforeAll
    static void publish() {
        platform = Platform.start();
        publisher = Ffmpeg.publish(platform.publishUrl(STREAM), 320, 180, 30);
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
    void ffprobePlaysThePlaylist() throws Exception {
        JsonArray streams = LlHls.probe(platform.httpUrl("/live/" + STREAM + ".m3u8"), 3);
        JsonObject video = LlHls.stream(streams, "video");
        assertThat(video.getString("codec_name")).isEqualTo("h264");
        assertThat(video.getInteger("width")).isEqualTo(320);
        assertThat(video.getInteger("height")).isEqualTo(180);
        assertThat(LlHls.frames(streams, "video")).as("3 s at 30 fps, give or take a segment").isGreaterThanOrEqualTo(60);
        assertThat(LlHls.stream(streams, "audio").getString("codec_name")).isEqualTo("aac");
        assertThat(LlHls.frames(streams, "audio")).isPositive();
    }

    @Test
    void playlistInitAndPartsCarryTypesCachingCorsAndLengths() throws Exception {
        HttpResponse<String> playlist = get("/live/" + STREAM + ".m3u8");
        assertThat(playlist.statusCode()).isEqualTo(200);
        assertThat(playlist.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(playlist.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(playlist.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        String text = playlist.body();
        assertThat(text).startsWith("#EXTM3U\n").contains("#EXT-X-TARGETDURATION:1\n", "#EXT-X-PART-INF:PART-TARGET=0.50000\n",
                "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.50000\n", "#EXT-X-PROGRAM-DATE-TIME:", ",INDEPENDENT=YES\n");
        Matcher map = Pattern.compile("#EXT-X-MAP:URI=\"([^\"]+)\"").matcher(text);
        assertThat(map.find()).isTrue();
        HttpResponse<byte[]> init = getBytes("/live/" + map.group(1));
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(init.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(init.headers().firstValue("Content-Length")).hasValue(String.valueOf(init.body().length));
        assertThat(new String(init.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        Matcher part = LlHls.PART.matcher(text);
        assertThat(part.find()).isTrue();
        HttpResponse<byte[]> first = getBytes("/live/" + part.group(2));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(new String(first.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("moof");
        assertThat(first.headers().firstValue("Content-Length")).hasValue(String.valueOf(first.body().length));

        assertThat(get("/live/" + STREAM + ".m3u8?_HLS_part=1").statusCode()).as("_HLS_part without _HLS_msn").isEqualTo(400);
        assertThat(get("/live/" + STREAM + ".m3u8?_HLS_msn=999999").statusCode()).as("too far ahead").isEqualTo(400);
        assertThat(getBytes("/live/" + STREAM + "/zz/part-0.m4s").statusCode()).as("another session's part").isEqualTo(404);
        assertThat(get("/live/nosuchstream.m3u8").statusCode()).isEqualTo(404);
    }

    /**
     * RFC 8216bis 6.2.5.2: a reload asking for the next part returns when that part appears, with it as
     * the playlist's last part. Each reload is asked for as the one before returns, the moment its part
     * was cut, so the next part is half a second away (the first, after a plain reload, is not checked).
     */
    @Test
    void aBlockingReloadReturnsWithTheNextPartNotBeforeAndNotAPartLater() throws Exception {
        LlHls.LastPart now = LlHls.LastPart.of(get("/live/" + STREAM + ".m3u8").body());
        for (int round = 0; round <= 5; round++) {
            LlHls.LastPart asked = now.next();
            long started = System.nanoTime();
            HttpResponse<String> reload = get("/live/" + STREAM + ".m3u8?" + now.nextPartQuery());
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(reload.statusCode()).isEqualTo(200);
            assertThat(reload.headers().firstValue("Cache-Control").orElseThrow()).startsWith("public, max-age=");
            now = LlHls.LastPart.of(reload.body());
            if (round > 0) {
                assertThat(now.ordinal()).as("round %d: waited %d ms for %s", round, waitedMs, asked).isEqualTo(asked.ordinal());
                assertThat(waitedMs).as("the next part is at most 0.5 s away").isBetween(100L, 1500L);
            }
        }
    }

    @Test
    void theHintedPartIsHeldUntilItExists() throws Exception {
        String text = get("/live/" + STREAM + ".m3u8").body();
        Matcher hint = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"").matcher(text);
        assertThat(hint.find()).isTrue();
        HttpResponse<byte[]> part = getBytes("/live/" + hint.group(1));
        assertThat(part.statusCode()).isEqualTo(200);
        assertThat(new String(part.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("moof");
        assertThat(get("/live/" + STREAM + ".m3u8").body()).as("now listed").contains("URI=\"" + hint.group(1) + "\"");
    }

    /** A publisher gone and back within the grace: the playlist goes on, the new session's segments behind a discontinuity. */
    @Test
    void aPublisherBackWithinTheGraceIsBehindADiscontinuity() throws Exception {
        String stream = "hlsswitch";
        try (Ffmpeg first = Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 30)) {
            platform.awaitLive(stream, Duration.ofSeconds(30));
            HttpResponse<String> started = get("/live/" + stream + ".m3u8"); // starts the session, answered at its first segment
            assertThat(started.statusCode()).isEqualTo(200);
            assertThat(started.body()).doesNotContain("#EXT-X-DISCONTINUITY\n");
        }
        try (Ffmpeg second = Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 30)) {
            String playlist = Await.value("a discontinuity in the playlist", Duration.ofSeconds(30), () -> {
                String body = getQuietly("/live/" + stream + ".m3u8");
                return AFTER_DISCONTINUITY.matcher(body).find() ? body : null;
            });
            assertThat(playlist).as("the new session's first part: independent").containsPattern(AFTER_DISCONTINUITY);
            assertThat(playlist).contains("#EXT-X-DISCONTINUITY-SEQUENCE:0\n");
        }
    }

    private static String getQuietly(String path) {
        try {
            return get(path).body();
        } catch (Exception e) {
            throw new AssertionError("GET " + path, e);
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.httpUrl(path))).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(platform.httpUrl(path))).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
