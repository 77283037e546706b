package io.livestream.fanout;

import java.time.Duration;

/**
 * Settings of a fan-out: a relay's, and a gateway's that carries a relay's streams to its own viewers.
 *
 * @param viewerQueueBytes a viewer whose unsent bytes pass this skips to the next keyframe
 * @param stallTimeout     a viewer whose queue stays full this long is closed as slow-consumer
 * @param grace            viewers wait this long for a publisher that went away before stream-ended
 * @param gopMaxPackets    bound on the cached GOP, in packets
 * @param gopMaxBytes      bound on the cached GOP, in bytes
 * @param snapshotTimeout  how long a first viewer waits for the ingest node's snapshot
 * @param flushWindow      viewers are sent what arrived at each video frame, and at the latest this long
 *                         after the first tag since the last send; zero sends every tag at once
 * @param mergeWrites      a fixed least time between two sends to a stream's viewers, overriding the
 *                         load-based one ({@link MergePolicy}); zero: by load
 * @param maxWriteDelay    the longest a send is put off to merge writes as viewers grow ({@link MergePolicy});
 *                         zero never merges (a send per video frame)
 * @param sendBudget       sends a second to viewers the process aims at, over all its streams, before
 *                         merging writes up to {@code maxWriteDelay}
 * @param videoMetadata    whether Enhanced RTMP video Metadata packets (HDR {@code colorInfo}) reach FLV
 *                         viewers; off by default, since mpegts.js 1.8 stops at them ("Invalid video
 *                         packet type 4") while FFmpeg sends one with every HEVC, AV1 and VP9 stream
 */
public record FanoutConfig(
        int viewerQueueBytes,
        Duration stallTimeout,
        Duration grace,
        int gopMaxPackets,
        long gopMaxBytes,
        Duration snapshotTimeout,
        Duration flushWindow,
        Duration mergeWrites,
        Duration maxWriteDelay,
        int sendBudget,
        boolean videoMetadata) {

    public static final int DEFAULT_SEND_BUDGET = 15_000;

    public static FanoutConfig defaults() {
        return new FanoutConfig(1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), 3000,
                32L * 1024 * 1024, Duration.ofSeconds(3), Duration.ofMillis(40), Duration.ZERO,
                Duration.ofMillis(100), DEFAULT_SEND_BUDGET, false);
    }

    public FanoutConfig withStallTimeout(Duration d) {
        return new FanoutConfig(viewerQueueBytes, d, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites,
                maxWriteDelay, sendBudget, videoMetadata);
    }

    public FanoutConfig withGrace(Duration d) {
        return new FanoutConfig(viewerQueueBytes, stallTimeout, d, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites,
                maxWriteDelay, sendBudget, videoMetadata);
    }

    public FanoutConfig withViewerQueueBytes(int bytes) {
        return new FanoutConfig(bytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites,
                maxWriteDelay, sendBudget, videoMetadata);
    }

    public FanoutConfig withFlushWindow(Duration d) {
        return new FanoutConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, d, mergeWrites,
                maxWriteDelay, sendBudget, videoMetadata);
    }

    public FanoutConfig withMergeWrites(Duration d) {
        return new FanoutConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, d,
                maxWriteDelay, sendBudget, videoMetadata);
    }

    /** Merged writes by load: at most {@code d} of added delay (zero: never), for a process budget of {@code sendsPerSecond}. */
    public FanoutConfig withMaxWriteDelay(Duration d, int sendsPerSecond) {
        return new FanoutConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites,
                d, sendsPerSecond, videoMetadata);
    }

    /** Whether Enhanced RTMP video Metadata packets are sent to viewers (off: left out, for mpegts.js). */
    public FanoutConfig withVideoMetadata(boolean send) {
        return new FanoutConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites,
                maxWriteDelay, sendBudget, send);
    }
}
