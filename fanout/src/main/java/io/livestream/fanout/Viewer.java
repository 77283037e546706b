package io.livestream.fanout;

import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One viewer of one stream. Writes shared tag buffers to its sink while the sink keeps up;
 * when the sink's queue is full it drops frames until the next keyframe (keeping the latest
 * metadata and sequence headers to send first), so a slow viewer never slows the others and
 * never drifts behind live. A viewer that took every tag of the last flush window is "in step":
 * it takes the next window's tags as the one buffer {@link TagWindow} shares at the flush,
 * instead of tag by tag, and its queue is looked at once per window, not once per tag.
 * Confined to its hub's event loop.
 */
public final class Viewer {
    private enum HeaderKind { METADATA, VIDEO_CONFIG, VIDEO_METADATA, AUDIO_CONFIG }

    private final ViewerSink sink;
    private final LongSupplier nanoClock;
    private final Map<HeaderKind, FlvTag> heldHeaders = new EnumMap<>(HeaderKind.class);
    private boolean skipping;
    private boolean inStep;
    private long fullSinceNanos;
    private long skippedFrames;
    private long bytesWritten;

    public Viewer(ViewerSink sink) {
        this(sink, System::nanoTime);
    }

    /** A viewer whose stall is timed by {@code nanoClock} (the fan-out's clock; a hand-driven one in tests). */
    public Viewer(ViewerSink sink, LongSupplier nanoClock) {
        this.sink = sink;
        this.nanoClock = nanoClock;
        sink.drainHandler(() -> fullSinceNanos = 0);
    }

    public ViewerSink sink() {
        return sink;
    }

    /**
     * The start of a viewer's stream: FLV header and snapshot, written whatever the queue says
     * (the snapshot is bounded by the GOP cache). Without a keyframe in it, the viewer waits
     * for the next one.
     */
    void start(Buffer flvHeader, Iterable<FlvTag> snapshot) {
        sink.write(flvHeader);
        bytesWritten += flvHeader.length();
        boolean keyframe = false;
        for (FlvTag tag : snapshot) {
            keyframe |= tag.isKeyframe();
            write(tag);
        }
        sink.flush(); // a late joiner's first keyframe leaves at once
        skipping = !keyframe;
        inStep = false; // the snapshot held the current window's tags so far: the rest go one by one
    }

    /**
     * Offers a live tag, the last one added to the hub's current window; returns the bytes written
     * now, or -1 if the tag was skipped. A viewer in step takes nothing now: it gets the whole
     * window at the {@link #flush}, where its queue is checked once for all the window's tags.
     */
    int offer(FlvTag tag) {
        if (inStep) {
            return 0;
        }
        if (skipping) {
            if (tag.isHeader()) {
                heldHeaders.put(kindOf(tag.packet()), tag);
                return 0;
            }
            if (!tag.isKeyframe() || sink.writeQueueFull()) {
                skippedFrames++;
                return -1;
            }
            skipping = false;
            fullSinceNanos = 0;
            int written = 0;
            for (FlvTag header : heldHeaders.values()) {
                written += write(header);
            }
            heldHeaders.clear();
            return written + write(tag);
        }
        if (!tag.isHeader()) {
            if (sink.writeQueueFull()) {
                skipping = true;
                markFull();
                skippedFrames++;
                return -1;
            }
            fullSinceNanos = 0; // drained, whether or not the sink reports drains
        }
        return write(tag);
    }

    /**
     * Ends a window. A viewer in step takes the window's shared buffer, one write, unless its queue
     * is full: then it skips the window's frames (holding its headers for the next keyframe) and
     * every frame up to that keyframe. A viewer not in step had the window's tags one by one. Then
     * the flush; the viewer is in step for the next window unless it is skipping. Returns the bytes
     * taken from the window, or minus the frames skipped.
     */
    int flush(TagWindow window) {
        int taken = 0;
        if (inStep && !window.isEmpty()) {
            if (window.hasFrames() && sink.writeQueueFull()) {
                taken = -skip(window);
            } else {
                sink.write(window);
                bytesWritten += window.size();
                if (window.hasFrames()) {
                    fullSinceNanos = 0;
                }
                taken = window.size();
            }
        }
        sink.flush();
        inStep = !skipping;
        return taken;
    }

    private int skip(TagWindow window) {
        skipping = true;
        markFull();
        int frames = 0;
        for (FlvTag tag : window.tags()) {
            if (tag.isHeader()) {
                heldHeaders.put(kindOf(tag.packet()), tag);
            } else {
                frames++;
            }
        }
        skippedFrames += frames;
        return frames;
    }

    /** True when the sink has stayed full for longer than {@code nanos}. */
    boolean stalledLongerThan(long nanos, long now) {
        if (fullSinceNanos == 0 && sink.writeQueueFull()) {
            markFull();
        }
        return fullSinceNanos != 0 && now - fullSinceNanos > nanos && sink.writeQueueFull();
    }

    /** Whether it takes the next window whole at the flush (else tag by tag as they arrive). */
    boolean inStep() {
        return inStep;
    }

    long skippedFrames() {
        return skippedFrames;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    boolean skipping() {
        return skipping;
    }

    private void markFull() {
        if (fullSinceNanos == 0) {
            fullSinceNanos = nanoClock.getAsLong();
        }
    }

    private int write(FlvTag tag) {
        sink.write(tag);
        bytesWritten += tag.size();
        return tag.size();
    }

    private static HeaderKind kindOf(MediaPacket p) {
        if (p.isMetadata()) {
            return HeaderKind.METADATA;
        }
        if (p.isVideoMetadata()) {
            return HeaderKind.VIDEO_METADATA;
        }
        return p.isVideoSequenceHeader() ? HeaderKind.VIDEO_CONFIG : HeaderKind.AUDIO_CONFIG;
    }
}
