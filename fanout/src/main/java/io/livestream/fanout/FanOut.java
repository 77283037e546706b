package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.media.GopCache;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The viewers of one stream in one process, fed one timeline of packets by whatever pulls the
 * stream (a relay's event-bus subscription, a gateway's one connection to a relay): keeps the GOP
 * for late joiners, encodes each packet once and hands the same bytes to every viewer, merged into
 * fewer writes as the process's viewers grow ({@link MergePolicy}); a slow viewer skips to the next
 * keyframe ({@link Viewer}) and one stalled too long is closed {@code slow-consumer}. Viewers that
 * join before the feed is {@link #open open} wait for it. Closes itself when its last viewer
 * leaves. Confined to one event loop.
 */
public final class FanOut {
    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());

    /** The fan-out's time and its send timer: the event loop's in production, driven by hand in tests. */
    public interface Clock {
        long nanoTime();

        long setTimer(long delayMillis, Runnable action);

        void cancelTimer(long id);

        static Clock of(Vertx vertx) {
            return new Clock() {
                @Override
                public long nanoTime() {
                    return System.nanoTime();
                }

                @Override
                public long setTimer(long delayMillis, Runnable action) {
                    return vertx.setTimer(delayMillis, id -> action.run());
                }

                @Override
                public void cancelTimer(long id) {
                    vertx.cancelTimer(id);
                }
            };
        }
    }

    private final String stream;
    private final FanoutConfig config;
    private final FanoutMetrics.StreamMeters meters;
    private final Runnable onClosed;
    private final MergePolicy merging;
    private final Clock clock;
    /** The viewers of the process, the load that merges writes. */
    private final IntSupplier load;
    /** A list, not a set: walked at every flush, which matters more than leaving in O(n). */
    private final List<Viewer> viewers = new ArrayList<>();
    /** The viewers not in step, which take each tag as it arrives: usually none. */
    private final List<Viewer> catchingUp = new ArrayList<>();
    private final List<Viewer> waiting = new ArrayList<>();
    private final GopCache<FlvTag> gop;

    private boolean open;
    private boolean closed;
    private TagWindow window = new TagWindow();
    private long flushTimer = -1;
    private long flushDueNanos;
    private long windowStartNanos;
    private long lastFlushNanos;

    /**
     * A fan-out whose sends are timed by {@code clock} and merged by the load {@code load} says (the
     * viewers of the process); {@code onClosed} runs once it has closed, by {@link #close} or because
     * its last viewer left.
     */
    public FanOut(String stream, FanoutConfig config, FanoutMetrics.StreamMeters meters, Runnable onClosed,
                  Clock clock, IntSupplier load) {
        this.stream = stream;
        this.config = config;
        this.meters = meters;
        this.onClosed = onClosed;
        this.merging = new MergePolicy(config);
        this.clock = clock;
        this.load = load;
        this.lastFlushNanos = clock.nanoTime() - merging.gapNanos(Integer.MAX_VALUE);
        this.gop = new GopCache<>(FlvTag::packet, config.gopMaxPackets(), config.gopMaxBytes());
    }

    public String stream() {
        return stream;
    }

    /** Viewers playing and viewers waiting for the feed. */
    public int viewerCount() {
        return viewers.size() + waiting.size();
    }

    public boolean isOpen() {
        return open && !closed;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Adds a viewer: it starts on the GOP at once if the feed is open, else when it opens. */
    public void add(Viewer viewer) {
        if (closed) {
            viewer.sink().close(CloseReason.STREAM_ENDED);
            return;
        }
        if (open) {
            startViewer(viewer);
        } else {
            waiting.add(viewer);
        }
        meters.viewerJoined();
        // last: a viewer that hung up while it was being admitted is removed at once, and counted out
        viewer.sink().closeHandler(() -> remove(viewer));
    }

    public void remove(Viewer viewer) {
        if (closed || !(viewers.remove(viewer) || waiting.remove(viewer))) {
            return;
        }
        catchingUp.remove(viewer);
        meters.viewerLeft();
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: - {1}", LogField.stream(stream), viewer.sink().describe(),
                LogField.client(viewer.sink().address()));
        if (viewers.isEmpty() && waiting.isEmpty()) {
            close(null);
        }
    }

    /** The feed has what there is to start on (a snapshot delivered, or none to be had): waiting viewers start. */
    public void open() {
        if (closed || open) {
            return;
        }
        open = true;
        waiting.forEach(this::startViewer);
        waiting.clear();
    }

    /** Forgets the GOP: a new publishing session starts on its own keyframe. */
    public void clearGop() {
        gop.clear();
    }

    /** Closes viewers whose queue has stayed full longer than the stall timeout; forgets closed ones. */
    public void closeStalledViewers(long now) {
        long limit = config.stallTimeout().toNanos();
        for (Viewer v : List.copyOf(viewers)) {
            if (v.sink().isClosed()) {
                remove(v);
            } else if (v.stalledLongerThan(limit, now)) {
                LOG.log(System.Logger.Level.INFO, "stream {0}: closing {1}: {2}", LogField.stream(stream), v.sink().describe(),
                        CloseReason.SLOW_CONSUMER, LogField.client(v.sink().address()));
                meters.closed(CloseReason.SLOW_CONSUMER);
                v.sink().close(CloseReason.SLOW_CONSUMER);
                remove(v);
            }
        }
    }

    /** Closes every viewer (with {@code reason}, unless null: they have all gone) and runs {@code onClosed}. */
    public void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        clock.cancelTimer(flushTimer);
        List<Viewer> all = new ArrayList<>(viewers);
        all.addAll(waiting);
        viewers.clear();
        catchingUp.clear();
        waiting.clear();
        if (reason != null) {
            for (Viewer v : all) {
                meters.closed(reason);
                meters.viewerLeft();
                v.sink().close(reason);
            }
        }
        gop.clear();
        meters.close();
        onClosed.run();
    }

    private void startViewer(Viewer viewer) {
        viewers.add(viewer);
        catchingUp.add(viewer);
        boolean audio = gop.audioSequenceHeader() != null;
        boolean video = gop.videoSequenceHeader() != null;
        Buffer header = Buffer.buffer(Flv.header(audio || !video, video || !audio));
        viewer.start(header, gop.snapshot());
    }

    /**
     * The next packet of the stream's timeline (timestamps never go back): kept in the GOP and sent to every viewer.
     * Enhanced RTMP video Metadata packets are left out unless {@link FanoutConfig#videoMetadata()} says otherwise.
     */
    public void deliver(MediaPacket packet) {
        if (closed || !config.videoMetadata() && packet.isVideoMetadata()) {
            return;
        }
        FlvTag tag = FlvTag.of(packet);
        gop.add(tag);
        window.add(tag);
        long written = 0;
        int skipped = 0;
        for (Viewer v : catchingUp) {
            int n = v.offer(tag);
            if (n < 0) {
                skipped++;
            } else {
                written += n;
            }
        }
        meters.sent(written, skipped);
        scheduleFlush(packet.kind() != MediaPacket.Kind.AUDIO);
    }

    /**
     * Sends the window's tags to every viewer when a video frame (or any tag but audio: headers,
     * the clock cue point after each keyframe) arrives, and at the latest {@link
     * FanoutConfig#flushWindow()} after the window's first tag (audio-only streams, low frame
     * rates). Audio waits for the next frame: at 30 fps and 2 Mbps a viewer then costs about 31
     * writes and syscalls a second instead of one per tag (about 73); video leaves the moment it
     * arrived, audio at most a frame interval later. As the process's viewers grow, sends are kept
     * apart by the gap {@link MergePolicy} gives for that load: fewer, larger writes, each tag
     * held at most the delay budget. The load is read at each tag, so a change takes effect at the
     * next send.
     */
    private void scheduleFlush(boolean urgent) {
        long now = clock.nanoTime();
        if (window.tags().size() == 1) {
            windowStartNanos = now;
        }
        long due = merging.dueNanos(now, lastFlushNanos, windowStartNanos, urgent, load.getAsInt());
        if (due <= now) {
            flushViewers();
        } else if (flushTimer == -1 || due < flushDueNanos) {
            clock.cancelTimer(flushTimer);
            flushDueNanos = due;
            flushTimer = clock.setTimer(Math.max(1, (due - now + 999_999) / 1_000_000), () -> {
                flushTimer = -1;
                flushViewers();
            });
        }
    }

    private void flushViewers() {
        if (flushTimer != -1) {
            clock.cancelTimer(flushTimer);
            flushTimer = -1;
        }
        lastFlushNanos = clock.nanoTime();
        TagWindow flushed = window;
        window = new TagWindow();
        long written = 0;
        int skipped = 0;
        catchingUp.clear();
        for (Viewer v : viewers) {
            int n = v.flush(flushed);
            if (n < 0) {
                skipped -= n;
            } else {
                written += n;
            }
            if (!v.inStep()) {
                catchingUp.add(v);
            }
        }
        meters.sent(written, skipped);
    }
}
