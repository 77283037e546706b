package io.livestream.relay;

import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One viewer of one stream. Writes shared tag buffers to its sink while the sink keeps up;
 * when the sink's queue is full it drops frames until the next keyframe (keeping the latest
 * metadata and sequence headers to send first), so a slow viewer never slows the others and
 * never drifts behind live. A viewer that took every tag of the last flush window is "in step":
 * it takes the next window's tags as the one buffer {@link TagWindow} shares at the flush,
 * instead of tag by tag. Confined to its hub's event loop.
 */
final class Viewer {
    private enum HeaderKind { METADATA, VIDEO_CONFIG, AUDIO_CONFIG }

    private final ViewerSink sink;
    private final Map<HeaderKind, FlvTag> heldHeaders = new EnumMap<>(HeaderKind.class);
    private boolean skipping;
    private boolean inStep;
    private long fullSinceNanos;
    private long skippedFrames;
    private long bytesWritten;

    Viewer(ViewerSink sink) {
        this.sink = sink;
        sink.drainHandler(() -> fullSinceNanos = 0);
    }

    ViewerSink sink() {
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

    /** Offers a live tag outside any window (each written on its own); returns its bytes, or -1 if skipped. */
    int offer(FlvTag tag) {
        return offer(tag, null);
    }

    /**
     * Offers a live tag, the last one added to {@code window}; returns the bytes taken (written
     * now or at the flush), or -1 if the tag was skipped.
     */
    int offer(FlvTag tag, TagWindow window) {
        if (inStep) {
            if (tag.isHeader() || !sink.writeQueueFull()) {
                if (!tag.isHeader()) {
                    fullSinceNanos = 0;
                }
                bytesWritten += tag.size();
                return tag.size();
            }
            // falls behind within the window: what it took of the window goes now, then it skips
            inStep = false;
            List<FlvTag> taken = window.tags();
            for (int i = 0; i < taken.size() - 1; i++) {
                sink.write(taken.get(i));
            }
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
     * Sends what this window gave the viewer: the window's shared buffer if it was in step,
     * else the tags written one by one. In step for the next window unless it is skipping.
     */
    void flush(TagWindow window) {
        if (inStep && !window.isEmpty()) {
            sink.write(window);
        }
        sink.flush();
        inStep = !skipping;
    }

    /** True when the sink has stayed full for longer than {@code nanos}. */
    boolean stalledLongerThan(long nanos, long now) {
        if (fullSinceNanos == 0 && sink.writeQueueFull()) {
            markFull();
        }
        return fullSinceNanos != 0 && now - fullSinceNanos > nanos && sink.writeQueueFull();
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
            fullSinceNanos = System.nanoTime();
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
        return p.isVideoSequenceHeader() ? HeaderKind.VIDEO_CONFIG : HeaderKind.AUDIO_CONFIG;
    }
}
