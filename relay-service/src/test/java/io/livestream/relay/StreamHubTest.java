package io.livestream.relay;

import io.livestream.fanout.FakeSink;
import io.livestream.fanout.FanOut;
import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.livestream.fanout.Viewer;
import io.livestream.fanout.TagWindow;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private static final class GoneSink extends FakeSink {
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
        FanoutMetrics.StreamMeters meters = new FanoutMetrics(new SimpleMeterRegistry()).forStream("s");
        Context context = vertx.getOrCreateContext();
        StreamHub hub = on(context, () -> {
            StreamHub h = new StreamHub("s", vertx, FanoutConfig.defaults(), meters, () -> { });
            h.add(new Viewer(new FakeSink()));
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
        FakeSink sink = new FakeSink();
        Context hubContext = playingHub(FanoutConfig.defaults().withFlushWindow(Duration.ofMinutes(1)), sink);
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
        FakeSink sink = new FakeSink();
        Context hubContext = playingHub(FanoutConfig.defaults(), sink);
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
        FakeSink sink = new FakeSink();
        Context hubContext = playingHub(FanoutConfig.defaults().withFlushWindow(Duration.ofMillis(30)), sink);
        publish(2, MediaPacket.audio(20, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
        awaitOn(hubContext, "the audio flushed by the window", () -> sink.flushes == 3 && sink.windows.size() == 1);
    }

    /** With merged writes, a frame that comes sooner than the merge interval after the last send waits for it. */
    @Test
    void mergedWritesKeepSendsApartByTheMergeInterval() throws Exception {
        FakeSink sink = new FakeSink();
        Duration merge = Duration.ofMillis(300);
        Context hubContext = playingHub(FanoutConfig.defaults().withMergeWrites(merge), sink);
        long first = on(hubContext, () -> sink.lastFlushNanos);
        publish(2, MediaPacket.video(33, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
        publish(3, MediaPacket.video(66, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
        awaitOn(hubContext, "the two frames flushed together", () -> sink.flushes == 3);
        assertThat(on(hubContext, () -> sink.lastFlushNanos) - first).isGreaterThanOrEqualTo(merge.minusMillis(1).toNanos());
        assertThat(on(hubContext, () -> sink.windows)).singleElement().satisfies(w -> assertThat(w.tags()).hasSize(2));
    }

    /**
     * Merged writes by load, over the real event bus with the hub's clock and timer driven by hand:
     * 30 fps video to 10 viewers is sent frame by frame, at once; to 1,000 viewers (the default
     * budget of 15,000 sends a second: a 67 ms gap) half as often, two frames a send, no frame held
     * longer than the 100 ms budget; and when 990 of them leave, the next frame leaves at once again.
     */
    @Test
    void manyViewersAreSentLessOftenAndEveryFrameWithinTheDelayBudget() throws Exception {
        Run few = framesTo(10, "few", 60, -1);
        assertThat(few.sends).as("a send per frame (the keyframe went tag by tag: the viewers were joining)").hasSize(60);
        assertThat(few.waits()).as("each frame at once").allSatisfy(w -> assertThat(w).isZero());

        Run many = framesTo(1_000, "many", 60, -1);
        assertThat(many.sends).as("a send every 67 ms: two frames each").hasSizeBetween(30, 32);
        assertThat(many.waits()).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofMillis(100).toNanos()));
        assertThat(many.sends.values()).as("merged").anySatisfy(tags -> assertThat(tags).hasSize(2));

        Run fewer = framesTo(1_000, "fewer", 60, 30);
        List<Map.Entry<Long, List<Integer>>> after = fewer.sends.entrySet().stream()
                .filter(e -> e.getValue().get(0) > 30 * 33).toList();
        assertThat(after).as("after the load fell, frame by frame").hasSize(30)
                .allSatisfy(e -> assertThat(e.getValue()).hasSize(1));
        assertThat(fewer.waits().subList(fewer.waits().size() - 30, fewer.waits().size())).allSatisfy(w -> assertThat(w).isZero());
    }

    /** Sends seen by one viewer (hand-clock time to the timestamps of the tags it carried) and when each frame was published. */
    private record Run(TreeMap<Long, List<Integer>> sends, Map<Integer, Long> published) {
        List<Long> waits() {
            List<Long> out = new ArrayList<>();
            sends.forEach((at, tags) -> tags.forEach(ts -> out.add(at - published.get(ts))));
            return out;
        }
    }

    /** A keyframe, then {@code frames} frames at 30 fps to {@code viewers}; after frame {@code shrinkAfter} all but 10 leave. */
    private Run framesTo(int viewers, String stream, int frames, int shrinkAfter) throws Exception {
        MediaCodecs.register(vertx.eventBus());
        Context context = vertx.getOrCreateContext();
        HandClock clock = new HandClock();
        Run run = new Run(new TreeMap<>(), new HashMap<>());
        FakeSink probe = new FakeSink() {
            @Override
            public void write(TagWindow window) {
                super.write(window);
                run.sends.put(clock.now, window.tags().stream().map(t -> t.packet().timestamp()).toList());
            }
        };
        List<Viewer> all = new ArrayList<>();
        FanoutMetrics.StreamMeters meters = new FanoutMetrics(new SimpleMeterRegistry()).forStream(stream);
        StreamHub hub = on(context, () -> new StreamHub(stream, vertx, FanoutConfig.defaults(), meters, () -> { }, clock,
                meters::processViewers));
        awaitOn(context, "the hub ready", hub::ready);
        on(context, () -> {
            all.add(new Viewer(probe));
            for (int i = 1; i < viewers; i++) {
                all.add(new Viewer(new FakeSink()));
            }
            all.forEach(hub::add);
            return null;
        });
        for (int i = 0; i <= frames; i++) {
            long at = i * 33_333_333L;
            int ts = i * 33;
            on(context, () -> clock.advanceTo(at));
            if (shrinkAfter >= 0 && i == shrinkAfter + 1) {
                on(context, () -> {
                    all.subList(10, all.size()).forEach(hub::remove);
                    return null;
                });
            }
            run.published.put(ts, at);
            vertx.eventBus().publish(Addresses.media(stream), new MediaEvent.Packet(7, i + 1, i == 0
                    ? MediaPacket.video(ts, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65})
                    : MediaPacket.video(ts, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41})));
            long seq = i + 1;
            awaitOn(context, "frame " + i + " taken", () -> hub.lastSeq() == seq);
        }
        on(context, () -> clock.advanceTo(clock.now + 200_000_000L));
        on(context, () -> {
            hub.close(null);
            return null;
        });
        return run;
    }

    /** The hub's clock and timer, moved on by the test on the hub's event loop. */
    private static final class HandClock implements FanOut.Clock {
        private final TreeMap<Long, Runnable> timers = new TreeMap<>(); // id -> action
        private final Map<Long, Long> dueAt = new HashMap<>();
        private long nextId;
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long setTimer(long delayMillis, Runnable action) {
            long id = nextId++;
            timers.put(id, action);
            dueAt.put(id, now + delayMillis * 1_000_000);
            return id;
        }

        @Override
        public void cancelTimer(long id) {
            timers.remove(id);
            dueAt.remove(id);
        }

        /** Runs the timers due by {@code time}, each at its own time, in order. */
        Object advanceTo(long time) {
            while (true) {
                Long next = null;
                for (Iterator<Long> it = dueAt.keySet().iterator(); it.hasNext(); ) {
                    Long id = it.next();
                    if (dueAt.get(id) <= time && (next == null || dueAt.get(id) < dueAt.get(next))) {
                        next = id;
                    }
                }
                if (next == null) {
                    now = time;
                    return null;
                }
                now = dueAt.remove(next);
                timers.remove(next).run();
            }
        }
    }

    /** A hub with one viewer that has been sent a keyframe (its second flush): in step from now on. */
    private Context playingHub(FanoutConfig config, FakeSink sink) throws Exception {
        Context context = startHub(config, sink);
        publish(1, MediaPacket.video(0, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
        awaitOn(context, "the keyframe flushed", () -> sink.flushes == 2);
        return context;
    }

    /** A hub on its own event loop with one viewer, ready (no ingest node answers the snapshot request). */
    private Context startHub(FanoutConfig config, FakeSink sink) throws Exception {
        MediaCodecs.register(vertx.eventBus());
        Context context = vertx.getOrCreateContext();
        StreamHub hub = on(context, () -> {
            StreamHub h = new StreamHub("s", vertx, config, new FanoutMetrics(new SimpleMeterRegistry()).forStream("s"), () -> { });
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
