package io.livestream.media.fmp4;

/** A track of the movie: its {@code track_ID} (1 and up) and its codec's sample entry. */
public record Track(int id, SampleEntry entry) {
    public Track {
        if (id < 1) {
            throw new IllegalArgumentException("track_ID starts at 1: " + id);
        }
    }
}
