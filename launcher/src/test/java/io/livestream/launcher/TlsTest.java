package io.livestream.launcher;

import io.livestream.common.net.TlsFiles;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.TestKeys;
import io.livestream.media.MediaPacket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a certificate, the gateway serves HTTPS and WSS on its HTTP port, and ingest takes RTMPS
 * on its own port beside plain RTMP; ffmpeg publishes over rtmps:// and viewers play over TLS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsTest {
    private static final String STREAM = "secure";

    @TempDir
    static Path dir;

    private static TestKeys.Certificate certificate;
    private static HttpClient https;
    private static Platform platform;
    private static Ffmpeg publisher;

    @BeforeAll
    static void start() throws Exception {
        certificate = TestKeys.selfSigned(dir, "server");
        TlsFiles tls = TlsFiles.load(certificate.cert().toString(), certificate.key().toString());
        https = HttpClient.newBuilder().sslContext(certificate.sslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        platform = Platform.start(s -> s.withGateway(s.gateway().withTls(tls)).withIngest(s.ingest().withRtmps(0, tls)));
        publisher = Ffmpeg.publish("rtmps://127.0.0.1:" + platform.rtmpsPort() + "/live/" + STREAM
                + "?token=" + platform.publishToken(STREAM), 640, 360, 30);
        Await.value(STREAM + " live over RTMPS", Duration.ofSeconds(30), () -> {
            JsonObject streams = new JsonObject(get("/api/streams").body());
            return streams.getJsonArray("streams").stream().map(o -> (JsonObject) o)
                    .filter(s -> STREAM.equals(s.getString("name")) && s.getJsonObject("video").getInteger("width", 0) > 0)
                    .findFirst().orElse(null);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        try (Ffmpeg p = publisher; Platform running = platform) {
            // closed in reverse order: ffmpeg first
        }
    }

    @Test
    void healthAndStreamsAnswerOverHttpsToAClientThatTrustsTheCertificate() {
        assertThat(platform.rtmpsPort()).isPositive().isNotEqualTo(platform.rtmpPort());
        assertThat(get("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> streams = get("/api/streams");
        assertThat(streams.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(streams.body()).getJsonArray("streams").stream()
                .map(o -> ((JsonObject) o).getString("name"))).contains(STREAM);
        assertThat(new JsonObject(get("/api/play/" + STREAM).body()).getString("ws"))
                .as("the play API hands out wss://").startsWith("wss://");
    }

    /** The stream key carries the publish token: with RTMPS on, the studio hands out the rtmps:// server. */
    @Test
    void studioHandsOutTheRtmpsServer() throws Exception {
        HttpResponse<String> granted = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + platform.httpPort()
                        + "/api/studio/publish")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\": \"tlsstudio\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        assertThat(new JsonObject(granted.body()).getString("rtmpServer")).isEqualTo("rtmps://127.0.0.1:" + platform.rtmpsPort() + "/live");
    }

    @Test
    void wssViewerGetsTheFlvHeaderThenAKeyframeOfTheStreamPublishedOverRtmps() throws Exception {
        assertThat(publisher.isAlive()).as("ffmpeg over rtmps: %s", publisher.output()).isTrue();
        try (FlvViewer viewer = FlvViewer.watchTls(platform.clientVertx(), platform.httpPort(), STREAM, certificate.trust())) {
            viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
            List<FlvViewer.Received> got = viewer.awaitReceived("2 s of media", Duration.ofSeconds(20),
                    r -> r.size() > 3 && r.get(r.size() - 1).packet().timestamp() - r.get(3).packet().timestamp() > 2000);
            assertThat(viewer.error()).isNull();
            assertThat(viewer.firstMessageStartsWithHeader()).as("first message is the FLV header").isTrue();
            MediaPacket firstVideo = got.stream().map(FlvViewer.Received::packet)
                    .filter(p -> p.kind() == MediaPacket.Kind.VIDEO && !p.isSequenceHeader()).findFirst().orElseThrow();
            assertThat(firstVideo.isKeyframe()).isTrue();
        }
    }

    @Test
    void ffprobeDecodesTheStreamOverHttps() throws Exception {
        // ffmpeg does not check certificates unless asked (tls_verify), so the self-signed one passes
        Process probe = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-read_intervals", "%+3",
                "-select_streams", "v", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json",
                "https://127.0.0.1:" + platform.httpPort() + "/live/" + STREAM + ".flv").start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as("ffprobe: %s", errors).isZero();
        JsonObject video = new JsonObject(out).getJsonArray("streams").getJsonObject(0);
        assertThat(video.getString("codec_name")).isEqualTo("h264");
        assertThat(video.getInteger("width")).isEqualTo(640);
        assertThat(Integer.parseInt(video.getString("nb_read_frames"))).isGreaterThanOrEqualTo(30);
    }

    @Test
    void plainRtmpStillTakesPublishersBesideRtmps() throws Exception {
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            assertThat(client.publish("plain?token=" + platform.publishToken("plain"))).isEqualTo("NetStream.Publish.Start");
        }
    }

    @Test
    void aMissingOrMismatchedCertificateStopsStartUpWithTheFileNamed() {
        Path missing = dir.resolve("missing.crt");
        TestKeys.Certificate other = TestKeys.selfSigned(dir, "other");
        String key = certificate.key().toString();

        assertThat(Commands.refused("standalone", "--tls-cert", missing.toString(), "--tls-key", key))
                .isEqualTo("standalone: TLS certificate " + missing + ": no such file");
        assertThat(Commands.refused("standalone", "--tls-cert", certificate.cert().toString()))
                .startsWith("standalone: TLS needs both a certificate and a private key");
        assertThat(Commands.refused("standalone", "--tls-cert", other.cert().toString(), "--tls-key", key))
                .startsWith("standalone: TLS certificate " + other.cert() + " with key " + key + ": ");
        assertThat(Commands.refused("gateway", "--jwt-secret", Platform.SECRET, "--tls-cert", certificate.cert().toString(), "--tls-key", missing.toString()))
                .isEqualTo("gateway: TLS private key " + missing + ": no such file");
        assertThat(Commands.refused("ingest", "--jwt-secret", Platform.SECRET, "--tls-cert", missing.toString(), "--tls-key", key))
                .isEqualTo("ingest: TLS certificate " + missing + ": no such file");
    }

    private static HttpResponse<String> get(String path) {
        try {
            return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + platform.httpPort() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET https://..." + path + " failed", e);
        }
    }
}
