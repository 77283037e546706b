package io.livestream.launcher.cluster;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.LlHls;
import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RoleProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LL-HLS through the gateway of a cluster (issue "Low-Latency HLS", item 2): ingest, two relays without
 * public URLs and a gateway, each its own JVM; ffmpeg publishes a public and a private stream. The
 * gateway passes each LL-HLS request to the relay that carries the stream's FLV (one relay segments it),
 * a blocking reload held there is held at the gateway and returns with its part, the relay's headers come
 * through, and a private stream's playlist and media need its play token. The ingest node records each
 * stream once (the gateway serves the recordings from the same directory).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HlsClusterIT {
    private static final String PUBLIC = "hlscluster";
    private static final String PRIVATE = "hlsclusterprivate";
    private static final int RTMP_PORT = RoleProcess.freePort();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static LocalCluster cluster;
    private static Path recordings;
    private static RoleProcess gateway;
    private static final List<RoleProcess> relays = new ArrayList<>();
    private static final List<Ffmpeg> publishers = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("hls", "LIVE_DRAIN", "1s");
        recordings = Files.createTempDirectory("cluster-recordings-");
        // the ingest node records; the gateway serves the recordings from the same directory (a shared volume in production)
        RoleProcess ingest = cluster.start("ingest", cluster.env("LIVE_RTMP_PORT", String.valueOf(RTMP_PORT),
                "LIVE_RECORD_DIR", recordings.toString()));
        relays.add(cluster.start("relay"));
        relays.add(cluster.start("relay"));
        gateway = cluster.start("gateway", cluster.env("LIVE_RECORD_DIR", recordings.toString()));
        for (RoleProcess p : List.of(ingest, relays.get(0), relays.get(1), gateway)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
        publishers.add(Ffmpeg.publish(cluster.publishUrl(RTMP_PORT, PUBLIC, ""), 320, 180, 30));
        publishers.add(Ffmpeg.publish(cluster.publishUrl(RTMP_PORT, PRIVATE, "&private=1"), 320, 180, 30));
        Await.until("both relays known to the gateway, both streams listed", Duration.ofSeconds(60),
                () -> gateway.metric("live_cluster_relays") == 2 && LocalCluster.listed(gateway, PUBLIC) != null
                        && LocalCluster.listed(gateway, PRIVATE) != null);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (Ffmpeg p : publishers) {
            p.close();
        }
        cluster.close();
    }

    @Test
    void ffprobePlaysThePlaylistThroughTheGatewayFromTheRelayThatCarriesTheStreamsFlv() throws Exception {
        String onStream = "stream=\"" + PUBLIC + "\"";
        try (FlvViewer flv = FlvViewer.watch(cluster.vertx(), gateway.httpPort(), PUBLIC)) {
            flv.awaitFirstKeyframe(Duration.ofSeconds(20));
            JsonArray streams = LlHls.probe(gateway.httpUrl("/live/" + PUBLIC + ".m3u8"), 3);
            assertThat(LlHls.stream(streams, "video").getString("codec_name")).isEqualTo("h264");
            assertThat(LlHls.stream(streams, "video").getInteger("width")).isEqualTo(320);
            assertThat(LlHls.frames(streams, "video")).as("3 s at 30 fps, give or take a segment").isGreaterThanOrEqualTo(60);
            assertThat(LlHls.frames(streams, "audio")).isPositive();
            // the FLV feed and the LL-HLS session are two viewers of one relay; the other relay does not pull the stream
            List<Double> perRelay = relays.stream().map(r -> r.metric("live_viewers", onStream)).sorted().toList();
            assertThat(perRelay).as("viewers of the stream on each relay").containsExactly(0.0, 2.0);
        }
    }

    /** RFC 8216bis 6.2.5.2 through the gateway: each reload is held until its part exists and returns with it, as at the relay. */
    @Test
    void aBlockingReloadThroughTheGatewayReturnsWithItsPartAndTheRelaysHeaders() throws Exception {
        HttpResponse<String> playlist = get("/live/" + PUBLIC + ".m3u8");
        assertThat(playlist.statusCode()).isEqualTo(200);
        assertThat(playlist.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(playlist.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(playlist.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(playlist.headers().firstValue("Content-Length")).hasValue(String.valueOf(playlist.body().getBytes(StandardCharsets.UTF_8).length));
        Matcher part = LlHls.PART.matcher(playlist.body());
        assertThat(part.find()).isTrue();
        HttpResponse<byte[]> media = getBytes("/live/" + part.group(2));
        assertThat(media.statusCode()).isEqualTo(200);
        assertThat(media.headers().firstValue("Content-Type")).hasValue("video/mp4");
        assertThat(media.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(media.headers().firstValue("Content-Length")).hasValue(String.valueOf(media.body().length));
        assertThat(new String(media.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("moof");

        LlHls.LastPart now = LlHls.LastPart.of(playlist.body());
        for (int round = 0; round <= 4; round++) {
            LlHls.LastPart asked = now.next();
            long started = System.nanoTime();
            HttpResponse<String> reload = get("/live/" + PUBLIC + ".m3u8?" + now.nextPartQuery());
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(reload.statusCode()).isEqualTo(200);
            assertThat(reload.headers().firstValue("Cache-Control").orElseThrow()).startsWith("public, max-age=");
            now = LlHls.LastPart.of(reload.body());
            if (round > 0) { // the first follows a plain reload: its part may be anywhere from 0 to 0.5 s away
                assertThat(now.ordinal()).as("round %d: waited %d ms for %s", round, waitedMs, asked).isEqualTo(asked.ordinal());
                assertThat(waitedMs).as("held until the part, which is at most 0.5 s away").isBetween(100L, 1500L);
            }
        }
        assertThat(get("/live/" + PUBLIC + ".m3u8?_HLS_part=1").statusCode()).as("the relay's 400 comes through").isEqualTo(400);
        assertThat(get("/live/nosuchstream.m3u8").statusCode()).isEqualTo(404);
    }

    @Test
    void aPrivateStreamsPlaylistAndMediaNeedItsToken() throws Exception {
        String token = cluster.token("viewer", PRIVATE);
        assertThat(get("/live/" + PRIVATE + ".m3u8").statusCode()).as("no token").isEqualTo(401);
        assertThat(get("/live/" + PRIVATE + ".m3u8?token=" + cluster.token("viewer", PUBLIC)).statusCode())
                .as("another stream's token").isEqualTo(403);
        HttpResponse<String> playlist = get("/live/" + PRIVATE + ".m3u8?token=" + token);
        assertThat(playlist.statusCode()).isEqualTo(200);
        Matcher map = Pattern.compile("#EXT-X-MAP:URI=\"([^\"?]+)\\?token=([^\"]+)\"").matcher(playlist.body());
        assertThat(map.find()).as("the init section's URI carries the token: %s", playlist.body()).isTrue();
        assertThat(getBytes("/live/" + map.group(1)).statusCode()).as("its media without the token").isEqualTo(401);
        assertThat(getBytes("/live/" + map.group(1) + "?token=" + map.group(2)).statusCode()).isEqualTo(200);
        assertThat(LlHls.frames(LlHls.probe(gateway.httpUrl("/live/" + PRIVATE + ".m3u8?token=" + token), 2), "video"))
                .isGreaterThanOrEqualTo(30);
    }

    /**
     * Both relays play the stream (a viewer on each), yet it is recorded once, by the ingest node that owns it;
     * when ffmpeg stops, the recording ends and its VOD plays through the gateway, every frame published.
     */
    @Test
    void aStreamIsRecordedOnceHoweverManyRelaysPlayItAndItsVodPlaysThroughTheGateway() throws Exception {
        String stream = "hlsclusterrec";
        try (Ffmpeg publisher = Ffmpeg.publishFor(cluster.publishUrl(RTMP_PORT, stream, ""), 320, 180, 30, 6)) {
            Await.until(stream + " listed", Duration.ofSeconds(30), () -> LocalCluster.listed(gateway, stream) != null);
            try (FlvViewer first = FlvViewer.watch(cluster.vertx(), relays.get(0).httpPort(), stream);
                 FlvViewer second = FlvViewer.watch(cluster.vertx(), relays.get(1).httpPort(), stream)) {
                first.awaitFirstKeyframe(Duration.ofSeconds(20));
                second.awaitFirstKeyframe(Duration.ofSeconds(20));
            }
            assertThat(publisher.awaitExit(60)).as("ffmpeg's exit; %s", publisher.output()).isZero();
        }
        JsonObject recording = Await.value("the recording ended and listed at the gateway", Duration.ofSeconds(30), () -> {
            HttpResponse<String> listing = gateway.get("/api/recordings").orElse(null);
            if (listing == null || listing.statusCode() != 200) {
                return null;
            }
            List<JsonObject> mine = new JsonObject(listing.body()).getJsonArray("recordings").stream().map(o -> (JsonObject) o)
                    .filter(r -> stream.equals(r.getString("stream"))).toList();
            assertThat(mine).as("recordings of %s", stream).hasSizeLessThanOrEqualTo(1);
            return mine.size() == 1 && !mine.get(0).getBoolean("live") ? mine.get(0) : null;
        });
        try (Stream<Path> folders = Files.list(recordings)) {
            assertThat(folders.filter(f -> f.getFileName().toString().startsWith(stream + "-")).count())
                    .as("recordings of the stream on disk").isEqualTo(1);
        }
        JsonArray vod = LlHls.probe(gateway.httpUrl(recording.getString("url")), 0);
        assertThat(LlHls.frames(vod, "video")).as("frames of the 180 published").isBetween(170, 180);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl(path))).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.httpUrl(path))).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
