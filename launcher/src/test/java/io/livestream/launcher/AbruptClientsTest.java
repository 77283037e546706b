package io.livestream.launcher;

import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.gateway.GatewayConfig;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.HttpFlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RawClient;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real clients that vanish without a goodbye (a FIN or an RST, no WebSocket close frame, an HTTP
 * response never read to its end) give their per-address slots back, many times over the cap; and
 * the address a limit counts is the client's, through trusted proxies only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbruptClientsTest {
    private static final int CAP = 5;
    private static final int ROUNDS = 11; // 55 abrupt clients of each kind: eleven times the cap
    private static final int TEXT = 1;
    private static final int BINARY = 2;

    private interface Connect {
        RawClient open(int i) throws IOException;
    }

    @Test
    void viewersAndRoomMembersThatVanishWithFinOrRstGiveTheirSlotsBack() throws Exception {
        ConnectionLimiter.Limits cap = new ConnectionLimiter.Limits(CAP, 0, 1);
        try (Platform platform = Platform.start(s -> s.withDemo(true).withGateway(s.gateway().withLimits(
                GatewayConfig.Limits.defaults().withViewers(cap).withRooms(cap))))) {
            platform.awaitLive("demo", Duration.ofSeconds(30));
            int port = platform.httpPort();
            vanishInRounds(platform, "ws-flv viewers", i -> {
                RawClient c = RawClient.webSocket(port, "/live/demo.flv", Map.of());
                assertThat(c.status()).isEqualTo(101);
                assertThat(c.nextFrameOpcode()).as("admitted: FLV, not a close frame").isEqualTo(BINARY);
                return c;
            });
            vanishInRounds(platform, "http-flv viewers", i -> {
                RawClient c = RawClient.get(port, "/live/demo.flv", Map.of());
                assertThat(c.status()).as("admitted").isEqualTo(200);
                assertThat(c.read(64)).hasSize(64);
                return c;
            });
            vanishInRounds(platform, "room members", i -> {
                RawClient c = RawClient.webSocket(port, "/ws/room/abrupt-" + i, Map.of());
                assertThat(c.status()).isEqualTo(101);
                assertThat(c.nextFrameOpcode()).as("admitted: the room's hello, not a close frame").isEqualTo(TEXT);
                return c;
            });
            assertThat(platform.metric("live_limit_refusals_total")).as("nobody was refused").isZero();

            try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), port, "demo");
                 HttpFlvViewer http = HttpFlvViewer.open(port, "demo", null);
                 RoomClient member = RoomClient.join(platform.clientVertx(), port, "after", null, 0)) {
                viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
                assertThat(http.status()).isEqualTo(200);
                member.await("hello", e -> "hello".equals(e.getString("type")));
                assertThat(platform.metric("live_connections_open", "kind=\"viewer\"")).isEqualTo(2);
                assertThat(platform.metric("live_connections_open", "kind=\"room\"")).isEqualTo(1);
            }
            awaitNoSlotsHeld(platform);
        }
    }

    /** Rounds of {@link #CAP} clients at once, each round admitted in full, then half leave with a FIN and half with an RST. */
    private static void vanishInRounds(Platform platform, String what, Connect connect) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            List<RawClient> clients = new ArrayList<>();
            for (int i = 0; i < CAP; i++) {
                clients.add(connect.open(round * CAP + i));
            }
            for (int i = 0; i < clients.size(); i++) {
                if ((i + round) % 2 == 0) {
                    clients.get(i).endWithFin();
                } else {
                    clients.get(i).endWithRst();
                }
            }
            int after = round;
            Await.until(what + ": slots back after round " + after, Duration.ofSeconds(10),
                    () -> platform.metric("live_connections_open") == 0);
        }
    }

    private static void awaitNoSlotsHeld(Platform platform) {
        Await.until("no slot held", Duration.ofSeconds(10), () -> platform.metric("live_connections_open") == 0);
        Await.until("no viewer left at the relay", Duration.ofSeconds(10), () -> platform.metric("live_viewers") == 0);
    }

    @Test
    void behindATrustedProxyEachForwardedClientIsLimitedOnItsOwn() throws Exception {
        try (Platform platform = Platform.start(s -> s.withDemo(true).withGateway(s.gateway()
                .withLimits(GatewayConfig.Limits.defaults().withViewers(new ConnectionLimiter.Limits(2, 0, 1)).withSessions(0.001, 2))
                .withTrustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1"))))) {
            platform.awaitLive("demo", Duration.ofSeconds(30));
            int port = platform.httpPort();
            try (RawClient a1 = viewerVia(port, "203.0.113.1");
                 RawClient a2 = viewerVia(port, "6.6.6.6, 203.0.113.1");
                 RawClient a3 = viewerVia(port, "203.0.113.1");
                 RawClient b1 = viewerVia(port, "203.0.113.2");
                 RawClient c1 = viewerForwardedFor(port, "\"[2001:db8::7]:4711\"")) {
                assertThat(a1.status()).isEqualTo(200);
                assertThat(a2.status()).as("what the client wrote to the left of the proxy's entry is ignored").isEqualTo(200);
                assertThat(a3.status()).as("203.0.113.1 holds its two").isEqualTo(429);
                assertThat(b1.status()).as("another forwarded client has slots of its own").isEqualTo(200);
                assertThat(c1.status()).as("Forwarded: for=, IPv6").isEqualTo(200);
            }
            assertThat(sessionVia(platform, "198.51.100.1")).isEqualTo(200);
            assertThat(sessionVia(platform, "198.51.100.1")).isEqualTo(200);
            assertThat(sessionVia(platform, "198.51.100.1")).as("over the burst of 2").isEqualTo(429);
            assertThat(sessionVia(platform, "198.51.100.2")).isEqualTo(200);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"session-rate\"")).isEqualTo(1);
            assertThat(studioVia(platform, null)).as("this machine, no proxy").isEqualTo(200);
            assertThat(studioVia(platform, "203.0.113.9")).as("a remote client through a proxy on this machine is not loopback")
                    .isEqualTo(403);
            awaitNoSlotsHeld(platform);
        }
    }

    @Test
    void fromAnUntrustedPeerForwardingHeadersChangeNothing() throws Exception {
        try (Platform platform = Platform.start(s -> s.withDemo(true).withGateway(s.gateway()
                .withLimits(GatewayConfig.Limits.defaults().withViewers(new ConnectionLimiter.Limits(2, 0, 1)))
                .withTrustedProxies(TrustedProxies.parse("10.0.0.0/8"))))) {
            platform.awaitLive("demo", Duration.ofSeconds(30));
            int port = platform.httpPort();
            try (RawClient a1 = viewerVia(port, "203.0.113.1");
                 RawClient a2 = viewerVia(port, "203.0.113.2");
                 RawClient a3 = viewerVia(port, "203.0.113.3")) {
                assertThat(a1.status()).isEqualTo(200);
                assertThat(a2.status()).isEqualTo(200);
                assertThat(a3.status()).as("all three are 127.0.0.1").isEqualTo(429);
            }
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"viewer-connections-per-address\"")).isEqualTo(1);
            assertThat(studioVia(platform, "203.0.113.9")).as("a forwarded remote client is not loopback").isEqualTo(403);
            awaitNoSlotsHeld(platform);
        }
    }

    private static RawClient viewerVia(int port, String xForwardedFor) throws IOException {
        return RawClient.get(port, "/live/demo.flv", Map.of("X-Forwarded-For", xForwardedFor));
    }

    private static RawClient viewerForwardedFor(int port, String forValue) throws IOException {
        return RawClient.get(port, "/live/demo.flv", Map.of("Forwarded", "for=" + forValue + ";proto=http"));
    }

    private static int sessionVia(Platform platform, String xForwardedFor) throws Exception {
        return post(platform, "/api/session", new JsonObject().put("nickname", "guest"), xForwardedFor);
    }

    private static int studioVia(Platform platform, String xForwardedFor) throws Exception {
        return post(platform, "/api/studio/publish", new JsonObject().put("stream", "mine"), xForwardedFor);
    }

    private static int post(Platform platform, String path, JsonObject body, String xForwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.httpUrl(path)))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).header("Content-Type", "application/json");
        if (xForwardedFor != null) {
            request.header("X-Forwarded-For", xForwardedFor);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
