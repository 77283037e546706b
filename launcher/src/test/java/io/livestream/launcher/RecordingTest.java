package io.livestream.launcher;

import io.livestream.common.record.RecordingStore;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --record}: ffmpeg publishes a public and a private stream for 6 s each (180 frames at 30 fps) to the
 * standalone platform and exits; each becomes one recording, listed by {@code /api/recordings} (the public one),
 * whose VOD playlist ends and plays end to end with ffprobe, a private one only with a play token for its stream.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecordingTest {
    private static final String PUBLIC = "rec180";
    private static final String PRIVATE = "recprivate";
    private static final int SECONDS = 6;
    private static final int FPS = 30;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long DAY_AGO = System.currentTimeMillis() - 86_400_000L;
    private static final String OLDEST = RecordingStore.name("old", DAY_AGO);
    private static final String OLDER = RecordingStore.name("old", DAY_AGO + 60_000);
    private static Path dir;
    private static Platform platform;

    @BeforeAll
    static void recordTwoStreams() throws Exception {
        dir = Files.createTempDirectory("recordings-");
        // two earlier recordings of 10 GB each (as their recording.json says) against a bound of 15 GB: the oldest must go
        RecordingStore seeded = new RecordingStore(dir, RecordingStore.Bounds.NONE);
        for (String name : List.of(OLDEST, OLDER)) {
            seeded.write(name, "seg-0.m4s", new byte[16]);
            seeded.replace(name, RecordingStore.META, new JsonObject().put("name", name).put("stream", "old")
                    .put("start", name.equals(OLDEST) ? DAY_AGO : DAY_AGO + 60_000).put("duration", 60.0)
                    .put("bytes", 10_000_000_000L).put("ended", true).put("private", false).encode());
        }
        platform = Platform.start(s -> s.withRecordings(new RecordingStore(dir, new RecordingStore.Bounds(15_000_000_000L, Duration.ZERO))));
        try (Ffmpeg open = Ffmpeg.publishFor(platform.publishUrl(PUBLIC), 320, 180, FPS, SECONDS);
             Ffmpeg secret = Ffmpeg.publishFor(platform.publishUrl(PRIVATE) + "&private=1", 320, 180, FPS, SECONDS)) {
            assertThat(open.awaitExit(60)).as("ffmpeg's exit; %s", open.output()).isZero();
            assertThat(secret.awaitExit(60)).as("ffmpeg's exit; %s", secret.output()).isZero();
        }
        Await.until("both recordings ended", Duration.ofSeconds(30), () -> {
            try {
                RecordingStore store = new RecordingStore(dir, RecordingStore.Bounds.NONE);
                return store.list().stream().filter(m -> !"old".equals(m.getString("stream")) && m.getBoolean("ended")).count() == 2;
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aRecordedStreamIsListedAndItsVodPlaysEndToEnd() throws Exception {
        HttpResponse<String> listing = platform.get("/api/recordings");
        assertThat(listing.statusCode()).isEqualTo(200);
        List<JsonObject> recordings = new JsonObject(listing.body()).getJsonArray("recordings").stream().map(o -> (JsonObject) o)
                .filter(r -> !"old".equals(r.getString("stream"))).toList();
        assertThat(recordings).as("the private stream's recording is not listed").hasSize(1);
        JsonObject recording = recordings.get(0);
        assertThat(recording.getString("stream")).isEqualTo(PUBLIC);
        assertThat(recording.getString("name")).startsWith(PUBLIC + "-");
        assertThat(recording.getBoolean("live")).isFalse();
        assertThat(recording.getDouble("duration")).as("seconds recorded").isBetween(SECONDS - 0.5, SECONDS + 0.5);
        assertThat(recording.getLong("bytes")).isPositive();
        assertThat(recording.getString("start")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        HttpResponse<String> playlist = platform.get(recording.getString("url"));
        assertThat(playlist.statusCode()).isEqualTo(200);
        assertThat(playlist.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(playlist.body()).contains("#EXT-X-PLAYLIST-TYPE:VOD\n", "#EXT-X-MAP:URI=\"").endsWith("#EXT-X-ENDLIST\n");
        Matcher segment = Pattern.compile("\n([^#\n]+\\.m4s)\n").matcher(playlist.body());
        assertThat(segment.find()).isTrue();
        HttpResponse<byte[]> media = HTTP.send(HttpRequest.newBuilder(URI.create(platform.httpUrl("/vod/" + segment.group(1)))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(media.statusCode()).isEqualTo(200);
        assertThat(media.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(media.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(media.headers().firstValue("Content-Length")).hasValue(String.valueOf(media.body().length));
        assertThat(media.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

        JsonArray streams = LlHls.probe(platform.httpUrl(recording.getString("url")), 0);
        assertThat(LlHls.stream(streams, "video").getInteger("width")).isEqualTo(320);
        assertThat(LlHls.frames(streams, "video")).as("frames of the %d published", SECONDS * FPS)
                .isBetween(SECONDS * FPS - 10, SECONDS * FPS);
        assertThat(LlHls.frames(streams, "audio")).isPositive();
    }

    @Test
    void aPrivateStreamsRecordingPlaysOnlyWithAPlayTokenForIt() throws Exception {
        String name = new RecordingStore(dir, RecordingStore.Bounds.NONE).list().stream()
                .filter(m -> PRIVATE.equals(m.getString("stream"))).findFirst().orElseThrow().getString("name");
        assertThat(platform.get("/vod/" + name + ".m3u8").statusCode()).as("no token").isEqualTo(401);
        assertThat(platform.get("/vod/" + name + ".m3u8?token=" + token(PUBLIC)).statusCode()).as("another stream's token").isEqualTo(403);
        assertThat(platform.get("/vod/" + name + "/seg-0.m4s").statusCode()).as("its media without a token").isEqualTo(401);
        String token = token(PRIVATE);
        HttpResponse<String> playlist = platform.get("/vod/" + name + ".m3u8?token=" + token);
        assertThat(playlist.statusCode()).isEqualTo(200);
        assertThat(playlist.body()).contains(name + "/seg-0.m4s?token=" + token + "\n", name + "/init-0.mp4?token=" + token + "\"");
        assertThat(LlHls.frames(LlHls.probe(platform.httpUrl("/vod/" + name + ".m3u8?token=" + token), 0), "video"))
                .isGreaterThanOrEqualTo(SECONDS * FPS - 10);
        assertThat(platform.get("/vod/nosuch-20270101-000000-000.m3u8").statusCode()).isEqualTo(404);
    }

    /** The bound is enforced as each recording ends (and every 10 s): the oldest ended recording went, the next oldest fits. */
    @Test
    void pastTheSizeBoundTheOldestRecordingIsDeleted() {
        Await.until("the oldest recording deleted", Duration.ofSeconds(15), () -> !Files.exists(dir.resolve(OLDEST)));
        assertThat(dir.resolve(OLDER)).as("the next oldest: 10 GB and the new ones fit in 15").exists();
        List<String> listed = new JsonObject(platform.get("/api/recordings").body()).getJsonArray("recordings").stream()
                .map(o -> ((JsonObject) o).getString("name")).toList();
        assertThat(listed).contains(OLDER).doesNotContain(OLDEST);
    }

    private static String token(String stream) {
        return platform.running().mint("viewer", stream, Duration.ofHours(1));
    }
}
