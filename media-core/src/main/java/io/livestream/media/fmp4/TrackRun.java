package io.livestream.media.fmp4;

import java.util.List;

/** A track's samples in one fragment ({@code traf}): the decode time of the first, then each in order. */
public record TrackRun(Track track, long baseDecodeTime, List<Sample> samples) {
    public TrackRun {
        samples = List.copyOf(samples);
    }

    public long bytes() {
        long n = 0;
        for (Sample s : samples) {
            n += s.length();
        }
        return n;
    }

    /** The sum of the samples' durations, in the track's ticks. */
    public long duration() {
        long n = 0;
        for (Sample s : samples) {
            n += s.duration();
        }
        return n;
    }
}
