package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ViewerTest {

    /** Captures what a viewer writes; the test decides when its queue is full. */
    static class FakeSink implements ViewerSink {
        final List<Buffer> written = new ArrayList<>();
        boolean full;
        Runnable drain = () -> { };
        CloseReason closedWith;

        @Override
        public void write(Buffer data) {
            written.add(data);
        }

        @Override
        public boolean writeQueueFull() {
            return full;
        }

        @Override
        public void drainHandler(Runnable onDrain) {
            drain = onDrain;
        }

        @Override
        public void closeHandler(Runnable onClose) {
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason;
        }

        @Override
        public boolean isClosed() {
            return closedWith != null;
        }

        @Override
        public String describe() {
            return "fake";
        }
    }

    private static FlvTag keyframe(int ts) {
        return FlvTag.of(MediaPacket.video(ts, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
    }

    private static FlvTag interframe(int ts) {
        return FlvTag.of(MediaPacket.video(ts, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
    }

    private static FlvTag audio(int ts) {
        return FlvTag.of(MediaPacket.audio(ts, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
    }

    private static FlvTag videoConfig(int ts) {
        return FlvTag.of(MediaPacket.video(ts, new byte[] {0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f}));
    }

    @Test
    void writesTheSameBufferItWasGiven() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        FlvTag tag = keyframe(0);
        viewer.start(Buffer.buffer("FLV"), List.of());
        viewer.offer(tag);
        assertThat(sink.written.get(1)).isSameAs(tag.bytes());
    }

    @Test
    void fullQueueSkipsToTheNextKeyframe() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        assertThat(viewer.offer(interframe(33))).isNegative();
        sink.full = false;
        sink.drain.run();
        assertThat(viewer.offer(interframe(66))).as("still skipping until a keyframe").isNegative();
        assertThat(viewer.offer(audio(70))).as("audio too").isNegative();
        FlvTag key = keyframe(100);
        assertThat(viewer.offer(key)).isEqualTo(key.size());
        assertThat(viewer.offer(interframe(133))).isPositive();
        assertThat(viewer.skippedFrames()).isEqualTo(3);
    }

    @Test
    void sequenceHeadersArrivingWhileSkippingAreSentBeforeTheKeyframe() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        viewer.offer(interframe(33));
        FlvTag newConfig = videoConfig(40);
        viewer.offer(newConfig);
        sink.full = false;
        FlvTag key = keyframe(50);
        viewer.offer(key);
        assertThat(sink.written).endsWith(newConfig.bytes(), key.bytes());
    }

    @Test
    void viewerWithoutKeyframeInSnapshotWaitsForOne() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(videoConfig(0)));
        assertThat(viewer.offer(interframe(33))).isNegative();
        assertThat(viewer.offer(keyframe(66))).isPositive();
    }

    @Test
    void stallIsCountedFromTheMomentTheQueueFilled() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        viewer.offer(interframe(33));
        long now = System.nanoTime();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, now)).isFalse();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, now + 2_000_000_000L)).isTrue();
        sink.full = false;
        sink.drain.run();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, now + 2_000_000_000L)).isFalse();
    }

    /** A sink whose queue is the channel's outbound buffer reports no drains: writing again is the sign. */
    @Test
    void stallIsForgottenOnceTheQueueTakesTagsAgainWithoutADrainEvent() throws InterruptedException {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        viewer.offer(interframe(33));
        Thread.sleep(60);
        sink.full = false;
        viewer.offer(keyframe(66));
        viewer.offer(interframe(100));
        sink.full = true; // full again, just now
        assertThat(viewer.stalledLongerThan(30_000_000L, System.nanoTime()))
                .as("counted from the new fill, not the first").isFalse();
    }
}
