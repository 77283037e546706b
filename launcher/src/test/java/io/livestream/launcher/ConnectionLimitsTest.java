package io.livestream.launcher;

import io.livestream.launcher.harness.Await;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RtmpTestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One client address holds a bounded number of RTMP connections; the one over the limit alone is closed, and counted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {

    @Test
    void rtmpConnectionsOverThePerAddressLimitAreClosedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withMaxConnectionsPerAddress(2)));
             RtmpTestClient one = new RtmpTestClient(platform.rtmpPort());
             RtmpTestClient two = new RtmpTestClient(platform.rtmpPort())) {
            one.handshake();
            two.handshake();
            try (RtmpTestClient three = new RtmpTestClient(platform.rtmpPort())) {
                assertThat(three.awaitClosedByServer()).isTrue();
            }
            assertThat(platform.metric("live_connections_refused_total", "server=\"rtmp\"", "reason=\"too-many-connections\"")).isEqualTo(1);
            one.send(RtmpCommands.connect(1, "live", "rtmp://127.0.0.1/live"));
            one.awaitMessage(m -> m instanceof RtmpMessage.Command c && c.name().equals("_result")); // untouched
            two.close();
            Await.until("a freed slot taken again", Duration.ofSeconds(10), () -> {
                try (RtmpTestClient again = new RtmpTestClient(platform.rtmpPort())) {
                    again.handshake();
                    return true;
                } catch (java.io.IOException refusedWhileTheCloseIsInFlight) {
                    return false;
                }
            });
        }
    }
}
