package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.bus.MediaSnapshot;
import io.livestream.media.GopCache;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The viewers of one stream on this relay. Subscribes to {@code media.<stream>} while it has
 * viewers; merges the ingest node's snapshot with the live packets that arrive meanwhile (by
 * sequence number) so the first viewer starts on a keyframe at once; keeps the GOP cache for
 * later viewers; encodes each packet once and hands the same bytes to every viewer. Keeps one
 * monotonic timeline across publisher restarts. Confined to the relay's event loop.
 */
final class StreamHub {
    private static final System.Logger LOG = System.getLogger(StreamHub.class.getName());

    private final String stream;
    private final Vertx vertx;
    private final RelayConfig config;
    private final RelayMetrics.StreamMeters meters;
    private final Runnable onClosed;
    private final Set<Viewer> viewers = new LinkedHashSet<>();
    private final List<Viewer> waiting = new ArrayList<>();
    private final List<MediaEvent> pending = new ArrayList<>();
    private final GopCache<FlvTag> gop;
    private final MessageConsumer<MediaEvent> consumer;
    private final Context context;

    private boolean ready;
    private boolean closed;
    private long epoch = -1;
    private long lastSeq;
    private boolean anyOutput;
    private int offset;
    private int lastOutTs;
    private long graceTimer = -1;
    private boolean flushPending;

    StreamHub(String stream, Vertx vertx, RelayConfig config, RelayMetrics.StreamMeters meters, Runnable onClosed) {
        this.stream = stream;
        this.vertx = vertx;
        this.config = config;
        this.meters = meters;
        this.onClosed = onClosed;
        this.context = vertx.getOrCreateContext();
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
        consumer.unregister();
        List<Viewer> all = new ArrayList<>(viewers);
        all.addAll(waiting);
        viewers.clear();
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
        long written = 0;
        int skipped = 0;
        for (Viewer v : viewers) {
            int n = v.offer(tag);
            if (n < 0) {
                skipped++;
            } else {
                written += n;
            }
        }
        meters.sent(written, skipped);
        scheduleFlush();
    }

    /**
     * Flushes every viewer once per window ({@link RelayConfig#flushWindow()}) instead of once per
     * tag: at 2 Mbps a viewer gets about 73 tags a second, and each flush is a syscall (and a TCP
     * segment the receiver is woken for). With a zero window the flush runs once the packets
     * already queued on this event loop have been written, so only tags that arrived together share it.
     */
    private void scheduleFlush() {
        if (flushPending) {
            return;
        }
        flushPending = true;
        long ms = config.flushWindow().toMillis();
        if (ms > 0) {
            vertx.setTimer(ms, id -> flushViewers());
        } else {
            context.runOnContext(v -> flushViewers());
        }
    }

    private void flushViewers() {
        flushPending = false;
        for (Viewer v : viewers) {
            v.flush();
        }
    }
}
