package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * What rooms publish on {@code room.<id>.out}: a quiet room's event at once, a busy room's
 * collected and out when its 100 ms window closes, each batch stamped with its owner's epoch.
 * Confined to the interaction event loop.
 */
final class RoomBatches {
    private static final long BATCH_WINDOW_MS = 100;

    private final Vertx vertx;
    private final MeterRegistry meters;
    private final LongSupplier nanos;
    /** The epoch of the room's owner here, or -1 when this replica no longer owns it (then nothing goes out). */
    private final ToLongFunction<String> epochOf;
    private final Map<String, List<JsonObject>> pending = new HashMap<>();
    private final Map<String, Long> lastFlushNanos = new HashMap<>();

    RoomBatches(Vertx vertx, MeterRegistry meters, LongSupplier nanos, ToLongFunction<String> epochOf) {
        this.vertx = vertx;
        this.meters = meters;
        this.nanos = nanos;
        this.epochOf = epochOf;
    }

    void queue(String roomId, JsonObject event) {
        List<JsonObject> batch = pending.get(roomId);
        if (batch != null) {
            batch.add(event);
            return;
        }
        long since = (nanos.getAsLong() - lastFlushNanos.getOrDefault(roomId, 0L)) / 1_000_000;
        List<JsonObject> fresh = new ArrayList<>();
        fresh.add(event);
        pending.put(roomId, fresh);
        if (since >= BATCH_WINDOW_MS) {
            flush(roomId);
        } else {
            vertx.setTimer(BATCH_WINDOW_MS - since, id -> flush(roomId));
        }
    }

    /** True while some of the room's events wait for their window. */
    boolean pending(String roomId) {
        return pending.containsKey(roomId);
    }

    /** The room is no longer this replica's: what waits is dropped (its next owner sends the history again). */
    void forget(String roomId) {
        pending.remove(roomId);
        lastFlushNanos.remove(roomId);
    }

    private void flush(String roomId) {
        List<JsonObject> events = pending.remove(roomId);
        long epoch = epochOf.applyAsLong(roomId);
        if (events == null || events.isEmpty() || epoch < 0) {
            return;
        }
        lastFlushNanos.put(roomId, nanos.getAsLong());
        meters.counter("live.room.messages.out").increment(events.size());
        vertx.eventBus().publish(Addresses.roomOut(roomId), new RoomMessage.Batch(epoch, events));
    }
}
