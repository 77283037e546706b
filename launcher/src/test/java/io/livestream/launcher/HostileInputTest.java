package io.livestream.launcher;

import io.livestream.ingest.IngestConfig;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.rtmp.RtmpLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile RTMP input closes only the offending connection; a concurrent viewer keeps playing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputTest {
    private static final String STREAM = "steady";
    private static Platform platform;
    private static Ffmpeg publisher;
    private static FlvViewer viewer;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start(s -> s.withIngest(new IngestConfig("127.0.0.1", 0,
                new RtmpLimits(RtmpLimits.SPEC_MAX_CHUNK_SIZE, 1024 * 1024, 64), Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofMillis(1500), Duration.ofSeconds(6), 3000, 32L * 1024 * 1024, 20)));
        publisher = Ffmpeg.publish(platform.publishUrl(STREAM), 320, 240, 30);
        platform.awaitLive(STREAM, Duration.ofSeconds(30));
        viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM);
        viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() throws Exception {
        viewer.close();
        publisher.close();
        platform.close();
    }

    @Test
    void randomBytesCloseTheConnection() throws Exception {
        byte[] junk = new byte[4096];
        new Random(42).nextBytes(junk);
        junk[0] = 0x47; // not RTMP version 3
        assertOffenderClosedAndViewerUnharmed(client -> client.sendRaw(junk), "bad-handshake");
    }

    @Test
    void truncatedHandshakeIsClosedAfterTheHandshakeTimeout() throws Exception {
        byte[] partial = new byte[1 + 700];
        partial[0] = 3;
        assertOffenderClosedAndViewerUnharmed(client -> client.sendRaw(partial), null);
    }

    @Test
    void chunkSizeZeroCloses() throws Exception {
        assertOffenderClosedAndViewerUnharmed(client -> {
            client.handshake();
            client.sendRaw(setChunkSize("00000000"));
        }, "bad-chunk-size");
    }

    @Test
    void chunkSizeAbove16MiBCloses() throws Exception {
        assertOffenderClosedAndViewerUnharmed(client -> {
            client.handshake();
            client.sendRaw(setChunkSize("01000000"));
        }, "bad-chunk-size");
    }

    @Test
    void messageLengthOverTheLimitCloses() throws Exception {
        assertOffenderClosedAndViewerUnharmed(client -> {
            client.handshake();
            // fmt 0, csid 6, timestamp 0, length 0xFFFFFF (over the 1 MiB limit), type 9 (video), stream 1
            client.sendRaw(HexFormat.of().parseHex("06" + "000000" + "FFFFFF" + "09" + "01000000" + "17"));
        }, "message-too-large");
    }

    /** A protocol control message on chunk stream 2: fmt 0, Set Chunk Size (RTMP spec 5.4.1). */
    private static byte[] setChunkSize(String hexSize) {
        return HexFormat.of().parseHex("02" + "000000" + "000004" + "01" + "00000000" + hexSize);
    }

    private interface Attack {
        void run(RtmpClient client) throws IOException;
    }

    private static void assertOffenderClosedAndViewerUnharmed(Attack attack, String reason) throws Exception {
        double before = reason == null ? 0 : platform.metric("live_rtmp_rejected_total", "reason=\"" + reason + "\"");
        try (RtmpClient offender = new RtmpClient(platform.rtmpPort())) {
            attack.run(offender);
            assertThat(offender.awaitClosedByServer()).as("offender closed").isTrue();
        }
        if (reason != null) {
            assertThat(platform.metric("live_rtmp_rejected_total", "reason=\"" + reason + "\"")).isEqualTo(before + 1);
        }
        int seen = viewer.count();
        viewer.awaitReceived("more media after the attack", Duration.ofSeconds(10), r -> r.size() > seen + 30);
        assertThat(viewer.isClosed()).isFalse();
        assertThat(publisher.isAlive()).isTrue();
        assertThat(platform.listedStream(STREAM)).isNotNull();
    }
}
