package io.livestream.relay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHubTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** A sink whose client hung up while the viewer was being admitted: its close handler runs at once. */
    private static final class GoneSink extends ViewerTest.FakeSink {
        GoneSink() {
            close(io.livestream.common.CloseReason.STREAM_ENDED);
        }

        @Override
        public void closeHandler(Runnable onClose) {
            onClose.run();
        }
    }

    @Test
    void viewerThatHungUpBeforeItWasAddedIsNotCountedOrKept() {
        RelayMetrics.StreamMeters meters = new RelayMetrics(new SimpleMeterRegistry()).forStream("s");
        StreamHub hub = new StreamHub("s", vertx, RelayConfig.defaults(), meters, () -> { });
        ViewerTest.FakeSink live = new ViewerTest.FakeSink();
        hub.add(new Viewer(live));
        hub.add(new Viewer(new GoneSink()));
        assertThat(hub.viewerCount()).isEqualTo(1);
        assertThat(meters.viewers()).isEqualTo(1);
    }
}
