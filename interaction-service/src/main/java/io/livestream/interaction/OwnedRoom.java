package io.livestream.interaction;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A room this replica owns, under an ownership epoch, and the way its state reaches the cluster
 * map {@code live.rooms}: <em>saved before acknowledged</em>. What a member says is applied to the
 * {@link Room} at once, but its answer and the events it makes wait for a save of the state that
 * holds them (group commit: whatever arrives while a save is under way goes with the next one),
 * so a message is answered, and seen by anyone, only once a successor would find it.
 * <p>
 * Each save is a compare-and-set on the state this owner last read or wrote, and the state
 * carries {@code epoch} and {@code owner}: a replica that took the room over wrote its own epoch
 * there first, so a stale owner's save fails, and it gives the room up ({@link Lost}) with its
 * waiting answers failed, unacknowledged. A save that failed otherwise (the map unreachable) is
 * tried again with everything still waiting. Confined to the interaction event loop.
 */
final class OwnedRoom {
    /** The room's state was written by another owner: this one is stale. */
    static final class Lost extends RuntimeException {
        Lost(String room) {
            super("room " + room + ": owned by another replica now", null, false, false);
        }
    }

    private final Room room;
    private final long epoch;
    private final String node;
    private final AsyncMap<String, JsonObject> map;
    private final Duration ttl;
    private final Consumer<JsonObject> publish;
    /** The state as this owner last read or wrote it (null: none in the map): the expected value of the next swap. */
    private JsonObject last;
    /** The room's sequence as of its last save: what a hello may show (what came after may yet be lost with this owner). */
    private long savedSeq;
    private boolean saving;
    private boolean lost;
    private List<Promise<Void>> acks = new ArrayList<>();
    private List<JsonObject> events = new ArrayList<>();

    /** {@code publish}: an event committed, to go out to the room's members. */
    OwnedRoom(Room room, long epoch, String node, AsyncMap<String, JsonObject> map, Duration ttl, JsonObject last, Consumer<JsonObject> publish) {
        this.room = room;
        this.epoch = epoch;
        this.node = node;
        this.map = map;
        this.ttl = ttl;
        this.last = last;
        this.publish = publish;
        this.savedSeq = room.seq();
    }

    long savedSeq() {
        return savedSeq;
    }

    Room room() {
        return room;
    }

    long epoch() {
        return epoch;
    }

    boolean lost() {
        return lost;
    }

    /** True while changes wait for a save (or one is under way). */
    boolean unsaved() {
        return saving || !acks.isEmpty() || !events.isEmpty();
    }

    /**
     * Commits what the room just did: {@code broadcast} goes out, and the returned future
     * completes, once a save holds it; fails with {@link Lost} when this owner turned out stale.
     */
    Future<Void> commit(List<JsonObject> broadcast) {
        if (lost) {
            return Future.failedFuture(new Lost(room.id()));
        }
        Promise<Void> ack = Promise.promise();
        acks.add(ack);
        events.addAll(broadcast);
        if (!saving) {
            save();
        }
        return ack.future();
    }

    /** Saves what changed without an answer waiting (likes summed, mutes run out); retries a failed save. */
    void saveIfChanged() {
        if (!saving && !lost && (room.takePersistChanged() || !acks.isEmpty() || !events.isEmpty())) {
            commit(List.of());
        }
    }

    /** Saves now, whatever changed, and completes once saved (or fails {@link Lost}). */
    Future<Void> flush() {
        return commit(List.of());
    }

    /** Writes the state again with the time-to-live restarted (a swap leaves the entry without one); only while the claim is held. */
    Future<Void> renewLifetime() {
        return last == null ? Future.succeededFuture() : map.put(room.id(), last, ttl.toMillis());
    }

    private void save() {
        saving = true;
        room.takePersistChanged();
        List<Promise<Void>> waiting = acks;
        List<JsonObject> out = events;
        acks = new ArrayList<>();
        events = new ArrayList<>();
        JsonObject next = room.toJson().put("epoch", epoch).put("owner", node);
        long seq = room.seq();
        swap(next).onComplete(ar -> {
            saving = false;
            if (ar.succeeded() && ar.result()) {
                last = next;
                savedSeq = seq;
                out.forEach(publish);
                waiting.forEach(Promise::complete);
                if (!acks.isEmpty() || !events.isEmpty()) {
                    save();
                }
            } else if (ar.succeeded()) {
                lost = true;
                Lost stale = new Lost(room.id());
                waiting.forEach(p -> p.fail(stale));
                acks.forEach(p -> p.fail(stale));
                acks.clear();
                events.clear();
            } else { // the map failed: all of it waits for the next try
                waiting.addAll(acks);
                out.addAll(events);
                acks = waiting;
                events = out;
            }
        });
    }

    /** True when saved; false when another owner's state is there (this one is stale). */
    private Future<Boolean> swap(JsonObject next) {
        if (last == null) {
            return map.putIfAbsent(room.id(), next, ttl.toMillis()).map(previous -> previous == null);
        }
        return map.replaceIfPresent(room.id(), last, next).compose(swapped -> swapped ? Future.succeededFuture(true)
                // gone (its time-to-live ran out) or someone else's: only the first may be written again
                : map.putIfAbsent(room.id(), next, ttl.toMillis()).map(previous -> previous == null));
    }
}
