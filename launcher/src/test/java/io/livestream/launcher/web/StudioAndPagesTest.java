package io.livestream.launcher.web;

import io.livestream.common.auth.Tokens;
import io.livestream.gateway.GatewayConfig;
import io.livestream.launcher.harness.Platform;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The studio's credentials endpoint, and the H5 pages served by the gateway. */
class StudioAndPagesTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start();
    }

    @AfterAll
    static void stop() throws Exception {
        platform.close();
    }

    @Test
    void loopbackStudioHandsOutAPublishTokenForThatStreamAndTheObsSettings() throws Exception {
        HttpResponse<String> res = studio(platform, "{\"stream\": \"my_show\"}", null);
        assertThat(res.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(res.body());
        assertThat(body.getString("rtmpServer")).isEqualTo("rtmp://127.0.0.1:" + platform.rtmpPort() + "/live");
        assertThat(body.getString("streamKey")).isEqualTo("my_show?token=" + body.getString("publishToken"));
        assertThat(body.getString("watchUrl")).isEqualTo(platform.httpUrl("/watch/my_show"));

        Tokens tokens = new Tokens(platform.clientVertx(), Platform.SECRET);
        assertThat(tokens.authorizePublish(body.getString("publishToken"), "my_show").await()).isNotNull();
        assertThat(tokens.authorizePublish(body.getString("publishToken"), "other").failed()).isTrue();
        JsonObject streamer = tokens.verify(body.getString("streamerToken")).await();
        assertThat(streamer.getString("role")).isEqualTo("streamer");
        assertThat(streamer.getString("stream")).isEqualTo("my_show");
    }

    @Test
    void aStreamerTokenGetsCredentialsForItsOwnStreamOnly() throws Exception {
        String own = platform.running().mint("streamer", "mine", Duration.ofMinutes(5));
        assertThat(studio(platform, "{\"stream\": \"mine\"}", own).statusCode()).isEqualTo(200);
        HttpResponse<String> other = studio(platform, "{\"stream\": \"theirs\"}", own);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(other.body()).getString("error")).isEqualTo("not-allowed");
        String viewer = platform.running().mint("viewer", null, Duration.ofMinutes(5));
        assertThat(studio(platform, "{\"stream\": \"mine\"}", viewer).statusCode()).isEqualTo(403);
        assertThat(studio(platform, "{\"stream\": \"mine\"}", "not.a.token").statusCode()).isEqualTo(401);
    }

    @Test
    void badRequestsAreRefused() throws Exception {
        assertThat(studio(platform, "{\"stream\": \"../etc\"}", null).statusCode()).isEqualTo(400);
        assertThat(studio(platform, "not json", null).statusCode()).isEqualTo(400);
        assertThat(studio(platform, "{}", null).statusCode()).isEqualTo(400);
    }

    @Test
    void aGatewayNotOpenOnLoopbackAsksForAToken() throws Exception {
        try (Platform closed = Platform.start(s -> s.withGateway(s.gateway().withStudio(new GatewayConfig.Studio(false,
                "rtmp://live.example.com/live", 1935, 0))))) {
            HttpResponse<String> refused = studio(closed, "{\"stream\": \"x\"}", null);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("bad-token");
            String admin = closed.running().mint("admin", null, Duration.ofMinutes(5));
            HttpResponse<String> ok = studio(closed, "{\"stream\": \"x\"}", admin);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(new JsonObject(ok.body()).getString("rtmpServer")).isEqualTo("rtmp://live.example.com/live");
        }
    }

    @Test
    void theGatewayServesTheDirectoryWatchAndStudioPages() {
        for (String path : new String[]{"/", "/watch/demo", "/studio"}) {
            HttpResponse<String> page = platform.get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("<script");
        }
        assertThat(platform.get("/").body()).isNotEqualTo(platform.get("/watch/demo").body());
        String script = platform.get("/watch/demo").body().replaceAll("(?s).*?src=\"(/assets/[^\"]+\\.js)\".*", "$1");
        HttpResponse<String> asset = platform.get(script);
        assertThat(asset.statusCode()).as(script).isEqualTo(200);
        assertThat(asset.headers().firstValue("Cache-Control").orElse("")).contains("max-age");
        assertThat(platform.get("/watch/bad.name").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<String> studio(Platform on, String body, String bearer) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(on.httpUrl("/api/studio/publish")))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
