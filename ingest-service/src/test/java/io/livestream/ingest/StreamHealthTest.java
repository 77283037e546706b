package io.livestream.ingest;

import io.livestream.media.MediaPacket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StreamHealthTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final StreamHealth health = new StreamHealth("s", now::get);

    private static MediaPacket keyframe(int ts, int size) {
        byte[] payload = new byte[size];
        payload[0] = 0x17;
        payload[1] = 1;
        return MediaPacket.video(ts, payload);
    }

    private static MediaPacket interFrame(int ts, int size) {
        byte[] payload = new byte[size];
        payload[0] = 0x27;
        payload[1] = 1;
        return MediaPacket.video(ts, payload);
    }

    /** {@code seconds} of 25 fps video, a keyframe every {@code gopMs} of media time, each frame 500 bytes, sampled each second. */
    private void play(int fromMs, int seconds, int gopMs) {
        for (int ms = fromMs; ms < fromMs + seconds * 1000; ms += 40) {
            now.addAndGet(40);
            health.packet(ms % gopMs == 0 ? keyframe(ms, 500) : interFrame(ms, 500));
            if ((ms + 40) % 1000 == 0) {
                health.sample();
            }
        }
    }

    @Test
    void samplesTheBitrateAndFrameRateOfEachSecond() {
        health.started();
        play(0, 3, 2000);
        List<StreamHealth.Sample> samples = health.samples();
        assertThat(samples).hasSize(3);
        // 25 frames of 500 bytes a second: 100,000 bits/s
        assertThat(samples).allSatisfy(s -> {
            assertThat(s.kbps()).isEqualTo(100);
            assertThat(s.fps()).isEqualTo(25.0);
        });
        assertThat(samples.get(1).t() - samples.get(0).t()).isEqualTo(1000);
    }

    @Test
    void readsTheKeyframeIntervalFromMediaTimestamps() {
        health.started();
        play(0, 1, 2000);
        assertThat(health.samples().get(0).keyframeInterval()).as("one keyframe: no interval yet").isNull();
        play(1000, 6, 2000);
        assertThat(health.keyframeIntervalMs()).isEqualTo(2000);
        assertThat(health.samples().get(health.samples().size() - 1).keyframeInterval()).isEqualTo(2.0);
        assertThat(health.keyframeIntervalHigh()).isFalse();
        assertThat(health.keyframeIntervalIrregular()).isFalse();
    }

    @Test
    void aSixSecondIntervalIsHighAndWarnedBeforeTheSecondKeyframe() {
        health.started();
        play(0, 5, 6000);
        assertThat(health.keyframeIntervalMs()).as("one keyframe so far").isEqualTo(-1);
        assertThat(health.keyframeIntervalHigh()).as("over 4 s of video since the keyframe").isTrue();
        play(5000, 8, 6000);
        assertThat(health.keyframeIntervalMs()).isEqualTo(6000);
        assertThat(health.toJson().getBoolean("keyframeIntervalHigh")).isTrue();
    }

    @Test
    void keyframesAtUnevenIntervalsAreIrregular() {
        health.started();
        int[] keyframes = {0, 1000, 4000, 5000, 8000};
        int next = 0;
        for (int ms = 0; ms <= 8000; ms += 40) {
            boolean key = next < keyframes.length && ms == keyframes[next];
            if (key) {
                next++;
            }
            health.packet(key ? keyframe(ms, 100) : interFrame(ms, 100));
        }
        assertThat(health.keyframeIntervalIrregular()).isTrue();
        assertThat(health.keyframeIntervalHigh()).isFalse();
    }

    @Test
    void aNewSessionStartsTheKeyframeHistoryAgain() {
        health.started();
        play(0, 7, 6000);
        health.ended();
        health.started();
        play(0, 5, 2000);
        assertThat(health.keyframeIntervalMs()).isEqualTo(2000);
        assertThat(health.keyframeIntervalHigh()).isFalse();
    }

    @Test
    void theEncoderIsStoppedAfterThreeSecondsWithoutMediaOrOnceTheSessionEnded() {
        health.started();
        play(0, 2, 1000);
        assertThat(health.stopped()).isFalse();
        now.addAndGet(2999);
        assertThat(health.stopped()).isFalse();
        now.addAndGet(1);
        assertThat(health.stopped()).as("3 s without media, the connection still open").isTrue();
        assertThat(health.toJson().getBoolean("live")).isTrue();

        play(2000, 1, 1000);
        assertThat(health.stopped()).isFalse();
        health.ended();
        JsonObject json = health.toJson();
        assertThat(json.getBoolean("stopped")).isTrue();
        assertThat(json.getBoolean("live")).isFalse();
        assertThat(json.getLong("stoppedAt")).isEqualTo(now.get());
    }

    @Test
    void theRingKeepsFiveMinutes() {
        health.started();
        for (int i = 0; i < StreamHealth.CAPACITY + 50; i++) {
            now.addAndGet(1000);
            health.sample();
        }
        List<StreamHealth.Sample> samples = health.samples();
        assertThat(samples).hasSize(StreamHealth.CAPACITY);
        assertThat(samples.get(samples.size() - 1).t()).isEqualTo(now.get());
        assertThat(samples.get(0).t()).isEqualTo(now.get() - (StreamHealth.CAPACITY - 1) * 1000L);
    }

    @Test
    void viewersAndTheRoomsMessageRateGoIntoTheSamples() {
        health.started();
        now.addAndGet(1000);
        health.sample();
        assertThat(health.samples().get(0).viewers()).isNull();
        assertThat(health.samples().get(0).messagesPerSecond()).isNull();
        health.viewers(3);
        health.roomMessages(10);
        now.addAndGet(1000);
        health.sample();
        assertThat(health.samples().get(1).viewers()).isEqualTo(3);
        assertThat(health.samples().get(1).messagesPerSecond()).as("the first count: no rate yet").isNull();
        health.roomMessages(14);
        now.addAndGet(2000);
        health.sample();
        assertThat(health.samples().get(2).messagesPerSecond()).isEqualTo(2.0);
        health.roomMessages(0); // the room was evicted and restored: its count starts again
        now.addAndGet(1000);
        health.sample();
        assertThat(health.samples().get(3).messagesPerSecond()).isZero();
    }
}
