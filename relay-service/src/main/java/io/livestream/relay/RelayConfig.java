package io.livestream.relay;

import java.time.Duration;

/**
 * Settings of a relay.
 *
 * @param viewerQueueBytes a viewer whose unsent bytes pass this skips to the next keyframe
 * @param stallTimeout     a viewer whose queue stays full this long is closed as slow-consumer
 * @param grace            viewers wait this long for a publisher that went away before stream-ended
 * @param gopMaxPackets    bound on the cached GOP, in packets
 * @param gopMaxBytes      bound on the cached GOP, in bytes
 * @param snapshotTimeout  how long a first viewer waits for the ingest node's snapshot
 * @param flushWindow      viewers are sent what arrived at each video frame, and at the latest this long
 *                         after the first tag since the last send; zero sends every tag at once
 * @param mergeWrites      no two sends to viewers closer than this (merged writes): less CPU per viewer
 *                         for up to this much more delay; zero sends at each video frame
 */
public record RelayConfig(
        int viewerQueueBytes,
        Duration stallTimeout,
        Duration grace,
        int gopMaxPackets,
        long gopMaxBytes,
        Duration snapshotTimeout,
        Duration flushWindow,
        Duration mergeWrites) {

    public static RelayConfig defaults() {
        return new RelayConfig(1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(10), 3000,
                32L * 1024 * 1024, Duration.ofSeconds(3), Duration.ofMillis(40), Duration.ZERO);
    }

    public RelayConfig withStallTimeout(Duration d) {
        return new RelayConfig(viewerQueueBytes, d, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites);
    }

    public RelayConfig withGrace(Duration d) {
        return new RelayConfig(viewerQueueBytes, stallTimeout, d, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites);
    }

    public RelayConfig withViewerQueueBytes(int bytes) {
        return new RelayConfig(bytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, mergeWrites);
    }

    public RelayConfig withFlushWindow(Duration d) {
        return new RelayConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, d, mergeWrites);
    }

    public RelayConfig withMergeWrites(Duration d) {
        return new RelayConfig(viewerQueueBytes, stallTimeout, grace, gopMaxPackets, gopMaxBytes, snapshotTimeout, flushWindow, d);
    }
}
