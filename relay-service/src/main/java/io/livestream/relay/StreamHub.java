package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.bus.MediaSnapshot;
import io.livestream.fanout.FanOut;
import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.livestream.fanout.Viewer;
import io.livestream.media.MediaPacket;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The viewers of one stream on this relay: a {@link FanOut} fed from the event bus. Subscribes to
 * {@code media.<stream>} while it has viewers; merges the ingest node's snapshot with the live
 * packets that arrive meanwhile (by sequence number) so the first viewer starts on a keyframe at
 * once; keeps one monotonic timeline across publisher restarts; when the publisher leaves, viewers
 * wait out the grace for its return. Confined to the relay's event loop.
 */
final class StreamHub {
    private static final System.Logger LOG = System.getLogger(StreamHub.class.getName());

    private final String stream;
    private final Vertx vertx;
    private final FanoutConfig config;
    private final FanOut fanOut;
    private final List<MediaEvent> pending = new ArrayList<>();
    private final MessageConsumer<MediaEvent> consumer;

    private boolean ready;
    private long epoch = -1;
    private long lastSeq;
    private boolean anyOutput;
    private int offset;
    private int lastOutTs;
    private long graceTimer = -1;

    StreamHub(String stream, Vertx vertx, FanoutConfig config, FanoutMetrics.StreamMeters meters, Runnable onClosed) {
        this(stream, vertx, config, meters, onClosed, FanOut.Clock.of(vertx), meters::processViewers);
    }

    /** A hub whose sends are timed by {@code clock}, merged by the load {@code load} says (the viewers of the process). */
    StreamHub(String stream, Vertx vertx, FanoutConfig config, FanoutMetrics.StreamMeters meters, Runnable onClosed,
              FanOut.Clock clock, IntSupplier load) {
        this.stream = stream;
        this.vertx = vertx;
        this.config = config;
        this.consumer = vertx.eventBus().consumer(Addresses.media(stream), message -> onEvent(message.body()));
        this.fanOut = new FanOut(stream, config, meters, () -> {
            vertx.cancelTimer(graceTimer);
            consumer.unregister();
            onClosed.run();
        }, clock, load);
        consumer.completion()
                .compose(v -> vertx.eventBus().<MediaSnapshot>request(Addresses.snapshot(stream), "",
                        new DeliveryOptions().setSendTimeout(config.snapshotTimeout().toMillis())))
                .onComplete(reply -> load(reply.succeeded() ? reply.result().body() : null));
    }

    String stream() {
        return stream;
    }

    int viewerCount() {
        return fanOut.viewerCount();
    }

    boolean ready() {
        return fanOut.isOpen();
    }

    boolean inGrace() {
        return graceTimer != -1;
    }

    /** The sequence number of the last live packet taken (tests await it). */
    long lastSeq() {
        return lastSeq;
    }

    void add(Viewer viewer) {
        fanOut.add(viewer);
    }

    void remove(Viewer viewer) {
        fanOut.remove(viewer);
    }

    /** Closes viewers whose queue has stayed full longer than the stall timeout; forgets closed ones. */
    void closeStalledViewers(long now) {
        fanOut.closeStalledViewers(now);
    }

    /** Closes every viewer (with {@code reason}, unless null) and stops pulling the stream. */
    void close(CloseReason reason) {
        fanOut.close(reason);
    }

    private void load(MediaSnapshot snapshot) {
        if (fanOut.isClosed()) {
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
        fanOut.open();
    }

    private void onEvent(MediaEvent event) {
        if (fanOut.isClosed()) {
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
            LOG.log(System.Logger.Level.INFO, "stream {0}: publisher gone ({1}), viewers wait {2}", LogField.stream(stream), e.reason(), config.grace());
            graceTimer = vertx.setTimer(config.grace().toMillis(), id -> {
                graceTimer = -1;
                fanOut.close(CloseReason.STREAM_ENDED);
            });
        }
    }

    /** A new publishing session: its timeline continues where the previous one stopped. */
    private void startEpoch(long newEpoch, MediaPacket first) {
        epoch = newEpoch;
        lastSeq = 0;
        vertx.cancelTimer(graceTimer);
        graceTimer = -1;
        fanOut.clearGop();
        offset = anyOutput ? lastOutTs - first.timestamp() : 0;
    }

    private void deliver(MediaPacket packet) {
        int ts = Math.max(packet.timestamp() + offset, anyOutput ? lastOutTs : Integer.MIN_VALUE);
        anyOutput = true;
        lastOutTs = ts;
        fanOut.deliver(packet.withTimestamp(ts));
    }
}
