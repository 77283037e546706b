package io.livestream.launcher.cluster;

import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RawClient;
import io.livestream.launcher.harness.RoleProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateway, ingest and two relays as separate JVMs from the built jar, clustered over Hazelcast
 * on 127.0.0.1; ffmpeg publishes to the ingest; viewers play through the gateway. Each test
 * starts from the same state, so any one runs alone; the ones that kill processes run last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIT {
    private static final String STREAM = "clustered";
    private static final int RTMP_PORT = RoleProcess.freePort();

    private static LocalCluster cluster;
    private static RoleProcess gateway;
    private static RoleProcess ingest;
    private static RoleProcess relayA;
    private static RoleProcess relayB;
    private static Ffmpeg publisher;
    private static Vertx clients;
    private static final List<FlvViewer> viewers = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("it", "LIVE_GRACE", "3s", "LIVE_DRAIN", "2s", "LIVE_LOG_LEVEL", "FINE");
        clients = cluster.vertx();
        ingest = cluster.startIngest(RTMP_PORT);
        relayA = cluster.start("relay");
        relayB = cluster.start("relay");
        gateway = cluster.start("gateway", "--relay-max-viewers", "1");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        viewers.forEach(FlvViewer::close);
        if (publisher != null) {
            publisher.close();
        }
        cluster.close();
    }

    /**
     * Every test starts from the same state, whatever the one before it killed: the four roles up,
     * the gateway knowing both relays, the stream published and listed, no viewer anywhere. So any
     * test can run alone; the order below only puts the ones that kill processes last.
     */
    @BeforeEach
    void everyRoleUpTheStreamListedAndNoViewers() throws Exception {
        for (RoleProcess p : List.of(ingest, relayA, relayB, gateway)) {
            if (!p.isAlive()) {
                p.start();
            }
        }
        for (RoleProcess p : List.of(ingest, relayA, relayB, gateway)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
        if (publisher == null || !publisher.isAlive()) {
            if (publisher != null) {
                publisher.close();
            }
            publisher = publish();
        }
        awaitListed(Duration.ofSeconds(60));
        Await.until("the gateway knows both relays", Duration.ofSeconds(30), () -> gateway.metric("live_cluster_relays") == 2);
        awaitNoViewers();
    }

    @Test
    @Order(1)
    void firstViewerOnARelayWithoutViewersGetsAKeyframeWithin200Ms() throws Exception {
        // The first round runs the relay's code paths once (a fresh JVM interprets them); each
        // later round is again the first viewer of the stream on that relay: its hub was dropped
        // when the previous viewer left, so the keyframe comes through the ingest's snapshot.
        for (int round = 0; round < 3; round++) {
            FlvViewer direct = watch(relayA.httpPort());
            long nanos = direct.awaitFirstKeyframe(Duration.ofSeconds(10));
            if (round > 0) {
                assertThat(nanos / 1_000_000).as("ms to the first keyframe through the snapshot path").isLessThan(200);
            }
            direct.close();
            Await.until("the relay dropped the stream", Duration.ofSeconds(10),
                    () -> relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") == 0);
        }
        awaitNoViewers();
    }

    @Test
    @Order(2)
    void viewersThroughTheGatewayShareOneRelayConnectionAndAnotherStreamSpillsOver() throws Exception {
        List<FlvViewer> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FlvViewer v = watch(gateway.httpPort());
            v.awaitFirstKeyframe(Duration.ofSeconds(10));
            three.add(v);
        }
        // the gateway pulls the stream once; the relay counts the viewers its feed says it carries
        assertThat(relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") + relayB.metric("live_viewers", "stream=\"" + STREAM + "\""))
                .as("connections from the gateway to the relays").isEqualTo(1);
        RoleProcess carrying = relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") == 1 ? relayA : relayB;
        RoleProcess other = carrying == relayA ? relayB : relayA;
        JsonObject listed = Await.value("viewers summed over relays", Duration.ofSeconds(10), () -> {
            JsonObject s = listed();
            return s != null && s.getInteger("viewers") == 3 ? s : null;
        });
        assertThat(listed.getJsonObject("video").getInteger("width")).isEqualTo(640);
        Await.until("cluster-wide viewers in the gateway's metrics", Duration.ofSeconds(10),
                () -> gateway.metric("live_cluster_viewers", "stream=\"" + STREAM + "\"") == 3);
        // the studio's health: the gateway asks the ingest JVM over the clustered event bus; the ingest reads the relays' viewers
        JsonObject sample = Await.value("a health sample with the 3 viewers, through the gateway", Duration.ofSeconds(20), () -> {
            JsonObject health = new JsonObject(gateway.get("/api/streams/" + STREAM + "/health").orElseThrow().body());
            return health.getJsonArray("samples").stream().map(o -> (JsonObject) o)
                    .filter(x -> Integer.valueOf(3).equals(x.getValue("viewers"))).findFirst().orElse(null);
        });
        assertThat(sample.getLong("kbps")).as("ingest bitrate in the cluster").isPositive();
        JsonObject play = new JsonObject(gateway.get("/api/play/" + STREAM).orElseThrow().body());
        assertThat(play.getBoolean("direct")).as("relays without a public URL: viewers play through the gateway").isFalse();
        assertThat(play.getString("url")).isEqualTo(gateway.httpUrl("/live/" + STREAM + ".flv"));

        // one viewer per relay is the threshold (--relay-max-viewers 1): the carrying relay is past it with 3
        String second = "clustered-second";
        try (RtmpClient streamer = new RtmpClient(RTMP_PORT)) {
            assertThat(streamer.publish(second + "?token=" + token("publish", second))).isEqualTo("NetStream.Publish.Start");
            Await.until(second + " listed", Duration.ofSeconds(20), () -> listed(second) != null);
            try (FlvViewer secondViewer = FlvViewer.watch(clients, gateway.httpPort(), second)) {
                Await.until("the other stream's feed on the relay below its threshold", Duration.ofSeconds(10),
                        () -> other.metric("live_viewers", "stream=\"" + second + "\"") == 1);
                assertThat(carrying.metric("live_viewers", "stream=\"" + second + "\"")).isZero();
                assertThat(secondViewer.isClosed()).isFalse();
            }
        }
        three.forEach(FlvViewer::close);
        Await.until("the second stream's viewer gone", Duration.ofSeconds(15),
                () -> gateway.metric("live_cluster_viewers", "stream=\"" + second + "\"") == 0);
        awaitNoViewers();
    }

    @Test
    @Order(3)
    void ffprobeDecodes150FramesThroughTheGateway() throws Exception {
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-read_intervals", "%+7",
                "-show_entries", "stream=codec_type,nb_read_frames", "-of", "json", gateway.httpUrl("/live/" + STREAM + ".flv")).start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).as("decoding errors").isBlank();
        int frames = new JsonObject(out).getJsonArray("streams").stream().map(o -> (JsonObject) o)
                .filter(s -> "video".equals(s.getString("codec_type")))
                .mapToInt(s -> Integer.parseInt(s.getString("nb_read_frames"))).sum();
        assertThat(frames).isGreaterThanOrEqualTo(150);
        awaitNoViewers();
    }

    @Test
    @Order(3)
    void aPrivateStreamPlaysThroughTheGatewayOrARelayOnlyWithATokenForIt() throws Exception {
        String stream = "clustered-private";
        try (RtmpClient streamer = new RtmpClient(RTMP_PORT)) {
            assertThat(streamer.publish(stream + "?token=" + token("publish", stream) + "&private=1")).isEqualTo("NetStream.Publish.Start");
            Await.until(stream + " listed as private", Duration.ofSeconds(20),
                    () -> listed(stream) != null && listed(stream).getBoolean("private"));
            assertThat(gateway.get("/live/" + stream + ".flv").orElseThrow().statusCode()).isEqualTo(401);
            try (FlvViewer other = FlvViewer.watch(clients, gateway.httpPort(), stream, token("viewer", "other"))) {
                assertThat(other.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo((short) 4401);
            }
            try (FlvViewer admitted = FlvViewer.watch(clients, gateway.httpPort(), stream, token("viewer", stream))) {
                Await.until("the admitted viewer on a relay", Duration.ofSeconds(10),
                        () -> relayA.metric("live_viewers", "stream=\"" + stream + "\"") + relayB.metric("live_viewers", "stream=\"" + stream + "\"") == 1);
                assertThat(admitted.isClosed()).isFalse();
                Await.until("the gateway sees the private stream's viewer", Duration.ofSeconds(15),
                        () -> gateway.metric("live_cluster_viewers", "stream=\"clustered-private\"") == 1);
            }
            // a relay reached directly checks the token as the gateway does
            assertThat(relayA.get("/live/" + stream + ".flv").orElseThrow().statusCode()).isEqualTo(401);
            assertThat(relayA.get("/live/" + stream + ".flv?token=" + token("viewer", "other")).orElseThrow().statusCode()).isEqualTo(403);
            try (FlvViewer without = FlvViewer.watch(clients, relayA.httpPort(), stream)) {
                assertThat(without.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo((short) 4401);
            }
            try (FlvViewer direct = FlvViewer.watch(clients, relayA.httpPort(), stream, token("viewer", stream))) {
                Await.until("the viewer with a token on the relay", Duration.ofSeconds(10),
                        () -> relayA.metric("live_viewers", "stream=\"" + stream + "\"") == 1);
                assertThat(direct.isClosed()).isFalse();
            }
            try (FlvViewer publicOne = FlvViewer.watch(clients, relayA.httpPort(), STREAM)) {
                publicOne.awaitFirstKeyframe(Duration.ofSeconds(10)); // a public stream takes no token, on a relay too
            }
        }
        // the relays' load counts every stream: the later spill-over cases need this viewer gone from the gateway's view
        Await.until("the private stream's viewer gone", Duration.ofSeconds(15),
                () -> gateway.metric("live_cluster_viewers", "stream=\"clustered-private\"") == 0
                        && gateway.metric("live_gateway_viewers") == 0);
        Await.until("the direct viewers gone from the relay", Duration.ofSeconds(15),
                () -> relayA.metric("live_viewers", "stream=\"clustered-private\"") == 0
                        && relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") == 0);
        awaitNoViewers();
    }

    @Test
    @Order(3)
    void viewersThatVanishWithFinOrRstLeaveNoSlotAtTheGatewayAndNoViewerAtTheRelays() throws Exception {
        for (int i = 0; i < 30; i++) {
            boolean webSocket = i % 3 != 2;
            int port = i % 5 == 4 ? relayA.httpPort() : gateway.httpPort(); // some play a relay directly
            RawClient c = webSocket ? RawClient.webSocket(port, "/live/" + STREAM + ".flv", Map.of())
                    : RawClient.get(port, "/live/" + STREAM + ".flv", Map.of());
            if (webSocket) {
                assertThat(c.status()).isEqualTo(101);
                assertThat(c.nextFrameOpcode()).as("FLV through %s", port == gateway.httpPort() ? "the gateway" : "a relay")
                        .isEqualTo(2);
            } else {
                assertThat(c.status()).isEqualTo(200);
                assertThat(c.read(64)).hasSize(64);
            }
            if (i % 2 == 0) {
                c.endWithFin();
            } else {
                c.endWithRst();
            }
        }
        Await.until("the gateway's viewer slots given back", Duration.ofSeconds(15),
                () -> gateway.metric("live_connections_open", "kind=\"viewer\"") == 0);
        Await.until("no viewer left on either relay", Duration.ofSeconds(15),
                () -> relayA.metric("live_viewers") + relayB.metric("live_viewers") == 0);
        awaitNoViewers();
        FlvViewer after = watch(gateway.httpPort());
        after.awaitFirstKeyframe(Duration.ofSeconds(10));
        after.close();
        awaitNoViewers();
    }

    @Test
    @Order(4)
    void killingARelayClosesItsViewersRelayLostAndTheyPlayAgainThroughTheGateway() throws Exception {
        FlvViewer v1 = watch(gateway.httpPort());
        FlvViewer v2 = watch(gateway.httpPort());
        v1.awaitFirstKeyframe(Duration.ofSeconds(10));
        v2.awaitFirstKeyframe(Duration.ofSeconds(10));
        Await.until("the gateway's feed placed", Duration.ofSeconds(10),
                () -> relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") + relayB.metric("live_viewers", "stream=\"" + STREAM + "\"") == 1);
        RoleProcess feeding = relayA.metric("live_viewers", "stream=\"" + STREAM + "\"") == 1 ? relayA : relayB;
        RoleProcess survivor = feeding == relayA ? relayB : relayA;
        FlvViewer onSurvivor = watch(survivor.httpPort()); // a viewer of the other relay, reached directly
        onSurvivor.awaitFirstKeyframe(Duration.ofSeconds(10));
        int beforeKill = onSurvivor.count();

        feeding.kill9();
        for (FlvViewer v : List.of(v1, v2)) {
            FlvViewer.Close close = v.awaitClose(Duration.ofSeconds(15));
            assertThat(close.reason()).isEqualTo("relay-lost");
            assertThat(close.code()).isEqualTo((short) 4502);
        }

        long reconnect = System.nanoTime();
        FlvViewer again = watch(gateway.httpPort());
        long toKeyframe = again.awaitFirstKeyframe(Duration.ofSeconds(10));
        assertThat((System.nanoTime() - reconnect) / 1_000_000).as("ms from reconnect to playing").isLessThan(5000);
        assertThat(toKeyframe).isPositive();
        Await.until("the gateway's new feed on the surviving relay", Duration.ofSeconds(10),
                () -> survivor.metric("live_viewers", "stream=\"" + STREAM + "\"") == 2);

        List<FlvViewer.Received> got = onSurvivor.awaitReceived("another 2 s on the surviving relay", Duration.ofSeconds(10),
                r -> r.size() > beforeKill + 100);
        long worstGapMs = 0;
        for (int i = beforeKill + 1; i < got.size(); i++) {
            worstGapMs = Math.max(worstGapMs, (got.get(i).arrivalNanos() - got.get(i - 1).arrivalNanos()) / 1_000_000);
        }
        assertThat(worstGapMs).as("longest pause on the other relay while one died, ms").isLessThan(1000);
        assertThat(onSurvivor.isClosed()).isFalse();
        onSurvivor.close();
        again.close();
    }

    @Test
    @Order(5)
    void killingTheIngestDropsTheStreamWithin10SecondsAndARepublishPlaysAgain() throws Exception {
        FlvViewer viewer = watch(gateway.httpPort());
        viewer.awaitFirstKeyframe(Duration.ofSeconds(10));

        long killed = System.nanoTime();
        ingest.kill9();
        Await.until("stream dropped from /api/streams", Duration.ofSeconds(20), () -> listed() == null);
        assertThat((System.nanoTime() - killed) / 1_000_000_000.0).as("seconds until the stream is gone").isLessThan(10);
        FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(15));
        assertThat(close.reason()).isEqualTo("stream-ended");
        publisher.close();

        ingest.start();
        ingest.awaitHealthy(Duration.ofSeconds(90));
        publisher = publish();
        awaitListed(Duration.ofSeconds(60));
        FlvViewer back = watch(gateway.httpPort());
        back.awaitFirstKeyframe(Duration.ofSeconds(10));
        back.close();
    }

    @Test
    @Order(6)
    void aRelayShuttingDownStopsTakingViewersAndSendsItsOwnToAnotherRelay() throws Exception {
        FlvViewer viewer = watch(gateway.httpPort());
        viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
        String stream = "stream=\"" + STREAM + "\"";
        Await.until("the viewer placed", Duration.ofSeconds(10),
                () -> relayA.metric("live_viewers", stream) + relayB.metric("live_viewers", stream) == 1);
        RoleProcess serving = relayA.metric("live_viewers", stream) == 1 ? relayA : relayB;

        serving.close(); // SIGTERM, as Kubernetes stops a pod
        FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(30));
        assertThat(close.reason()).as("closed by name after the drain").isEqualTo("shutdown");
        FlvViewer again = watch(gateway.httpPort());
        again.awaitFirstKeyframe(Duration.ofSeconds(10));
        RoleProcess other = serving == relayA ? relayB : relayA;
        Await.until("the reconnect plays on the other relay", Duration.ofSeconds(10), () -> other.metric("live_viewers", stream) == 1);
        again.close();
    }

    private static Ffmpeg publish() {
        return Ffmpeg.publish(cluster.publishUrl(RTMP_PORT, STREAM, ""), 640, 360, 30);
    }

    private static String token(String role, String stream) {
        return cluster.token(role, stream);
    }

    private static FlvViewer watch(int port) {
        FlvViewer v = FlvViewer.watch(clients, port, STREAM);
        viewers.add(v);
        return v;
    }

    private static JsonObject listed() {
        return listed(STREAM);
    }

    private static JsonObject listed(String stream) {
        return LocalCluster.listed(gateway, stream);
    }

    private static void awaitListed(Duration timeout) {
        Await.until(STREAM + " listed with its video", timeout, () -> {
            JsonObject s = listed();
            return s != null && s.getJsonObject("video").getInteger("width", 0) > 0;
        });
    }

    /**
     * Relays report viewers with their lease every second, and the gateway's relay directory
     * reads them every second: wait until the registry and the gateway's own view show none.
     */
    private static void awaitNoViewers() {
        Await.until("no viewers left on the relays", Duration.ofSeconds(15), () -> {
            JsonObject s = listed();
            return s != null && s.getInteger("viewers") == 0
                    && gateway.metric("live_cluster_viewers", "stream=\"" + STREAM + "\"") == 0
                    && gateway.metric("live_gateway_viewers") == 0;
        });
    }
}
