package io.livestream.media;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a new viewer needs to start at once on a keyframe: the latest metadata, the video and
 * audio sequence headers (any codec, legacy or Enhanced RTMP), the latest Enhanced RTMP video
 * Metadata packet (HDR colour information), and every packet since the last keyframe. A GOP grown past its
 * bounds is dropped whole (a viewer then waits for the next keyframe) rather than kept growing.
 * Not thread-safe: each owner uses it from one event loop.
 */
public final class GopCache<T> {
    private final Function<T, MediaPacket> packetOf;
    private final int maxPackets;
    private final long maxBytes;
    private final List<T> gop = new ArrayList<>();
    private T metadata;
    private T videoSequenceHeader;
    private T videoMetadata;
    private T audioSequenceHeader;
    private long gopBytes;
    private boolean inGop;

    public GopCache(Function<T, MediaPacket> packetOf, int maxPackets, long maxBytes) {
        this.packetOf = packetOf;
        this.maxPackets = maxPackets;
        this.maxBytes = maxBytes;
    }

    public void add(T item) {
        MediaPacket p = packetOf.apply(item);
        if (p.isMetadata()) {
            metadata = item;
        } else if (p.isVideoSequenceHeader()) {
            videoSequenceHeader = item;
        } else if (p.isVideoMetadata()) {
            videoMetadata = item;
        } else if (p.isAudioSequenceHeader()) {
            audioSequenceHeader = item;
        } else if (p.isKeyframe()) {
            dropGop();
            inGop = true;
            append(item, p);
        } else if (inGop) {
            append(item, p);
        }
    }

    /** Metadata, video sequence header, video Metadata packet, audio sequence header, then the current GOP from its keyframe. */
    public List<T> snapshot() {
        List<T> out = new ArrayList<>(gop.size() + 4);
        if (metadata != null) {
            out.add(metadata);
        }
        if (videoSequenceHeader != null) {
            out.add(videoSequenceHeader);
        }
        if (videoMetadata != null) {
            out.add(videoMetadata);
        }
        if (audioSequenceHeader != null) {
            out.add(audioSequenceHeader);
        }
        out.addAll(gop);
        return out;
    }

    public boolean hasKeyframe() {
        return !gop.isEmpty();
    }

    public void clear() {
        dropGop();
        metadata = null;
        videoSequenceHeader = null;
        videoMetadata = null;
        audioSequenceHeader = null;
    }

    public int gopPackets() {
        return gop.size();
    }

    public long gopBytes() {
        return gopBytes;
    }

    public T metadata() {
        return metadata;
    }

    public T videoSequenceHeader() {
        return videoSequenceHeader;
    }

    public T audioSequenceHeader() {
        return audioSequenceHeader;
    }

    private void append(T item, MediaPacket p) {
        if (gop.size() + 1 > maxPackets || gopBytes + p.size() > maxBytes) {
            dropGop(); // wait for the next keyframe rather than grow without bound
            return;
        }
        gop.add(item);
        gopBytes += p.size();
    }

    private void dropGop() {
        gop.clear();
        gopBytes = 0;
        inGop = false;
    }
}
