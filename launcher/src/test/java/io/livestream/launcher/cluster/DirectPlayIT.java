package io.livestream.launcher.cluster;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.LlHls;
import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RoleProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Viewers sent to relays directly (issue "Cluster data path", item 1): ingest, a relay with a
 * public URL and a gateway, each its own JVM. HTTP-FLV at the gateway URL answers 302 to the
 * relay's URL and ffprobe plays through it; a private stream's play token goes along; {@code
 * /api/play} names the relay and the watch page in Chromium plays from it. (A cluster whose relays
 * have no public URL is {@link ClusterIT}: the gateway carries the bytes there.) Each test starts
 * from the same cluster state: a public and a private stream publishing, no viewers.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DirectPlayIT {
    private static final String PUBLIC = "direct";
    private static final String PRIVATE = "directprivate";
    private static final int RTMP_PORT = RoleProcess.freePort();
    private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private static LocalCluster cluster;
    private static RoleProcess ingest;
    private static RoleProcess relay;
    private static RoleProcess gateway;
    private static int relayPort;
    private static final List<Ffmpeg> publishers = new ArrayList<>();
    private static Vertx vertx;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("direct", "LIVE_DRAIN", "1s");
        vertx = cluster.vertx();
        ingest = cluster.startIngest(RTMP_PORT);
        relayPort = RoleProcess.freePort();
        relay = cluster.startOnPort("relay", relayPort, "--public-url", "http://127.0.0.1:" + relayPort + "/");
        gateway = cluster.start("gateway");
        for (RoleProcess p : List.of(ingest, relay, gateway)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
        publishers.add(Ffmpeg.publish(rtmp(PUBLIC, ""), 640, 360, 30));
        publishers.add(Ffmpeg.publish(rtmp(PRIVATE, "&private=1"), 640, 360, 30));
        for (String stream : List.of(PUBLIC, PRIVATE)) {
            Await.until(stream + " listed with the relay known to the gateway", Duration.ofSeconds(60), () -> gateway.get("/api/play/" + stream)
                    .map(r -> r.statusCode() == 200 && new JsonObject(r.body()).getBoolean("direct", false)).orElse(false));
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Ffmpeg p : publishers) {
            p.close();
        }
        cluster.close();
    }

    @Test
    void httpFlvAtTheGatewayRedirectsToTheRelaysPublicUrlAndFfprobePlaysThroughIt() throws Exception {
        Answer answer = head(gateway.httpUrl("/live/" + PUBLIC + ".flv"));
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.location()).hasValue("http://127.0.0.1:" + relayPort + "/live/" + PUBLIC + ".flv");
        assertThat(videoFrames(gateway.httpUrl("/live/" + PUBLIC + ".flv"))).as("video frames ffprobe decoded after the redirect")
                .isGreaterThanOrEqualTo(60);
        assertThat(gateway.metric("live_gateway_viewers")).as("viewers the gateway carries").isZero();
    }

    @Test
    void aPrivateStreamsTokenSurvivesTheRedirect() throws Exception {
        String token = token("viewer", PRIVATE);
        assertThat(head(gateway.httpUrl("/live/" + PRIVATE + ".flv")).statusCode()).as("no token, at the gateway").isEqualTo(401);
        Answer answer = head(gateway.httpUrl("/live/" + PRIVATE + ".flv?token=" + token));
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.location()).hasValue("http://127.0.0.1:" + relayPort + "/live/" + PRIVATE + ".flv?token=" + token);
        assertThat(head("http://127.0.0.1:" + relayPort + "/live/" + PRIVATE + ".flv").statusCode()).as("no token, at the relay").isEqualTo(401);
        assertThat(videoFrames(gateway.httpUrl("/live/" + PRIVATE + ".flv?token=" + token))).isGreaterThanOrEqualTo(60);
    }

    /** LL-HLS at the gateway URL is redirected as HTTP-FLV is, query and all; the playlist's relative URIs then resolve at the relay. */
    @Test
    void llHlsAtTheGatewayRedirectsToTheRelaysPublicUrl() throws Exception {
        String token = token("viewer", PRIVATE);
        Answer answer = head(gateway.httpUrl("/live/" + PRIVATE + ".m3u8?token=" + token));
        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.location()).hasValue("http://127.0.0.1:" + relayPort + "/live/" + PRIVATE + ".m3u8?token=" + token);
        assertThat(head(gateway.httpUrl("/live/" + PRIVATE + ".m3u8")).statusCode()).as("no token, at the gateway").isEqualTo(401);
        assertThat(LlHls.frames(LlHls.probe(gateway.httpUrl("/live/" + PUBLIC + ".m3u8"), 2), "video"))
                .as("video frames ffprobe decoded after the redirect").isGreaterThanOrEqualTo(30);
    }

    @Test
    void playApiNamesTheRelayAndTheWatchPagePlaysFromIt() throws Exception {
        JsonObject play = new JsonObject(gateway.get("/api/play/" + PUBLIC).orElseThrow().body());
        String relayWs = "ws://127.0.0.1:" + relayPort + "/live/" + PUBLIC + ".flv";
        assertThat(play.getBoolean("direct")).isTrue();
        assertThat(play.getString("ws")).isEqualTo(relayWs);
        assertThat(play.getString("url")).isEqualTo("http://127.0.0.1:" + relayPort + "/live/" + PUBLIC + ".flv");

        Process node = new ProcessBuilder("node", "e2e/play.e2e.mjs", "--base", gateway.httpUrl(""), "--stream", PUBLIC)
                .directory(Path.of("..", "web-client").toAbsolutePath().normalize().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        JsonObject result = null;
        List<String> transcript = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                transcript.add(line);
                System.out.println("[e2e] " + line);
                if (line.startsWith("RESULT ")) {
                    result = new JsonObject(line.substring("RESULT ".length()));
                }
            }
        } finally {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        assertThat(transcript).as("the browser script's transcript").contains("DONE");
        assertThat(result).isNotNull();
        assertThat(result.getString("playUrl")).as("where the page's player connected").isEqualTo(relayWs);
        assertThat(result.getInteger("frames")).isGreaterThanOrEqualTo(30);
        assertThat(result.getJsonArray("errors")).isEmpty();
    }

    /** The status and the redirect target of a GET whose endless FLV body is not read. */
    private record Answer(int statusCode, java.util.Optional<String> location) {
    }

    private static Answer head(String url) throws Exception {
        HttpResponse<java.io.InputStream> response = NO_REDIRECTS.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return new Answer(response.statusCode(), response.headers().firstValue("Location"));
    }

    private static int videoFrames(String url) throws Exception {
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-read_intervals", "%+3",
                "-show_entries", "stream=codec_type,nb_read_frames", "-of", "json", url).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new JsonObject(out).getJsonArray("streams").stream().map(o -> (JsonObject) o)
                .filter(s -> "video".equals(s.getString("codec_type")))
                .mapToInt(s -> Integer.parseInt(s.getString("nb_read_frames"))).sum();
    }

    private static String rtmp(String stream, String extra) {
        return cluster.publishUrl(RTMP_PORT, stream, extra);
    }

    private static String token(String role, String stream) {
        return cluster.token(role, stream);
    }
}
