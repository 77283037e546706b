package io.livestream.launcher.harness;

import io.livestream.launcher.Standalone;
import io.livestream.launcher.StandaloneSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The standalone platform started in the test JVM on free loopback ports, and a client Vert.x to talk to it. */
public final class Platform implements AutoCloseable {
    public static final String SECRET = "test-secret-0123456789-abcdefghijklmnop";

    private final Standalone.Running running;
    private final Vertx clients = Vertx.vertx();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Platform(Standalone.Running running) {
        this.running = running;
    }

    public static Platform start() {
        return start(UnaryOperator.identity());
    }

    public static Platform start(UnaryOperator<StandaloneSettings> tweak) {
        return new Platform(Standalone.start(tweak.apply(StandaloneSettings.forTests(SECRET))).await());
    }

    public Standalone.Running running() {
        return running;
    }

    public Vertx clientVertx() {
        return clients;
    }

    public int httpPort() {
        return running.httpPort();
    }

    public int rtmpPort() {
        return running.rtmpPort();
    }

    /** The RTMPS port; 0 unless the ingest was given a certificate. */
    public int rtmpsPort() {
        return running.rtmpsPort();
    }

    public String publishToken(String stream) {
        return running.mint("publish", stream, Duration.ofHours(1));
    }

    /** {@code rtmp://127.0.0.1:PORT/live/<stream>?token=<a valid publish token>} */
    public String publishUrl(String stream) {
        return rtmpUrl(stream, publishToken(stream));
    }

    public String rtmpUrl(String stream, String token) {
        return "rtmp://127.0.0.1:" + rtmpPort() + "/live/" + stream + (token == null ? "" : "?token=" + token);
    }

    public String httpUrl(String path) {
        return "http://127.0.0.1:" + httpPort() + path;
    }

    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(httpUrl(path))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    /** GET with {@code Authorization: Bearer <token>}. */
    public HttpResponse<String> get(String path, String bearerToken) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(httpUrl(path))).timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Bearer " + bearerToken).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    /** The stream's entry in {@code /api/streams}, or null while it is not listed. */
    public JsonObject listedStream(String name) {
        return listedStream(name, null);
    }

    /** The stream's entry in {@code /api/streams} as the holder of {@code bearerToken} (null: none) sees it. */
    public JsonObject listedStream(String name, String bearerToken) {
        HttpResponse<String> response = bearerToken == null ? get("/api/streams") : get("/api/streams", bearerToken);
        if (response.statusCode() != 200) {
            throw new AssertionError("/api/streams answered " + response.statusCode() + ": " + response.body());
        }
        return new JsonObject(response.body()).getJsonArray("streams").stream().map(o -> (JsonObject) o)
                .filter(s -> name.equals(s.getString("name"))).findFirst().orElse(null);
    }

    /** A token with the admin role. */
    public String adminToken() {
        return running.mint("admin", null, Duration.ofHours(1));
    }

    /** Waits until the stream is listed with its video codec known (its sequence header arrived). */
    public JsonObject awaitLive(String name, Duration timeout) {
        return Await.value(name + " live", timeout, () -> {
            JsonObject s = listedStream(name);
            return s != null && s.getJsonObject("video").getInteger("width", 0) > 0 ? s : null;
        });
    }

    public void awaitOffline(String name, Duration timeout) {
        Await.until(name + " offline", timeout, () -> listedStream(name) == null);
    }

    /** The sum of a Prometheus metric over the series that carry every given {@code label="value"}. */
    public double metric(String name, String... labels) {
        return PrometheusText.sum(running.metrics().scrape(), name, labels);
    }

    @Override
    public void close() {
        clients.close().await();
        running.close().await();
    }
}
