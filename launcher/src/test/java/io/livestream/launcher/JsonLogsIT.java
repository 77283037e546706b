package io.livestream.launcher;

import io.livestream.common.auth.Tokens;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.RoleProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LIVE_LOG_FORMAT=json} on the standalone server run from the built jar, as an operator
 * would: ffmpeg publishes, a WebSocket-FLV viewer plays and leaves, the publisher stops, the
 * server stops. Everything the process wrote is JSON lines, and the lines about the publisher and
 * the viewer name the stream and the client address in fields of their own.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JsonLogsIT {
    private static final String SECRET = "json-logs-it-secret-0123456789abcdefghij";
    private static final String STREAM = "jsonlogs";

    @Test
    void everyLineIsJsonAndPublisherAndViewerLinesCarryStreamAndClient() throws Exception {
        int rtmpPort = RoleProcess.freePort();
        Vertx vertx = Vertx.vertx();
        RoleProcess platform = RoleProcess.start("standalone", Map.of(
                "LIVE_JWT_SECRET", SECRET, "LIVE_HOST", "127.0.0.1", "LIVE_RTMP_PORT", String.valueOf(rtmpPort),
                "LIVE_LOG_FORMAT", "json", "LIVE_LOG_LEVEL", "FINE"));
        try (platform) {
            platform.awaitHealthy(Duration.ofSeconds(60));
            String token = new Tokens(vertx, SECRET).mint(Tokens.ROLE_PUBLISH, STREAM, "json-logs", Duration.ofMinutes(10));
            try (Ffmpeg publisher = Ffmpeg.publish("rtmp://127.0.0.1:" + rtmpPort + "/live/" + STREAM + "?token=" + token, 320, 240, 15)) {
                Await.until("the online line", Duration.ofSeconds(30),
                        () -> line(platform, "stream " + STREAM + " online") != null);
                try (FlvViewer viewer = FlvViewer.watch(vertx, platform.httpPort(), STREAM)) {
                    viewer.awaitFirstKeyframe(Duration.ofSeconds(30));
                }
                Await.until("the viewer's leaving line", Duration.ofSeconds(15), () -> line(platform, "stream " + STREAM + ": - ") != null);
            }
            Await.until("the offline line", Duration.ofSeconds(15), () -> line(platform, "stream " + STREAM + " offline") != null);
        } finally {
            vertx.close().await();
        }

        List<JsonObject> lines = lines(platform.output());
        assertThat(lines).allSatisfy(l -> assertThat(l.fieldNames()).contains("time", "level", "logger", "message"));
        for (String start : List.of("stream " + STREAM + " online", "stream " + STREAM + ": + ws-flv", "stream " + STREAM + ": - ws-flv",
                "stream " + STREAM + " offline")) {
            JsonObject l = line(lines, start);
            assertThat(l).as(start).isNotNull();
            assertThat(l.getString("stream")).as(start).isEqualTo(STREAM);
            assertThat(l.getString("client")).as(start).isEqualTo("127.0.0.1");
        }
    }

    private static JsonObject line(RoleProcess platform, String start) {
        String out = platform.output();
        return line(lines(out.substring(0, out.lastIndexOf('\n') + 1)), start); // a line being written is not one yet
    }

    private static JsonObject line(List<JsonObject> lines, String start) {
        return lines.stream().filter(l -> l.getString("message", "").startsWith(start)).findFirst().orElse(null);
    }

    /** Every line of the output as JSON; one that is not fails the test with it. */
    private static List<JsonObject> lines(String output) {
        List<JsonObject> out = new ArrayList<>();
        for (String line : output.isEmpty() ? new String[0] : output.split("\n")) {
            try {
                out.add(new JsonObject(line));
            } catch (DecodeException e) {
                throw new AssertionError("not a JSON line: " + line, e);
            }
        }
        return out;
    }
}
