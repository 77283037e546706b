package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * The rooms this replica owns. Taking a room: read its saved state, claim it ({@link RoomClaims})
 * with an epoch above the state's, read the state again (the last owner may have saved once more
 * before it let go), and write the state back under the new epoch and this node's name, a
 * compare-and-set that fences the last owner off; then serve {@code room.in.<room>} (its members'
 * requests, and questions for its stats). Giving a
 * room up (drain, eviction) saves it first, then releases the claim so another replica can
 * take it at once; a room found lost (claim gone to another, or its state written by another)
 * is dropped without a save. Confined to the interaction event loop.
 */
final class RoomOwnership {
    private static final System.Logger LOG = System.getLogger(RoomOwnership.class.getName());

    /** The room is another replica's ({@code holder}, null when unknown): ask it there. */
    static final class Busy extends RuntimeException {
        final String holder;

        Busy(String room, String holder) {
            super("room " + room + ": owned by " + holder, null, false, false);
            this.holder = holder;
        }
    }

    /** What a take-over tells the owner's user: the room, and whether it came from another replica. */
    record Taken(OwnedRoom room, boolean moved) {
    }

    private final Vertx vertx;
    private final RoomClaims claims;
    private final AsyncMap<String, JsonObject> saved;
    private final RoomRules rules;
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();

    RoomOwnership(Vertx vertx, RoomClaims claims, AsyncMap<String, JsonObject> saved, RoomRules rules, LongSupplier nanos, LongSupplier millis) {
        this.vertx = vertx;
        this.claims = claims;
        this.saved = saved;
        this.rules = rules;
        this.nanos = nanos;
        this.millis = millis;
    }

    String node() {
        return claims.node();
    }

    /**
     * Takes {@code id}, serving its requests with {@code handler} on {@code room.in.<id>} once taken;
     * fails {@link Busy} when another replica holds it. {@code publish}: the room's committed events.
     */
    Future<Taken> take(String id, Handler<Message<Object>> handler, BiConsumer<String, JsonObject> publish) {
        return saved.get(id).compose(before -> claims.claim(id, epochOf(before))).compose(claim -> {
            if (!claim.granted()) {
                return Future.failedFuture(new Busy(id, claim.holder()));
            }
            return saved.get(id).compose(state -> {
                if (epochOf(state) >= claim.epoch()) { // another took it between our two reads
                    claims.release(id);
                    return Future.failedFuture(new Busy(id, state.getString("owner")));
                }
                JsonObject fenced = state == null ? null : state.copy().put("epoch", claim.epoch()).put("owner", node());
                Future<Boolean> fence = state == null ? Future.succeededFuture(true) : saved.replaceIfPresent(id, state, fenced);
                return fence.compose(ok -> {
                    if (!ok) {
                        claims.release(id);
                        return Future.failedFuture(new Busy(id, null));
                    }
                    Room room = new Room(id, rules, nanos, millis);
                    if (state != null) {
                        room.restore(state);
                    }
                    OwnedRoom owned = new OwnedRoom(room, claim.epoch(), node(), saved, rules.stateTtl(), fenced, e -> publish.accept(id, e));
                    MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.roomIn(id), handler);
                    consumers.put(id, consumer);
                    String from = state == null ? null : state.getString("owner");
                    boolean moved = from != null && !from.equals(node());
                    LOG.log(System.Logger.Level.INFO, "room {0}: owned here at epoch {1}, seq {2}{3}", id, claim.epoch(), room.seq(),
                            moved ? " (from " + from + ")" : "");
                    return consumer.completion().map(new Taken(owned, moved));
                });
            });
        });
    }

    /** Restarts the room's lease; false when the room is no longer this replica's. */
    Future<Boolean> renew(String id) {
        return claims.renew(id);
    }

    /** Saves the room (when it holds anything) with its lifetime restarted, then lets it go. */
    Future<Void> giveUp(OwnedRoom owned) {
        String id = owned.room().id();
        Future<Void> saveFirst = owned.room().pristine() && !owned.unsaved() ? Future.succeededFuture()
                : owned.flush().compose(v -> owned.renewLifetime());
        return saveFirst.eventually(() -> stopServing(id)).compose(v -> claims.release(id));
    }

    /** A room found to be another's: stop serving it, touch nothing in the maps. */
    void dropLost(String id) {
        claims.forget(id);
        stopServing(id);
    }

    private Future<Void> stopServing(String id) {
        MessageConsumer<Object> consumer = consumers.remove(id);
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    private static long epochOf(JsonObject state) {
        return state == null ? 0 : state.getLong("epoch", 0L);
    }
}
