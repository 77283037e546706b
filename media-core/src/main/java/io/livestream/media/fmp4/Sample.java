package io.livestream.media.fmp4;

/**
 * One sample of a track fragment run: its duration and composition offset in the track's ticks,
 * whether a decoder can start on it, and its bytes, a slice of the packet's payload (not copied).
 */
public record Sample(int duration, int compositionOffset, boolean sync, byte[] data, int offset, int length) {

    public Sample {
        if (duration < 0 || offset < 0 || length < 0 || offset + length > data.length) {
            throw new IllegalArgumentException("bad sample: duration " + duration + ", " + offset + "+" + length + " of " + data.length);
        }
    }

    /** The same sample with another duration (the last one of a run, whose successor came late). */
    public Sample withDuration(int newDuration) {
        return new Sample(newDuration, compositionOffset, sync, data, offset, length);
    }
}
