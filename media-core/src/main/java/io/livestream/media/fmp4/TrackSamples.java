package io.livestream.media.fmp4;

import io.livestream.media.MediaPacket;

import java.util.ArrayList;
import java.util.List;

/**
 * One track's frames becoming samples. A sample's duration is the gap to the next frame's decode
 * time, so each frame is held until its successor arrives; {@link #take} hands out the samples
 * completed since the last take as a run with its decode time. Timestamps are FLV milliseconds on
 * one timeline that never goes back (a gap that does counts as 0).
 */
public final class TrackSamples {
    private final Track track;
    private final List<Sample> completed = new ArrayList<>();
    private Sample pending;
    private long pendingDecodeTime;
    private long completedStart = -1;
    private int lastDuration;

    public TrackSamples(Track track) {
        this.track = track;
    }

    public Track track() {
        return track;
    }

    /** Adds a coded frame of the track's codec; the frame before it is complete now. */
    public void add(MediaPacket frame) {
        Sample sample = track.entry().sample(frame, 0); // refuses a foreign packet before anything changes
        long decodeTime = track.entry().ticks(frame.timestamp());
        if (pending != null) {
            complete((int) Math.max(0, Math.min(Integer.MAX_VALUE, decodeTime - pendingDecodeTime)));
        }
        pending = sample;
        pendingDecodeTime = decodeTime;
    }

    /** Completes the held frame with the last duration seen (the stream ends, or pauses at a cut). */
    public void finish() {
        if (pending != null) {
            complete(lastDuration);
        }
    }

    /** Whether a frame is held waiting for its successor. */
    public boolean hasPending() {
        return pending != null;
    }

    /** The decode time of the held frame, or of the next sample to come, in the track's ticks. */
    public long pendingDecodeTime() {
        return pendingDecodeTime;
    }

    /** The duration of the sample completed last, in ticks (0 before any). */
    public int lastDuration() {
        return lastDuration;
    }

    /** Whether the held frame is a sync sample (a part starting on it is independent). */
    public boolean pendingSync() {
        return pending != null && pending.sync();
    }

    public boolean hasCompleted() {
        return !completed.isEmpty();
    }

    /** The duration of the samples completed since the last take, in ticks. */
    public long completedDuration() {
        long n = 0;
        for (Sample s : completed) {
            n += s.duration();
        }
        return n;
    }

    /** The samples completed since the last take (possibly none), from the decode time of the first. */
    public TrackRun take() {
        long start = completedStart >= 0 ? completedStart : pendingDecodeTime;
        TrackRun run = new TrackRun(track, start, completed);
        completed.clear();
        completedStart = -1;
        return run;
    }

    private void complete(int duration) {
        if (completedStart < 0) {
            completedStart = pendingDecodeTime;
        }
        completed.add(pending.withDuration(duration));
        lastDuration = duration;
        pending = null;
    }
}
