package io.livestream.launcher;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.MediaPacket;
import io.livestream.fanout.FanoutConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A viewer that stops reading skips frames and is closed; the others keep the stream's pace. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowViewerTest {

    @Test
    void viewerThatStopsReadingIsClosedAsSlowConsumerWhileAnotherKeepsPlaying() throws Exception {
        stalledViewerIsClosedWhileAnotherKeepsPlaying("busy", "GET /live/busy.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    /** The same over WebSocket-FLV, whose tags go to the socket below Vert.x and are flushed per batch. */
    @Test
    void webSocketViewerThatStopsReadingIsClosedAsSlowConsumerWhileAnotherKeepsPlaying() throws Exception {
        stalledViewerIsClosedWhileAnotherKeepsPlaying("busyws", "GET /live/busyws.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n");
    }

    private static void stalledViewerIsClosedWhileAnotherKeepsPlaying(String stream, String request) throws Exception {
        try (Platform platform = Platform.start(s -> s.withRelay(FanoutConfig.defaults()
                .withStallTimeout(Duration.ofSeconds(2)).withViewerQueueBytes(128 * 1024)));
             Ffmpeg publisher = Ffmpeg.publish(platform.publishUrl(stream), 1280, 720, 30);
             Socket stalled = new Socket()) {
            platform.awaitLive(stream, Duration.ofSeconds(30));
            try (FlvViewer healthy = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), stream)) {
                healthy.awaitFirstKeyframe(Duration.ofSeconds(10));

                stalled.setReceiveBufferSize(8 * 1024);
                stalled.connect(new InetSocketAddress("127.0.0.1", platform.httpPort()));
                OutputStream out = stalled.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long stalledAt = System.nanoTime();
                int countAtStall = healthy.count();

                Await.until("the stalled viewer closed as slow-consumer", Duration.ofSeconds(60),
                        () -> platform.metric("live_viewers_closed_total", "reason=\"slow-consumer\"") >= 1);
                double seconds = (System.nanoTime() - stalledAt) / 1e9;
                assertThat(platform.metric("live_frames_skipped_total", "stream=\"" + stream + "\""))
                        .as("frames skipped for the stalled viewer instead of queued").isPositive();

                List<FlvViewer.Received> got = healthy.received();
                List<FlvViewer.Received> during = got.subList(countAtStall, got.size());
                int mediaSpanMs = mediaTs(during, true) - mediaTs(during, false);
                assertThat(mediaSpanMs / 1000.0).as("stream seconds the healthy viewer got in %.1f s", seconds)
                        .isGreaterThan(seconds * 0.8);
                long worstGapMs = 0;
                for (int i = 1; i < during.size(); i++) {
                    worstGapMs = Math.max(worstGapMs, (during.get(i).arrivalNanos() - during.get(i - 1).arrivalNanos()) / 1_000_000);
                }
                assertThat(worstGapMs).as("longest pause for the healthy viewer, ms").isLessThan(1000);
                assertThat(healthy.isClosed()).isFalse();
            }
            stalled.setSoTimeout(10_000);
            assertThat(readsToEnd(stalled.getInputStream())).as("server closed the stalled connection").isTrue();
        }
    }

    private static int mediaTs(List<FlvViewer.Received> got, boolean last) {
        var media = got.stream().map(FlvViewer.Received::packet).filter(p -> !p.isMetadata() && !p.isSequenceHeader())
                .mapToInt(MediaPacket::timestamp);
        return last ? media.max().orElse(0) : media.min().orElse(0);
    }

    private static boolean readsToEnd(InputStream in) {
        byte[] buf = new byte[64 * 1024];
        try {
            while (in.read(buf) >= 0) {
                // what was already in flight
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }
}
