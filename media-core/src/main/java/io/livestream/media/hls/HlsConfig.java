package io.livestream.media.hls;

import java.time.Duration;

/**
 * How a stream is cut for LL-HLS: parts of at most {@code partTarget} (the playlist's PART-TARGET),
 * segments cut at the first keyframe at least {@code minSegment} after the segment's start (so a
 * segment is a GOP, or several short ones), and a window of {@code windowSegments} complete segments
 * holding at most {@code maxWindowBytes}, the newest segment kept whatever its size.
 */
public record HlsConfig(Duration partTarget, Duration minSegment, int windowSegments, long maxWindowBytes) {
    public static final HlsConfig DEFAULT = new HlsConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 8, 64L << 20);

    public HlsConfig {
        if (partTarget.toMillis() < 100 || minSegment.compareTo(partTarget) < 0 || windowSegments < 2 || maxWindowBytes < 1) {
            throw new IllegalArgumentException("bad HLS settings: part " + partTarget + ", segment " + minSegment
                    + ", window " + windowSegments + " segments / " + maxWindowBytes + " bytes");
        }
    }

    /** PART-HOLD-BACK: three part targets, as RFC 8216bis 4.4.3.8 recommends (at least two). */
    public double partHoldBackSeconds() {
        return 3 * partTarget.toMillis() / 1000.0;
    }
}
