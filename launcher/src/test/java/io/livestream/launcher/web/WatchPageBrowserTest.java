package io.livestream.launcher.web;

import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.Ffmpeg7;
import io.livestream.launcher.harness.Platform;
import io.livestream.fanout.FanoutConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The H5 pages in headless Chromium (Debian's chromium, driven by playwright-core from
 * {@code web-client/e2e/watch.e2e.mjs}) against the platform, with real ffmpeg publishing:
 * the watch page plays with a measured delay, a danmaku sent from one page flies over another,
 * the studio hands out the stream key, previews the stream and deletes that comment from the room,
 * and the page comes back by itself when the publisher is killed and restarted. The script
 * tells this test when to kill and restart the publisher ({@code AWAIT ...} lines) and reports
 * each step as {@code RESULT {json}}. Screenshots stay in {@code launcher/target/e2e/}.
 *
 * <p>The audience's pages ({@code web-client/e2e/audience.e2e.mjs}): a phone in Chinese and a
 * desktop in English. With {@code UPDATE_SCREENSHOTS=1} in the environment the test also copies
 * its watch-page screenshots to {@code docs/screenshots/} for the README; without it the tree
 * stays untouched.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WatchPageBrowserTest {
    private static final Path WEB_CLIENT = Path.of("..", "web-client").toAbsolutePath().normalize();
    private static final Path OUT = Path.of("target", "e2e").toAbsolutePath();
    private static final Path DOC_SCREENSHOTS = Path.of("..", "docs", "screenshots").toAbsolutePath().normalize();

    @Test
    void watchPagePlaysShowsDanmakuAndRecoversFromAPublisherRestart() throws Exception {
        String stream = "browser";
        Files.createDirectories(OUT);
        // a short grace: the killed publisher's viewers are told the stream ended, and the page must resume by itself
        try (Platform platform = Platform.start(s -> s.withRelay(FanoutConfig.defaults().withGrace(Duration.ofSeconds(1))))) {
            Ffmpeg[] publisher = {Ffmpeg.publish(platform.publishUrl(stream), 640, 360, 30)};
            try {
                platform.awaitLive(stream, Duration.ofSeconds(30));
                Map<String, JsonObject> results = runScript(platform, stream, publisher,
                        List.of("e2e/watch.e2e.mjs", "--base", platform.httpUrl(""), "--stream", stream, "--out", OUT.toString()));

                assertThat(results.get("play").getInteger("frames")).as("frames decoded").isGreaterThanOrEqualTo(100);
                assertThat(results.get("play").getDouble("delayMs")).as("measured live delay, ms").isBetween(0.0, 2000.0);
                assertThat(results).containsKeys("danmaku", "studio", "offline", "recovered");
                assertThat(Path.of(results.get("screenshot").getString("path"))).isNotEmptyFile();
                JsonArray errors = results.get("console").getJsonArray("errors");
                assertThat(errors).as("console errors on the pages").isEmpty();
            } finally {
                publisher[0].close();
            }
        }
    }

    @Test
    void phoneInChineseAndDesktopInEnglishWatchChatAndSendGifts() throws Exception {
        String stream = "audience";
        Files.createDirectories(OUT);
        try (Platform platform = Platform.start()) {
            Ffmpeg[] publisher = {Ffmpeg.publish(platform.publishUrl(stream), 640, 360, 30)};
            try {
                platform.awaitLive(stream, Duration.ofSeconds(30));
                List<String> script = new ArrayList<>(List.of("e2e/audience.e2e.mjs", "--base", platform.httpUrl(""),
                        "--stream", stream, "--out", OUT.toString()));
                if ("1".equals(System.getenv("UPDATE_SCREENSHOTS"))) {
                    script.addAll(List.of("--screenshots", DOC_SCREENSHOTS.toString()));
                }
                Map<String, JsonObject> results = runScript(platform, stream, publisher, script);

                assertThat(results.get("phone").getString("lang")).isEqualTo("zh-CN");
                assertThat(results.get("phone").getString("giftLine")).isEqualTo("送出 爱心");
                assertThat(results.get("desktop").getString("lang")).isEqualTo("en");
                assertThat(Path.of(results.get("phone").getString("screenshot"))).isNotEmptyFile();
                assertThat(Path.of(results.get("desktop").getString("screenshot"))).isNotEmptyFile();
                assertThat(results.get("console").getJsonArray("errors")).as("console errors on the pages").isEmpty();
            } finally {
                publisher[0].close();
            }
        }
    }

    @Test
    void studioShowsTheStreamsHealthTheKeyframeWarningAndTheEncoderStopped() throws Exception {
        String stream = "studiohealth";
        Files.createDirectories(OUT);
        try (Platform platform = Platform.start()) {
            Ffmpeg[] publisher = {null};
            try {
                List<String> script = new ArrayList<>(List.of("e2e/studio.e2e.mjs", "--base", platform.httpUrl(""),
                        "--stream", stream, "--out", OUT.toString()));
                if ("1".equals(System.getenv("UPDATE_SCREENSHOTS"))) {
                    script.addAll(List.of("--screenshots", DOC_SCREENSHOTS.toString()));
                }
                Map<String, JsonObject> results = runScript(platform, stream, publisher, script);

                assertThat(results.get("waiting").getString("state")).isEqualTo("waiting");
                JsonObject receiving = results.get("receiving");
                assertThat(receiving.getJsonObject("points").getInteger("chart-bitrate")).as("bitrate points").isGreaterThanOrEqualTo(5);
                assertThat(receiving.getString("keyframe")).isEqualTo("Keyframe interval: 2.0 s");
                assertThat(receiving.getValue("warning")).as("no warning at 2 s").isNull();
                assertThat(receiving.getString("media")).as("what the encoder sends").startsWith("Video: H.264").contains("×").contains("Audio: AAC");
                JsonObject warning = results.get("warning");
                assertThat(warning.getString("keyframe")).isEqualTo("Keyframe interval: 6.0 s");
                assertThat(warning.getString("warning")).startsWith("Over 4 s");
                assertThat(results.get("stopped").getString("status")).startsWith("Encoder stopped");
                assertThat(Path.of(results.get("console").getString("screenshot"))).isNotEmptyFile();
                assertThat(results.get("console").getJsonArray("errors")).as("console errors on the studio").isEmpty();
            } finally {
                if (publisher[0] != null) {
                    publisher[0].close();
                }
            }
        }
    }

    /**
     * LL-HLS on the watch page ({@code web-client/e2e/hls.e2e.mjs}): {@code ?player=hls} plays through hls.js in
     * low-latency mode (this Chromium has MSE and no native HLS; hls.js stands in for Safari's element), its
     * delay measured from the playlist's program date-time; a danmaku sent from a WebSocket-FLV page flies over
     * it, both pages on one stream timeline; it comes back by itself after the publisher is killed and
     * restarted; plain hls.js plays the playlist in a bare page; and where the browser
     * refuses sound without a gesture, the page plays muted with an unmute button that unmutes.
     */
    @Test
    void forcedHlsPlaysThroughHlsJsWithDelayAndDanmakuAndPlainHlsJsPlays() throws Exception {
        String stream = "hlsweb";
        // a short grace, as above: the page must notice the publisher gone and come back by itself
        try (Platform platform = Platform.start(s -> s.withRelay(FanoutConfig.defaults().withGrace(Duration.ofSeconds(1))))) {
            Ffmpeg[] publisher = {Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 30)};
            try {
                platform.awaitLive(stream, Duration.ofSeconds(30));
                Map<String, JsonObject> results = runScript(platform, stream, publisher,
                        List.of("e2e/hls.e2e.mjs", "--base", platform.httpUrl(""), "--stream", stream));

                JsonObject play = results.get("play");
                assertThat(play.getString("player")).isEqualTo("hls-js");
                assertThat(play.getString("playUrl")).endsWith("/live/" + stream + ".m3u8");
                assertThat(play.getInteger("frames")).as("frames decoded").isGreaterThanOrEqualTo(60);
                assertThat(play.getBoolean("inline")).as("playsinline, webkit-playsinline, x5-playsinline, x5-video-player-type=h5").isTrue();
                assertThat(play.getDouble("delayMs")).as("delay from the program date-time, ms").isBetween(0.0, 3000.0);
                JsonObject danmaku = results.get("danmaku");
                assertThat(danmaku.getString("flvPlayer")).isEqualTo("flv");
                assertThat(danmaku.getDouble("hlsStreamTs") - danmaku.getDouble("flvStreamTs"))
                        .as("the HLS page's stream time against the FLV page's, ms").isBetween(-4000.0, 500.0);
                assertThat(results).containsKey("recovered");
                JsonObject plain = results.get("plain");
                assertThat(plain.getInteger("frames")).as("frames plain hls.js decoded").isGreaterThanOrEqualTo(60);
                assertThat(plain.getString("size")).as("the restarted publisher's picture").isEqualTo("640x360");
                JsonObject unmute = results.get("unmute");
                assertThat(unmute.getString("label")).as("the unmute button, where autoplay with sound was refused").isEqualTo("Tap to unmute");
                assertThat(unmute.getBoolean("muted")).as("muted after the tap").isFalse();
                assertThat(unmute.getBoolean("hidden")).as("the button gone after the tap").isTrue();
                assertThat(results.get("console").getJsonArray("errors")).as("console errors on the pages").isEmpty();
            } finally {
                publisher[0].close();
            }
        }
    }

    /**
     * Enhanced RTMP in the browser ({@code web-client/e2e/codec.e2e.mjs}): FFmpeg 7.1 publishes AV1 (SVT-AV1)
     * and HEVC (x265) at 320x180 with a key frame a second; the watch page plays the AV1 stream over
     * WebSocket-FLV for {@code -Dav1.watch.seconds} (30 by default) across its key frames without a stop,
     * plain mpegts.js plays it too, and the HEVC stream's page says plainly that this Chromium cannot decode
     * HEVC (or plays it, where it can); so does a page opened before its HEVC stream went live, once it does.
     */
    @Test
    void av1PlaysAcrossKeyframesAndAnUndecodableCodecIsSaidPlainly() throws Exception {
        int seconds = Integer.getInteger("av1.watch.seconds", 30);
        try (Platform platform = Platform.start();
             Ffmpeg av1 = Ffmpeg7.publish(platform.publishUrl("av1"), "libsvtav1");
             Ffmpeg hevc = Ffmpeg7.publish(platform.publishUrl("hevc"), "libx265")) {
            platform.awaitLive("av1", Duration.ofSeconds(30));
            platform.awaitLive("hevc", Duration.ofSeconds(30));
            Map<String, JsonObject> results = runScript(platform, "av1", new Ffmpeg[] {av1}, List.of("e2e/codec.e2e.mjs",
                    "--base", platform.httpUrl(""), "--stream", "av1", "--hevc", "hevc", "--hevc-later", "hevc-later",
                    "--seconds", String.valueOf(seconds)));

            JsonObject page = results.get("av1");
            assertThat(page.getBoolean("supported")).as("Chromium decodes AV1").isTrue();
            assertThat(page.getDouble("advancedSeconds")).as("seconds of AV1 played").isGreaterThanOrEqualTo(seconds * 0.9);
            assertThat(page.getInteger("framesDecoded")).as("AV1 frames decoded").isGreaterThanOrEqualTo(seconds * 20);
            assertThat(page.getInteger("longestStillMs")).as("longest stop of the picture, ms").isLessThan(2000);
            assertThat(page.getInteger("reconnects")).isZero();
            assertThat(page.getInteger("notPlayingSamples")).isZero();
            assertThat(page.getString("videoSize")).isEqualTo("320x180");
            assertThat(results.get("plain").getInteger("framesDecoded")).as("frames plain mpegts.js decoded in 10 s").isGreaterThanOrEqualTo(150);
            JsonObject h = results.get("hevc");
            if (h.getBoolean("supported")) {
                assertThat(h.getString("cannotPlay")).isNull();
            } else {
                assertThat(h.getString("cannotPlay")).contains("HEVC");
                assertThat(h.getString("overlay")).isEqualTo(h.getString("cannotPlay"));
                assertThat(h.getString("state")).isNotEqualTo("playing");
            }
            JsonObject later = results.get("hevc-later");
            assertThat(later.getJsonObject("before").getString("cannotPlay")).as("nothing to say while the stream is offline").isNull();
            if (later.getBoolean("supported")) {
                assertThat(later.getString("state")).isEqualTo("playing");
            } else {
                assertThat(later.getString("cannotPlay")).as("said once the stream went live").contains("HEVC");
                assertThat(later.getString("overlay")).isEqualTo(later.getString("cannotPlay"));
                assertThat(later.getString("state")).isNotEqualTo("playing");
                assertThat(later.getInteger("framesDecoded")).isZero();
            }
            assertThat(results.get("console").getJsonArray("errors")).as("console errors on the pages").isEmpty();
        }
    }

    /** Runs a browser script to its end, killing and restarting the publisher when it asks. */
    private static Map<String, JsonObject> runScript(Platform platform, String stream, Ffmpeg[] publisher, List<String> script) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("node"));
        cmd.addAll(script);
        Process node = new ProcessBuilder(cmd).directory(WEB_CLIENT.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, JsonObject> results = new HashMap<>();
        List<String> transcript = new ArrayList<>();
        List<Ffmpeg> extra = new ArrayList<>(); // publishers the script asked for by name
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
            String line;
            while ((line = out.readLine()) != null) {
                transcript.add(line);
                System.out.println("[e2e] " + line);
                if (line.startsWith("RESULT ")) {
                    JsonObject result = new JsonObject(line.substring("RESULT ".length()));
                    results.put(result.getString("step"), result);
                } else if (line.equals("AWAIT kill-publisher")) {
                    publisher[0].kill9();
                    answer(in, "killed");
                } else if (line.equals("AWAIT restart-publisher")) {
                    publisher[0] = Ffmpeg.publish(platform.publishUrl(stream), 640, 360, 30);
                    answer(in, "restarted");
                } else if (line.startsWith("AWAIT publish ")) {
                    // a publisher with the keyframe interval asked for, in place of any before it
                    if (publisher[0] != null) {
                        publisher[0].kill9();
                    }
                    int keyframeSeconds = Integer.parseInt(line.substring("AWAIT publish ".length()).trim());
                    publisher[0] = Ffmpeg.publish(platform.publishUrl(stream), 320, 180, 25, keyframeSeconds);
                    answer(in, "published");
                } else if (line.startsWith("AWAIT publish-hevc ")) {
                    String name = line.substring("AWAIT publish-hevc ".length()).trim();
                    extra.add(Ffmpeg7.publish(platform.publishUrl(name), "libx265"));
                    platform.awaitLive(name, Duration.ofSeconds(30));
                    answer(in, "published");
                } else if (line.startsWith("FAIL")) {
                    break;
                }
            }
        } finally {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
            for (Ffmpeg f : extra) {
                f.close();
            }
        }
        assertThat(transcript).as("the browser script's transcript").contains("DONE").noneMatch(l -> l.startsWith("FAIL"));
        assertThat(node.exitValue()).isZero();
        return results;
    }

    private static void answer(Writer in, String word) throws IOException {
        in.write(word + "\n");
        in.flush();
    }
}
