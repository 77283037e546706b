package io.livestream.launcher;

import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.gateway.GatewayConfig;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.HttpFlvViewer;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.livestream.launcher.harness.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every limit turns away only the client over it, with the limit's reason, counts it in
 * {@code live_limit_refusals_total{limit}}, and leaves the connections already in place alone.
 * The RTMP connection's own limits (publishers per node, the idle timeout of one that never
 * publishes) are tested in ingest-service's {@code RtmpConnectionTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {

    @Test
    void rtmpConnectionsOverThePerAddressLimitAreClosedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withMaxConnectionsPerAddress(2)));
             RtmpClient one = new RtmpClient(platform.rtmpPort());
             RtmpClient two = new RtmpClient(platform.rtmpPort())) {
            one.handshake();
            two.handshake();
            try (RtmpClient three = new RtmpClient(platform.rtmpPort())) {
                assertThat(three.awaitClosedByServer()).isTrue();
            }
            assertThat(platform.metric("live_connections_refused_total", "server=\"rtmp\"", "reason=\"too-many-connections\"")).isEqualTo(1);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"rtmp-connections-per-address\"")).isEqualTo(1);
            one.send(RtmpCommands.connect(1, "live", "rtmp://127.0.0.1/live"));
            one.awaitMessage(m -> m instanceof RtmpMessage.Command c && c.name().equals("_result")); // untouched
            two.close();
            Await.until("a freed slot taken again", Duration.ofSeconds(10), () -> {
                try (RtmpClient again = new RtmpClient(platform.rtmpPort())) {
                    again.handshake();
                    return true;
                } catch (java.io.IOException refusedWhileTheCloseIsInFlight) {
                    return false;
                }
            });
        }
    }

    @Test
    void viewerConnectionsOverThePerAddressLimitAreRefusedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withDemo(true).withGateway(s.gateway().withLimits(
                     GatewayConfig.Limits.defaults().withViewers(new ConnectionLimiter.Limits(2, 20, 100)))));
             FlvViewer one = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), "demo");
             HttpFlvViewer two = HttpFlvViewer.open(platform.httpPort(), "demo", null)) {
            one.awaitFirstKeyframe(Duration.ofSeconds(30));
            assertThat(two.status()).isEqualTo(200);
            try (FlvViewer third = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), "demo");
                 HttpFlvViewer fourth = HttpFlvViewer.open(platform.httpPort(), "demo", null)) {
                FlvViewer.Close close = third.awaitClose(Duration.ofSeconds(10));
                assertThat(close.code()).isEqualTo((short) 4430);
                assertThat(close.reason()).isEqualTo("too-many-connections");
                assertThat(fourth.status()).isEqualTo(429);
                assertThat(new JsonObject(fourth.text()).getString("error")).isEqualTo("too-many-connections");
            }
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"viewer-connections-per-address\"")).isEqualTo(2);
            int before = one.count();
            one.awaitReceived("more tags for the first viewer", Duration.ofSeconds(10), tags -> tags.size() > before + 10);
            assertThat(new String(two.read(3), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("FLV");
            one.close();
            Await.until("the freed slot taken by a new viewer", Duration.ofSeconds(10), () -> {
                try (FlvViewer again = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), "demo")) {
                    again.awaitFirstKeyframe(Duration.ofSeconds(5));
                    return true;
                } catch (Exception stillCounted) {
                    return false;
                }
            });
        }
    }

    @Test
    void roomConnectionsOverThePerAddressLimitAreClosedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withGateway(s.gateway().withLimits(
                     GatewayConfig.Limits.defaults().withRooms(new ConnectionLimiter.Limits(2, 20, 100)))));
             RoomClient one = RoomClient.join(platform.clientVertx(), platform.httpPort(), "busy", null, 0);
             RoomClient two = RoomClient.join(platform.clientVertx(), platform.httpPort(), "busy", null, 0)) {
            one.await("hello", e -> "hello".equals(e.getString("type")));
            two.await("hello", e -> "hello".equals(e.getString("type")));
            try (RoomClient third = RoomClient.join(platform.clientVertx(), platform.httpPort(), "other-room", null, 0)) {
                FlvViewer.Close close = third.awaitClose();
                assertThat(close.code()).isEqualTo((short) 4430);
                assertThat(close.reason()).isEqualTo("too-many-connections");
            }
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"room-connections-per-address\"")).isEqualTo(1);
            one.send(new JsonObject().put("type", "ping"));
            one.await("pong", e -> "pong".equals(e.getString("type")));
            assertThat(two.isClosed()).isFalse();
        }
    }

    @Test
    void requestHeadersAndRequestLinesOverTheLimitsAreRefusedAndCounted() throws Exception {
        try (Platform platform = Platform.start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(platform.httpUrl("/api/streams")))
                    .header("X-Padding", "x".repeat(9000)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(431);
            HttpResponse<String> longLine = http.send(HttpRequest.newBuilder(URI.create(platform.httpUrl("/api/streams?q=" + "x".repeat(5000))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(longLine.statusCode()).isEqualTo(414);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"http-header-size\"")).isEqualTo(1);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"http-request-line\"")).isEqualTo(1);
            assertThat(platform.get("/api/streams").statusCode()).isEqualTo(200);
        }
    }
}
