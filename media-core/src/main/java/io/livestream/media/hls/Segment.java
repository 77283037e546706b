package io.livestream.media.hls;

import java.util.ArrayList;
import java.util.List;

/**
 * A media segment (media sequence number {@code msn}) as it grows part by part: it starts on a
 * keyframe, carries the init section its parts need, whether a discontinuity precedes it, and its
 * program date-time (the wall-clock time of its first frame). Its bytes are its parts' bytes in order.
 */
public final class Segment {
    private final long msn;
    private final InitSection init;
    private final boolean discontinuity;
    private final List<Part> parts = new ArrayList<>();
    private long programDateTime;
    private double duration;
    private long bytes;
    private boolean complete;

    Segment(long msn, InitSection init, boolean discontinuity) {
        this.msn = msn;
        this.init = init;
        this.discontinuity = discontinuity;
    }

    public long msn() {
        return msn;
    }

    public InitSection init() {
        return init;
    }

    public boolean discontinuity() {
        return discontinuity;
    }

    /** Milliseconds since the epoch of the first frame, on the ingest's clock. */
    public long programDateTime() {
        return programDateTime;
    }

    public double duration() {
        return duration;
    }

    public long bytes() {
        return bytes;
    }

    public boolean isComplete() {
        return complete;
    }

    public List<Part> parts() {
        return List.copyOf(parts);
    }

    public int partCount() {
        return parts.size();
    }

    void add(Part part, long programDateTimeIfFirst) {
        if (parts.isEmpty()) {
            programDateTime = programDateTimeIfFirst;
        }
        parts.add(part);
        duration += part.duration();
        bytes += part.bytes().length;
    }

    void complete() {
        complete = true;
    }
}
