package io.livestream.launcher;

import io.livestream.fanout.FanoutConfig;
import picocli.CommandLine.Option;

import java.time.Duration;

/** How viewers are fanned out: standalone, the relay role and the gateway role (for the streams it carries) share these. */
public final class RelayOptions {
    @Option(names = "--grace", defaultValue = "${env:LIVE_GRACE:-10s}", converter = Durations.class,
            description = "How long viewers wait for a publisher that went away (env LIVE_GRACE; default ${DEFAULT-VALUE})")
    Duration grace;

    @Option(names = "--stall-timeout", defaultValue = "${env:LIVE_STALL_TIMEOUT:-10s}", converter = Durations.class,
            description = "Close a viewer whose queue stays full this long (env LIVE_STALL_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration stallTimeout;

    @Option(names = "--viewer-queue-kb", defaultValue = "${env:LIVE_VIEWER_QUEUE_KB:-1024}",
            description = "Per-viewer write queue in KiB before it skips to the next keyframe (env LIVE_VIEWER_QUEUE_KB; default ${DEFAULT-VALUE})")
    int viewerQueueKb;

    @Option(names = "--viewer-flush-window", defaultValue = "${env:LIVE_VIEWER_FLUSH_WINDOW:-40ms}", converter = Durations.class,
            description = "Viewers are sent what arrived at each video frame, and at the latest this long after a tag arrived (audio-only streams, low frame rates); 0 sends every tag at once (env LIVE_VIEWER_FLUSH_WINDOW; default ${DEFAULT-VALUE})")
    Duration viewerFlushWindow;

    @Option(names = "--viewer-merge-writes", defaultValue = "${env:LIVE_VIEWER_MERGE_WRITES:-0ms}", converter = Durations.class,
            description = "A fixed least time between two sends to a stream's viewers, overriding the load-based merging of --max-write-delay; 0: by load (env LIVE_VIEWER_MERGE_WRITES; default ${DEFAULT-VALUE})")
    Duration viewerMergeWrites;

    @Option(names = "--max-write-delay", defaultValue = "${env:LIVE_MAX_WRITE_DELAY:-100ms}", converter = Durations.class,
            description = "Viewers are sent at each video frame while that is cheap; as the process's viewers grow past what --viewer-send-budget allows, sends are merged, each tag held at most this long; 0 never merges (env LIVE_MAX_WRITE_DELAY; default ${DEFAULT-VALUE})")
    Duration maxWriteDelay;

    @Option(names = "--viewer-send-budget", defaultValue = "${env:LIVE_VIEWER_SEND_BUDGET:-15000}",
            description = "Sends a second to viewers, over every stream of the process, beyond which writes are merged (up to --max-write-delay): a stream's least gap between sends is the process's viewers / this (env LIVE_VIEWER_SEND_BUDGET; default ${DEFAULT-VALUE})")
    int viewerSendBudget;

    @Option(names = "--flv-video-metadata", defaultValue = "${env:LIVE_FLV_VIDEO_METADATA:-false}",
            description = "Send Enhanced RTMP video Metadata packets (HDR colorInfo) to FLV viewers; off by default because mpegts.js 1.8 stops at them (env LIVE_FLV_VIDEO_METADATA; default ${DEFAULT-VALUE})")
    boolean flvVideoMetadata;

    public FanoutConfig config() {
        return FanoutConfig.defaults().withGrace(grace).withStallTimeout(stallTimeout).withViewerQueueBytes(viewerQueueKb * 1024)
                .withFlushWindow(viewerFlushWindow).withMergeWrites(viewerMergeWrites)
                .withMaxWriteDelay(maxWriteDelay, viewerSendBudget).withVideoMetadata(flvVideoMetadata);
    }
}
