package io.livestream.ingest;

import io.livestream.media.MediaPacket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What a streamer's studio shows of one stream's health: a bounded ring of one sample a second
 * (ingest bitrate, video frame rate, the keyframe interval, viewers, the room's message rate),
 * the keyframe interval's warnings, and whether the encoder has stopped sending. Fed by the
 * stream's publishing sessions as packets arrive; sampled by {@link StreamHealths}. The keyframe
 * interval is read from media timestamps, so it is what the encoder was told, not the network's
 * jitter. Pure logic on an injected clock (milliseconds); confined to the ingest event loop.
 */
public final class StreamHealth {
    /** Samples kept: five minutes of one a second. */
    public static final int CAPACITY = 300;
    /** A keyframe interval above this delays every late joiner's first picture: warned. */
    public static final long HIGH_INTERVAL_MS = 4000;
    /** No media for this long and the encoder counts as stopped, though its connection may be open. */
    public static final long STOPPED_AFTER_MS = 3000;
    /** Keyframe intervals compared for regularity. */
    private static final int RECENT_INTERVALS = 6;

    /** One second of the stream; {@code null} fields are unknown (no keyframe pair yet, no figures from the room). */
    public record Sample(long t, long kbps, double fps, Double keyframeInterval, Integer viewers, Double messagesPerSecond) {
        JsonObject toJson() {
            return new JsonObject().put("t", t).put("kbps", kbps).put("fps", fps).put("keyframeInterval", keyframeInterval)
                    .put("viewers", viewers).put("messagesPerSecond", messagesPerSecond);
        }
    }

    private final String stream;
    private final LongSupplier clock;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private final Deque<Long> intervals = new ArrayDeque<>();
    private long lastSampleAt;
    private long bytes;
    private long frames;
    private long lastMediaAt;
    private long lastKeyframeTs = -1;
    private long lastVideoTs = -1;
    private boolean live;
    private long stoppedAt;
    private long roomMessages = -1;
    private long roomMessagesAtLastSample = -1;
    private Integer viewers;

    public StreamHealth(String stream, LongSupplier clock) {
        this.stream = stream;
        this.clock = clock;
        this.lastSampleAt = clock.getAsLong();
    }

    public String stream() {
        return stream;
    }

    /** A publishing session of the stream begins: the keyframe history starts again (a new encoder, a new timeline). */
    public void started() {
        live = true;
        stoppedAt = 0;
        lastMediaAt = clock.getAsLong();
        lastKeyframeTs = -1;
        lastVideoTs = -1;
        intervals.clear();
    }

    /** The publishing session ended: the stream is off the air until another begins. */
    public void ended() {
        if (live) {
            live = false;
            stoppedAt = clock.getAsLong();
        }
    }

    public boolean live() {
        return live;
    }

    /** When the stream last went off the air; 0 while it is live. */
    public long stoppedAt() {
        return stoppedAt;
    }

    /** One packet from the publisher. */
    public void packet(MediaPacket packet) {
        lastMediaAt = clock.getAsLong();
        bytes += packet.size();
        if (packet.kind() != MediaPacket.Kind.VIDEO || packet.isVideoSequenceHeader()) {
            return;
        }
        frames++;
        lastVideoTs = packet.timestamp();
        if (packet.isKeyframe()) {
            keyframe(packet.timestamp());
        }
    }

    private void keyframe(long ts) {
        if (lastKeyframeTs >= 0 && ts > lastKeyframeTs) {
            intervals.addLast(ts - lastKeyframeTs);
            if (intervals.size() > RECENT_INTERVALS) {
                intervals.removeFirst();
            }
        }
        lastKeyframeTs = ts;
    }

    /** The room's count of accepted messages so far, as the interaction service last reported it. */
    public void roomMessages(long total) {
        roomMessages = total;
    }

    /** The stream's viewers over the platform, as the relays last reported them. */
    public void viewers(Integer count) {
        viewers = count;
    }

    /** Takes the second's sample: the rates since the previous one. */
    public void sample() {
        long now = clock.getAsLong();
        long elapsed = now - lastSampleAt;
        if (elapsed <= 0) {
            return;
        }
        Double messageRate = null;
        if (roomMessages >= 0 && roomMessagesAtLastSample >= 0) {
            messageRate = Math.max(0, roomMessages - roomMessagesAtLastSample) * 1000.0 / elapsed;
        }
        Long interval = intervals.peekLast();
        samples.addLast(new Sample(now, bytes * 8 / elapsed, round2(frames * 1000.0 / elapsed),
                interval == null ? null : interval / 1000.0, viewers, messageRate == null ? null : round2(messageRate)));
        if (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
        lastSampleAt = now;
        roomMessagesAtLastSample = roomMessages;
        bytes = 0;
        frames = 0;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The latest interval between two keyframes, in milliseconds; -1 before the second keyframe. */
    public long keyframeIntervalMs() {
        Long last = intervals.peekLast();
        return last == null ? -1 : last;
    }

    /** Over 4 s between the last two keyframes, or over 4 s of video since the last one. */
    public boolean keyframeIntervalHigh() {
        boolean overdue = lastKeyframeTs >= 0 && lastVideoTs - lastKeyframeTs > HIGH_INTERVAL_MS;
        return keyframeIntervalMs() > HIGH_INTERVAL_MS || live && overdue;
    }

    /** The recent intervals differ by more than half of the shortest (and by half a second at least). */
    public boolean keyframeIntervalIrregular() {
        if (intervals.size() < 3) {
            return false;
        }
        long min = intervals.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = intervals.stream().mapToLong(Long::longValue).max().orElseThrow();
        return max - min >= 500 && max > min * 3 / 2;
    }

    /** Off the air, or no media for {@link #STOPPED_AFTER_MS}. */
    public boolean stopped() {
        return !live || clock.getAsLong() - lastMediaAt >= STOPPED_AFTER_MS;
    }

    public JsonObject toJson() {
        JsonArray out = new JsonArray();
        samples.forEach(s -> out.add(s.toJson()));
        long interval = keyframeIntervalMs();
        JsonObject json = new JsonObject().put("stream", stream).put("live", live).put("stopped", stopped())
                .put("lastMediaAt", lastMediaAt)
                .put("keyframeInterval", interval < 0 ? null : interval / 1000.0)
                .put("keyframeIntervalHigh", keyframeIntervalHigh())
                .put("keyframeIntervalIrregular", keyframeIntervalIrregular())
                .put("samples", out);
        if (!live) {
            json.put("stoppedAt", stoppedAt);
        }
        return json;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
