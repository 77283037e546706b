package io.livestream.launcher;

import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.media.MediaPacket;
import io.livestream.fanout.FanoutConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Viewers wait out a publisher's restart on one timeline, and are told when the stream really ended. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GraceTest {

    @Test
    void viewerSurvivesAPublisherRestartAndIsClosedStreamEndedAfterTheGrace() throws Exception {
        String stream = "restart";
        try (Platform platform = Platform.start(s -> s.withRelay(FanoutConfig.defaults().withGrace(Duration.ofSeconds(4))))) {
            FlvViewer viewer;
            try (Ffmpeg first = Ffmpeg.publish(platform.publishUrl(stream), 320, 240, 30)) {
                platform.awaitLive(stream, Duration.ofSeconds(30));
                viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), stream);
                viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
                viewer.awaitReceived("a second of media", Duration.ofSeconds(10), r -> r.size() > 60);
            }
            int beforeRestart = viewer.count();
            try (viewer; Ffmpeg second = Ffmpeg.publish(platform.publishUrl(stream), 320, 240, 30)) {
                List<FlvViewer.Received> got = viewer.awaitReceived("keyframes from the second publisher", Duration.ofSeconds(20),
                        r -> r.subList(beforeRestart, r.size()).stream().filter(x -> x.packet().isKeyframe()).count() >= 2);
                assertThat(viewer.isClosed()).isFalse();
                int last = Integer.MIN_VALUE;
                for (FlvViewer.Received r : got) {
                    assertThat(r.packet().timestamp()).as("one timeline across publishers").isGreaterThanOrEqualTo(last);
                    last = r.packet().timestamp();
                }
                assertThat(got.subList(beforeRestart, got.size()).stream().map(FlvViewer.Received::packet))
                        .as("the new publisher's sequence headers are passed on").anyMatch(MediaPacket::isVideoSequenceHeader);
                second.close();
                FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(30));
                assertThat(close.reason()).isEqualTo("stream-ended");
                assertThat(close.code()).isEqualTo((short) 4410);
            }
        }
    }
}
