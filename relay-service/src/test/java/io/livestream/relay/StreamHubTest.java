package io.livestream.relay;

import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.bus.MediaEvent;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.ScriptTags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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
    void viewerThatHungUpBeforeItWasAddedIsNotCountedOrKept() throws Exception {
        RelayMetrics.StreamMeters meters = new RelayMetrics(new SimpleMeterRegistry()).forStream("s");
        Context context = vertx.getOrCreateContext();
        StreamHub hub = on(context, () -> {
            StreamHub h = new StreamHub("s", vertx, RelayConfig.defaults(), meters, () -> { });
            h.add(new Viewer(new ViewerTest.FakeSink()));
            h.add(new Viewer(new GoneSink()));
            return h;
        });
        assertThat(on(context, hub::viewerCount)).isEqualTo(1);
        assertThat(on(context, meters::viewers)).isEqualTo(1);
    }

    /**
     * A viewer is flushed when a video frame arrives, not at every tag: audio waits for the next
     * frame (here the window is long enough never to expire), and once in step the viewer gets the
     * window's tags in one write. A script tag (the clock after a keyframe) leaves at once too.
     */
    @Test
    void viewersAreFlushedAtEachVideoFrameAndTakeTheWindowInOneWrite() throws Exception {
        ViewerTest.FakeSink sink = new ViewerTest.FakeSink();
        Context hubContext = playingHub(RelayConfig.defaults().withFlushWindow(Duration.ofMinutes(1)), sink);
        publish(2, MediaPacket.audio(20, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
        publish(3, MediaPacket.video(33, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
        awaitOn(hubContext, "the next frame flushed", () -> sink.flushes == 3);
        assertThat(on(hubContext, () -> sink.windows)).singleElement()
                .satisfies(w -> assertThat(w.tags()).extracting(t -> t.packet().timestamp()).containsExactly(20, 33));
        publish(4, ScriptTags.clock(33, System.currentTimeMillis()));
        awaitOn(hubContext, "the clock flushed", () -> sink.flushes == 4);
    }

    /**
     * A viewer whose queue is full at a flush skips that window and the frames after it; from the
     * next keyframe it takes tags one by one, and whole windows again after the next flush.
     */
    @Test
    void viewerFullAtAFlushSkipsToTheNextKeyframeThenTakesWholeWindowsAgain() throws Exception {
        ViewerTest.FakeSink sink = new ViewerTest.FakeSink();
        Context hubContext = playingHub(RelayConfig.defaults(), sink);
        byte[] interframe = {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41};
        on(hubContext, () -> sink.full = true);
        publish(2, MediaPacket.video(33, interframe));
        awaitOn(hubContext, "the skipped window's flush", () -> sink.flushes == 3);
        int writes = on(hubContext, () -> sink.written.size());
        on(hubContext, () -> sink.full = false);
        publish(3, MediaPacket.video(66, interframe));
        awaitOn(hubContext, "the next flush", () -> sink.flushes == 4);
        assertThat(on(hubContext, () -> sink.written.size())).as("still skipping: no keyframe yet").isEqualTo(writes);
        publish(4, MediaPacket.video(100, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
        awaitOn(hubContext, "the keyframe flushed", () -> sink.flushes == 5);
        assertThat(on(hubContext, () -> sink.written.size())).as("the keyframe, on its own").isEqualTo(writes + 1);
        assertThat(on(hubContext, () -> sink.windows)).as("no window since the keyframe's flush").isEmpty();
        publish(5, MediaPacket.video(133, interframe));
        awaitOn(hubContext, "the frame after flushed", () -> sink.flushes == 6);
        assertThat(on(hubContext, () -> sink.windows)).singleElement()
                .satisfies(w -> assertThat(w.tags()).extracting(t -> t.packet().timestamp()).containsExactly(133));
    }

    /** Audio without video leaves at the latest one window after it arrived. */
    @Test
    void audioWithoutVideoIsFlushedWhenTheWindowEnds() throws Exception {
        ViewerTest.FakeSink sink = new ViewerTest.FakeSink();
        Context hubContext = playingHub(RelayConfig.defaults().withFlushWindow(Duration.ofMillis(30)), sink);
        publish(2, MediaPacket.audio(20, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
        awaitOn(hubContext, "the audio flushed by the window", () -> sink.flushes == 3 && sink.windows.size() == 1);
    }

    /** With merged writes, a frame that comes sooner than the merge interval after the last send waits for it. */
    @Test
    void mergedWritesKeepSendsApartByTheMergeInterval() throws Exception {
        ViewerTest.FakeSink sink = new ViewerTest.FakeSink();
        Duration merge = Duration.ofMillis(300);
        Context hubContext = playingHub(RelayConfig.defaults().withMergeWrites(merge), sink);
        long first = on(hubContext, () -> sink.lastFlushNanos);
        publish(2, MediaPacket.video(33, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
        publish(3, MediaPacket.video(66, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
        awaitOn(hubContext, "the two frames flushed together", () -> sink.flushes == 3);
        assertThat(on(hubContext, () -> sink.lastFlushNanos) - first).isGreaterThanOrEqualTo(merge.minusMillis(1).toNanos());
        assertThat(on(hubContext, () -> sink.windows)).singleElement().satisfies(w -> assertThat(w.tags()).hasSize(2));
    }

    /** A hub with one viewer that has been sent a keyframe (its second flush): in step from now on. */
    private Context playingHub(RelayConfig config, ViewerTest.FakeSink sink) throws Exception {
        Context context = startHub(config, sink);
        publish(1, MediaPacket.video(0, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
        awaitOn(context, "the keyframe flushed", () -> sink.flushes == 2);
        return context;
    }

    /** A hub on its own event loop with one viewer, ready (no ingest node answers the snapshot request). */
    private Context startHub(RelayConfig config, ViewerTest.FakeSink sink) throws Exception {
        MediaCodecs.register(vertx.eventBus());
        Context context = vertx.getOrCreateContext();
        StreamHub hub = on(context, () -> {
            StreamHub h = new StreamHub("s", vertx, config, new RelayMetrics(new SimpleMeterRegistry()).forStream("s"), () -> { });
            h.add(new Viewer(sink));
            return h;
        });
        awaitOn(context, "the hub ready", hub::ready);
        assertThat(on(context, () -> sink.flushes)).as("the start is flushed").isEqualTo(1);
        return context;
    }

    private void publish(long seq, MediaPacket packet) {
        vertx.eventBus().publish(Addresses.media("s"), new MediaEvent.Packet(7, seq, packet));
    }

    private static <T> T on(Context context, Supplier<T> read) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(read.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static void awaitOn(Context context, String what, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!on(context, condition)) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
