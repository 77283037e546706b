package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ViewerTest {

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
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        Viewer viewer = new Viewer(sink, clock::get);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        viewer.offer(interframe(33));
        long filled = clock.get();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, filled + 1_000_000_000L)).isFalse();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, filled + 1_000_000_001L)).isTrue();
        sink.full = false;
        sink.drain.run();
        assertThat(viewer.stalledLongerThan(1_000_000_000L, filled + 2_000_000_000L)).isFalse();
    }

    /** A sink whose queue is the channel's outbound buffer reports no drains: writing again is the sign. */
    @Test
    void stallIsForgottenOnceTheQueueTakesTagsAgainWithoutADrainEvent() {
        FakeSink sink = new FakeSink();
        AtomicLong clock = new AtomicLong(5_000_000_000L);
        Viewer viewer = new Viewer(sink, clock::get);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        sink.full = true;
        viewer.offer(interframe(33));
        clock.addAndGet(60_000_000L);
        sink.full = false;
        viewer.offer(keyframe(66));
        viewer.offer(interframe(100));
        sink.full = true; // full again, just now
        assertThat(viewer.stalledLongerThan(30_000_000L, clock.get() + 1_000_000L))
                .as("counted from the new fill, not the first").isFalse();
        assertThat(viewer.stalledLongerThan(30_000_000L, clock.get() + 31_000_000L))
                .as("and counted from there").isTrue();
    }

    /** A viewer that started on a keyframe and has had one send since: in step from the next window. */
    private static Viewer inStep(FakeSink sink) {
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        viewer.flush(new TagWindow());
        return viewer;
    }

    /** A window with {@code tags}, each offered to {@code viewer} as the hub does; returns it. */
    private static TagWindow offerWindow(Viewer viewer, FlvTag... tags) {
        TagWindow window = new TagWindow();
        for (FlvTag tag : tags) {
            window.add(tag);
            viewer.offer(tag);
        }
        return window;
    }

    @Test
    void viewerInStepTakesAWholeWindowAsOneWriteAtTheFlush() {
        FakeSink sink = new FakeSink();
        Viewer viewer = inStep(sink);
        int before = sink.written.size();
        FlvTag audio = audio(20);
        FlvTag frame = interframe(33);
        TagWindow window = offerWindow(viewer, audio, frame);
        assertThat(sink.written).as("nothing before the flush").hasSize(before);
        assertThat(viewer.flush(window)).isEqualTo(audio.size() + frame.size());
        assertThat(viewer.bytesWritten()).isEqualTo(3 + keyframe(0).size() + audio.size() + frame.size());
        assertThat(sink.windows).containsExactly(window);
        assertThat(sink.written.get(before).getBytes())
                .isEqualTo(Buffer.buffer().appendBuffer(audio.bytes()).appendBuffer(frame.bytes()).getBytes());
    }

    @Test
    void viewerJoiningWithinAWindowGetsItsRestTagByTagAndIsInStepAfterTheFlush() {
        FakeSink sink = new FakeSink();
        Viewer viewer = new Viewer(sink);
        viewer.start(Buffer.buffer("FLV"), List.of(keyframe(0)));
        FlvTag frame = interframe(33);
        TagWindow window = offerWindow(viewer, frame);
        assertThat(sink.written).endsWith(frame.bytes());
        viewer.flush(window);
        assertThat(sink.windows).isEmpty();
        TagWindow next = offerWindow(viewer, interframe(66));
        viewer.flush(next);
        assertThat(sink.windows).containsExactly(next);
    }

    @Test
    void viewerInStepWhoseQueueIsFullAtTheFlushSkipsTheWindowThenToAKeyframe() {
        FakeSink sink = new FakeSink();
        Viewer viewer = inStep(sink);
        int before = sink.written.size();
        TagWindow window = offerWindow(viewer, audio(20), interframe(33));
        sink.full = true;
        assertThat(viewer.flush(window)).as("minus the frames skipped").isEqualTo(-2);
        assertThat(sink.written).as("nothing of the window").hasSize(before);
        sink.full = false;
        TagWindow next = offerWindow(viewer, interframe(66));
        viewer.flush(next);
        assertThat(sink.windows).as("still skipping").isEmpty();
        assertThat(viewer.skippedFrames()).isEqualTo(3);
        FlvTag key = keyframe(100);
        TagWindow resumed = offerWindow(viewer, key);
        assertThat(sink.written).endsWith(key.bytes());
        viewer.flush(resumed);
        TagWindow inStep = offerWindow(viewer, interframe(133));
        viewer.flush(inStep);
        assertThat(sink.windows).containsExactly(inStep);
    }

    @Test
    void headersOfASkippedWindowAreSentBeforeTheNextKeyframe() {
        FakeSink sink = new FakeSink();
        Viewer viewer = inStep(sink);
        FlvTag newConfig = videoConfig(30);
        TagWindow window = offerWindow(viewer, newConfig, interframe(33));
        sink.full = true;
        viewer.flush(window);
        sink.full = false;
        FlvTag key = keyframe(66);
        offerWindow(viewer, key);
        assertThat(sink.written).endsWith(newConfig.bytes(), key.bytes());
    }

    @Test
    void aWindowOfHeadersOnlyIsTakenEvenWithTheQueueFull() {
        FakeSink sink = new FakeSink();
        Viewer viewer = inStep(sink);
        TagWindow headers = offerWindow(viewer, videoConfig(30));
        sink.full = true;
        assertThat(viewer.flush(headers)).isPositive();
        assertThat(sink.windows).containsExactly(headers);
        assertThat(viewer.skipping()).isFalse();
    }
}
