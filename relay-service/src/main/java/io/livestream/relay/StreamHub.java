package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.bus.MediaSnapshot;
import io.livestream.media.GopCache;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The viewers of one stream on this relay. Subscribes to {@code media.<stream>} while it has
 * viewers; merges the ingest node's snapshot with the live packets that arrive meanwhile (by
 * sequence number) so the first viewer starts on a keyframe at once; keeps the GOP cache for
 * later viewers; encodes each packet once and hands the same bytes to every viewer. Keeps one
 * monotonic timeline across publisher restarts. Confined to the relay's event loop.
 */
final class StreamHub {
    private static final System.Logger LOG = System.getLogger(StreamHub.class.getName());

    /** The hub's time and its send timer: the event loop's in production, driven by hand in tests. */
    interface Clock {
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
    private final Vertx vertx;
    private final RelayConfig config;
    private final RelayMetrics.StreamMeters meters;
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
    private final List<MediaEvent> pending = new ArrayList<>();
    private final GopCache<FlvTag> gop;
    private final MessageConsumer<MediaEvent> consumer;

    private boolean ready;
    private boolean closed;
    private long epoch = -1;
    private long lastSeq;
    private boolean anyOutput;
    private int offset;
    private int lastOutTs;
    private long graceTimer = -1;
    private TagWindow window = new TagWindow();
    private long flushTimer = -1;
    private long flushDueNanos;
    private long windowStartNanos;
    private long lastFlushNanos;

    StreamHub(String stream, Vertx vertx, RelayConfig config, RelayMetrics.StreamMeters meters, Runnable onClosed) {
        this(stream, vertx, config, meters, onClosed, Clock.of(vertx), meters::relayViewers);
    }

    /** A hub whose sends are timed by {@code clock}, merged by the load {@code load} says (the viewers of the process). */
    StreamHub(String stream, Vertx vertx, RelayConfig config, RelayMetrics.StreamMeters meters, Runnable onClosed,
              Clock clock, IntSupplier load) {
        this.stream = stream;
        this.vertx = vertx;
        this.config = config;
        this.meters = meters;
        this.onClosed = onClosed;
        this.merging = new MergePolicy(config);
        this.clock = clock;
        this.load = load;
        this.lastFlushNanos = clock.nanoTime() - merging.gapNanos(Integer.MAX_VALUE);
        this.gop = new GopCache<>(FlvTag::packet, config.gopMaxPackets(), config.gopMaxBytes());
        this.consumer = vertx.eventBus().consumer(Addresses.media(stream), message -> onEvent(message.body()));
        consumer.completion()
                .compose(v -> vertx.eventBus().<MediaSnapshot>request(Addresses.snapshot(stream), "",
                        new DeliveryOptions().setSendTimeout(config.snapshotTimeout().toMillis())))
                .onComplete(reply -> load(reply.succeeded() ? reply.result().body() : null));
    }

    String stream() {
        return stream;
    }

    int viewerCount() {
        return viewers.size() + waiting.size();
    }

    boolean ready() {
        return ready && !closed;
    }

    boolean inGrace() {
        return graceTimer != -1;
    }

    /** The sequence number of the last live packet taken (tests await it). */
    long lastSeq() {
        return lastSeq;
    }

    void add(Viewer viewer) {
        if (closed) {
            viewer.sink().close(CloseReason.STREAM_ENDED);
            return;
        }
        if (ready) {
            startViewer(viewer);
        } else {
            waiting.add(viewer);
        }
        meters.viewerJoined();
        // last: a viewer that hung up while it was being admitted is removed at once, and counted out
        viewer.sink().closeHandler(() -> remove(viewer));
    }

    void remove(Viewer viewer) {
        if (closed || !(viewers.remove(viewer) || waiting.remove(viewer))) {
            return;
        }
        catchingUp.remove(viewer);
        meters.viewerLeft();
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: - {1}", stream, viewer.sink().describe());
        if (viewers.isEmpty() && waiting.isEmpty()) {
            close(null);
        }
    }

    /** Closes viewers whose queue has stayed full longer than the stall timeout; forgets closed ones. */
    void closeStalledViewers(long now) {
        long limit = config.stallTimeout().toNanos();
        for (Viewer v : List.copyOf(viewers)) {
            if (v.sink().isClosed()) {
                remove(v);
            } else if (v.stalledLongerThan(limit, now)) {
                LOG.log(System.Logger.Level.INFO, "stream {0}: closing {1}: {2}", stream, v.sink().describe(), CloseReason.SLOW_CONSUMER);
                meters.closed(CloseReason.SLOW_CONSUMER);
                v.sink().close(CloseReason.SLOW_CONSUMER);
                remove(v);
            }
        }
    }

    /** Closes every viewer (with {@code reason}, unless null) and stops pulling the stream. */
    void close(CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(graceTimer);
        clock.cancelTimer(flushTimer);
        consumer.unregister();
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

    private void load(MediaSnapshot snapshot) {
        if (closed) {
            return;
        }
        if (snapshot != null) {
            epoch = snapshot.epoch();
            lastSeq = snapshot.lastSeq();
            snapshot.packets().forEach(this::deliver);
        }
        ready = true;
        pending.forEach(this::handle);
        pending.clear();
        waiting.forEach(this::startViewer);
        waiting.clear();
    }

    private void startViewer(Viewer viewer) {
        viewers.add(viewer);
        catchingUp.add(viewer);
        boolean audio = gop.audioSequenceHeader() != null;
        boolean video = gop.videoSequenceHeader() != null;
        Buffer header = Buffer.buffer(Flv.header(audio || !video, video || !audio));
        viewer.start(header, gop.snapshot());
    }

    private void onEvent(MediaEvent event) {
        if (closed) {
            return;
        }
        if (!ready) {
            pending.add(event);
        } else {
            handle(event);
        }
    }

    private void handle(MediaEvent event) {
        if (event instanceof MediaEvent.Packet p) {
            if (p.epoch() == epoch && p.seq() <= lastSeq) {
                return; // already in the snapshot
            }
            if (p.epoch() != epoch) {
                startEpoch(p.epoch(), p.packet());
            }
            lastSeq = p.seq();
            deliver(p.packet());
        } else if (event instanceof MediaEvent.Ended e && e.epoch() == epoch && graceTimer == -1) {
            LOG.log(System.Logger.Level.INFO, "stream {0}: publisher gone ({1}), viewers wait {2}", stream, e.reason(), config.grace());
            graceTimer = vertx.setTimer(config.grace().toMillis(), id -> {
                graceTimer = -1;
                close(CloseReason.STREAM_ENDED);
            });
        }
    }

    /** A new publishing session: its timeline continues where the previous one stopped. */
    private void startEpoch(long newEpoch, MediaPacket first) {
        epoch = newEpoch;
        lastSeq = 0;
        vertx.cancelTimer(graceTimer);
        graceTimer = -1;
        gop.clear();
        offset = anyOutput ? lastOutTs - first.timestamp() : 0;
    }

    private void deliver(MediaPacket packet) {
        int ts = Math.max(packet.timestamp() + offset, anyOutput ? lastOutTs : Integer.MIN_VALUE);
        anyOutput = true;
        lastOutTs = ts;
        FlvTag tag = FlvTag.of(packet.withTimestamp(ts));
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
     * RelayConfig#flushWindow()} after the window's first tag (audio-only streams, low frame
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
