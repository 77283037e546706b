package io.livestream.launcher.cluster;

import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RoleProcess;
import io.livestream.media.codec.AvcDecoderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ingest nodes, a relay and a gateway as separate JVMs on a Hazelcast cluster: one stream name
 * has one publisher across the cluster. A second publisher on the other ingest node is refused
 * {@code stream-busy}; once the first one goes silent (SIGSTOP: no FIN, no unpublish), a publisher
 * on the other node takes the stream over and a viewer through the gateway keeps playing, now the
 * new publisher's picture; the first one, woken, finds it lost the stream and is closed.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class IngestClaimsIT {
    private static final String STREAM = "claimed";
    private static final int RTMP_A = RoleProcess.freePort();
    private static final int RTMP_B = RoleProcess.freePort();

    private static LocalCluster cluster;
    private static RoleProcess ingestA;
    private static RoleProcess ingestB;
    private static RoleProcess relay;
    private static RoleProcess gateway;
    private static Vertx clients;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("claims", "LIVE_GRACE", "5s", "LIVE_DRAIN", "1s");
        clients = cluster.vertx();
        ingestA = cluster.startIngest(RTMP_A);
        ingestB = cluster.startIngest(RTMP_B);
        relay = cluster.start("relay");
        gateway = cluster.start("gateway");
        long start = System.nanoTime();
        for (RoleProcess p : List.of(ingestA, ingestB, relay, gateway)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
        System.out.printf("IngestClaimsIT: four roles healthy in %.1f s%n", (System.nanoTime() - start) / 1e9);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void aSecondPublisherOnTheOtherNodeIsRefusedAndTakesOverOnceTheFirstGoesSilent() throws Exception {
        try (Ffmpeg first = Ffmpeg.publish(url(RTMP_A), 640, 360, 30)) {
            Await.until(STREAM + " live from node A", Duration.ofSeconds(30), () -> ingestA.metric("live_publishers") == 1);
            try (FlvViewer viewer = FlvViewer.watch(clients, gateway.httpPort(), STREAM)) {
                viewer.awaitFirstKeyframe(Duration.ofSeconds(15));

                try (RtmpClient second = new RtmpClient(RTMP_B)) {
                    assertThat(second.publish(STREAM + "?token=" + cluster.token("publish", STREAM))).isEqualTo("NetStream.Publish.BadName");
                    assertThat(second.awaitClosedByServer()).isTrue();
                }
                assertThat(ingestB.metric("live_rtmp_closed_total", "reason=\"stream-busy\"")).isEqualTo(1);
                assertThat(ingestB.metric("live_publishers")).isZero();

                first.freeze();
                long frozen = System.nanoTime();
                int before = viewer.count();
                try (Ffmpeg next = Ffmpeg.publish(url(RTMP_B), 320, 180, 30)) {
                    Await.until("node B publishes " + STREAM, Duration.ofSeconds(15), () -> ingestB.metric("live_publishers") == 1);
                    double tookOver = (System.nanoTime() - frozen) / 1e9;
                    List<FlvViewer.Received> got = viewer.awaitReceived("the new publisher's picture at the same viewer", Duration.ofSeconds(15),
                            r -> r.stream().skip(before).anyMatch(IngestClaimsIT::is320Wide) && r.size() > before + 60);
                    assertThat(viewer.isClosed()).isFalse();
                    assertThat(got.stream().skip(before).filter(IngestClaimsIT::is320Wide).count()).isPositive();
                    assertThat(tookOver).as("seconds from the silence to the take-over").isLessThan(5);
                    System.out.printf("IngestClaimsIT: node B took %s over %.2f s after node A's publisher froze%n", STREAM, tookOver);

                    first.thaw(); // the old holder wakes: its node finds the claim gone and closes it
                    Await.until("node A let the stream go", Duration.ofSeconds(10),
                            () -> ingestA.metric("live_publishers") == 0
                                    && ingestA.metric("live_rtmp_closed_total", "reason=\"stream-busy\"") == 1);
                    int afterWake = viewer.count();
                    viewer.awaitReceived("more of the new publisher after the old one woke", Duration.ofSeconds(10),
                            r -> r.size() > afterWake + 30);
                    assertThat(viewer.isClosed()).isFalse();
                    assertThat(listedWidth()).isEqualTo(320);
                    assertThat(next.isAlive()).as("the new publisher: %s", next.output()).isTrue();
                }
            }
        }
    }

    private static boolean is320Wide(FlvViewer.Received r) {
        return r.packet().isVideoSequenceHeader() && AvcDecoderConfig.parse(r.packet().payload()).width() == 320;
    }

    private static int listedWidth() {
        return gateway.get("/api/streams").map(r -> new JsonObject(r.body()).getJsonArray("streams").stream()
                .map(o -> (JsonObject) o).filter(s -> STREAM.equals(s.getString("name")))
                .mapToInt(s -> s.getJsonObject("video").getInteger("width", 0)).findFirst().orElse(0)).orElse(0);
    }

    private static String url(int port) {
        return cluster.publishUrl(port, STREAM, "");
    }
}
