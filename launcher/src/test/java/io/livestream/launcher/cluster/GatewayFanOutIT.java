package io.livestream.launcher.cluster;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RawClient;
import io.livestream.launcher.harness.RoleProcess;
import io.livestream.media.MediaPacket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway carries a relay's stream at fan-out cost (issue "Cluster data path", item 2): ingest,
 * one relay without a public URL and a gateway, each its own JVM. However many viewers of a stream
 * the gateway has, it holds one connection to the relay, which counts them as viewers; a late joiner
 * starts on the GOP the gateway keeps; a viewer that stops reading skips to keyframes and is closed
 * {@code slow-consumer} while the others play on; a gateway stopping closes its viewers {@code shutdown}.
 * (A relay's death and spill-over are {@link ClusterIT}'s.) Each test starts with the stream
 * publishing and no viewers; the gateway's stop comes last.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayFanOutIT {
    private static final String STREAM = "fanned";
    private static final String ON_STREAM = "stream=\"" + STREAM + "\"";
    private static final int RTMP_PORT = RoleProcess.freePort();

    private static LocalCluster cluster;
    private static RoleProcess ingest;
    private static RoleProcess relay;
    private static RoleProcess gateway;
    private static Ffmpeg publisher;
    private static Vertx vertx;
    private final List<FlvViewer> viewers = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("fanout", "LIVE_DRAIN", "1s");
        vertx = cluster.vertx();
        ingest = cluster.startIngest(RTMP_PORT);
        relay = cluster.start("relay");
        // a shorter stall timeout at the gateway, so that a viewer that stops reading is judged in seconds; the
        // queue stays the default 1 MiB (a 720p keyframe alone can pass 64 KiB: a smaller one makes busy viewers skip)
        gateway = cluster.start("gateway", cluster.env("LIVE_STALL_TIMEOUT", "4s"));
        for (RoleProcess p : List.of(ingest, relay, gateway)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
        publisher = Ffmpeg.publish(cluster.publishUrl(RTMP_PORT, STREAM, ""), 1280, 720, 30);
        Await.until(STREAM + " listed, with a relay known to the gateway", Duration.ofSeconds(60),
                () -> gateway.metric("live_cluster_relays") == 1 && gateway.get("/api/play/" + STREAM)
                        .map(r -> r.statusCode() == 200).orElse(false));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        cluster.close();
    }

    @AfterEach
    void noViewersLeft() {
        viewers.forEach(FlvViewer::close);
        Await.until("the gateway's feed closed with its last viewer", Duration.ofSeconds(15),
                () -> relay.metric("live_viewers", ON_STREAM) == 0 && gateway.metric("live_viewers", ON_STREAM) == 0);
    }

    @Test
    void manyViewersOfAStreamAreOneConnectionToTheRelayWhichCountsThemAsViewers() throws Exception {
        int count = 40;
        WebSocketClient shared = FlvViewer.sharedClient(vertx);
        for (int i = 0; i < count; i++) {
            viewers.add(FlvViewer.probe(shared, gateway.httpPort(), STREAM));
        }
        for (FlvViewer v : viewers) {
            v.awaitFirstKeyframe(Duration.ofSeconds(20));
        }
        assertThat(gateway.metric("live_viewers", ON_STREAM)).as("viewers the gateway fans out to").isEqualTo(count);
        assertThat(relay.metric("live_viewers", ON_STREAM)).as("connections to the relay").isEqualTo(1);
        Await.until("the relay's load, and /api/streams, count the gateway's viewers", Duration.ofSeconds(15), () -> {
            JsonObject listed = listed();
            return listed != null && listed.getInteger("viewers") == count
                    && gateway.metric("live_cluster_viewers", ON_STREAM) == count
                    && gateway.metric("live_gateway_viewers") == count;
        });
        viewers.forEach(FlvViewer::close);
        Await.until("viewers gone from the relay's load", Duration.ofSeconds(15), () -> {
            JsonObject listed = listed();
            return listed != null && listed.getInteger("viewers") == 0;
        });
        shared.close();
    }

    /**
     * A late joiner's first keyframe is not newer than the live edge when it joined (the first
     * viewer's latest frame then, give or take what was in flight): the gateway's GOP, not the
     * next keyframe (one a second here), which each join would pass only by chance.
     */
    @Test
    void aLateJoinerStartsOnTheKeyframeTheGatewayKeeps() throws Exception {
        FlvViewer first = watch();
        first.awaitLiveEdge();
        for (int i = 0; i < 5; i++) {
            int liveEdge = first.latestVideoTimestamp();
            FlvViewer late = watch();
            late.awaitFirstKeyframe(Duration.ofSeconds(10));
            MediaPacket firstVideo = late.firstVideoFrame();
            assertThat(firstVideo.isKeyframe()).as("the late joiner's first frame is a keyframe").isTrue();
            assertThat(firstVideo.timestamp()).as("its timestamp against the live edge when it joined").isLessThanOrEqualTo(liveEdge + 300);
            late.close();
        }
        assertThat(relay.metric("live_viewers", ON_STREAM)).as("connections to the relay").isEqualTo(1);
    }

    @Test
    void aViewerThatStopsReadingSkipsToKeyframesAndIsClosedWhileTheOthersPlayOn() throws Exception {
        FlvViewer steady = watch();
        steady.awaitFirstKeyframe(Duration.ofSeconds(20));
        double closedBefore = gateway.metric("live_viewers_closed_total", "reason=\"slow-consumer\"");
        int from = steady.count();
        try (RawClient stalled = RawClient.webSocket(gateway.httpPort(), "/live/" + STREAM + ".flv", Map.of(), 4096)) {
            assertThat(stalled.status()).isEqualTo(101);
            // it reads nothing more: the kernel's buffers fill, then its queue at the gateway, then it skips frames
            Await.until("the stalled viewer skipping frames at the gateway", Duration.ofSeconds(30),
                    () -> gateway.metric("live_frames_skipped_total", ON_STREAM) > 0);
            Await.until("the stalled viewer closed slow-consumer", Duration.ofSeconds(30),
                    () -> gateway.metric("live_viewers_closed_total", "reason=\"slow-consumer\"") > closedBefore);
        }
        List<FlvViewer.Received> got = steady.received();
        long worstGapMs = 0;
        for (int i = from + 1; i < got.size(); i++) {
            worstGapMs = Math.max(worstGapMs, (got.get(i).arrivalNanos() - got.get(i - 1).arrivalNanos()) / 1_000_000);
        }
        assertThat(got.size() - from).as("tags the steady viewer received meanwhile").isGreaterThan(100);
        assertThat(worstGapMs).as("the steady viewer's longest pause meanwhile, ms").isLessThan(1000);
        assertThat(steady.isClosed()).isFalse();
    }

    @Test
    void aStreamThatIsNotLiveIsNotFoundThroughTheFeed() throws Exception {
        assertThat(gateway.get("/live/nosuchstream.flv").orElseThrow().statusCode()).isEqualTo(404);
        try (FlvViewer nobody = FlvViewer.watch(vertx, gateway.httpPort(), "nosuchstream")) {
            assertThat(nobody.awaitClose(Duration.ofSeconds(10)).reason()).isEqualTo("stream-not-found");
        }
    }

    /** Last: it stops the gateway. Its viewers are told {@code shutdown}, so the page reconnects at once. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aGatewayStoppingClosesItsViewersShutdown() throws Exception {
        FlvViewer viewer = watch();
        viewer.awaitFirstKeyframe(Duration.ofSeconds(20));
        gateway.close(); // SIGTERM, as Kubernetes stops a pod
        FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(30));
        assertThat(close.reason()).isEqualTo("shutdown");
        assertThat(close.code()).isEqualTo((short) 4503);
    }

    private FlvViewer watch() {
        FlvViewer v = FlvViewer.watch(vertx, gateway.httpPort(), STREAM);
        viewers.add(v);
        return v;
    }

    private static JsonObject listed() {
        return LocalCluster.listed(gateway, STREAM);
    }
}
