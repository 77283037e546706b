package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The interaction service: the authority for every room. Gateways send it what their members
 * say on {@code room.in}; it answers each sender, and publishes what the room sees on
 * {@code room.<id>.out} in batches: at once when the room is quiet, at most every 100 ms when
 * it is busy. Likes and viewers go out as one stats event per tick (500 ms). Room state is
 * saved to a cluster map on each tick that changed it, so a restarted service picks it up.
 * A room nobody has been in for {@link #EVICT_IDLE_ROOMS_AFTER} leaves memory (saved first
 * unless it holds nothing), and comes back from the map when someone joins: any name under
 * {@code /ws/room/} makes a room, and memory must not grow with every name a client tries.
 */
public final class InteractionVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(InteractionVerticle.class.getName());
    private static final long BATCH_WINDOW_MS = 100;
    private static final long TICK_MS = 500;
    /** How often rooms drop the per-user state of users gone quiet (rate buckets, recent texts, violations). */
    private static final long FORGET_MS = 10_000;
    static final Duration EVICT_IDLE_ROOMS_AFTER = Duration.ofMinutes(1);

    private final RoomRules rules;
    private final MeterRegistry meters;
    private final Map<String, Future<Room>> rooms = new HashMap<>();
    private final Map<String, List<JsonObject>> pending = new HashMap<>();
    private final Map<String, Long> lastFlushNanos = new HashMap<>();
    /** Read by the metrics scrape, which may run on another thread. */
    private final AtomicInteger members = new AtomicInteger();
    /** Rooms being saved on their way out of memory. */
    private final Set<String> evicting = new HashSet<>();
    private final Duration evictIdleRoomsAfter;
    private AsyncMap<String, JsonObject> saved;

    public InteractionVerticle(RoomRules rules, MeterRegistry meters) {
        this(rules, meters, EVICT_IDLE_ROOMS_AFTER);
    }

    InteractionVerticle(RoomRules rules, MeterRegistry meters, Duration evictIdleRoomsAfter) {
        this.rules = rules;
        this.meters = meters;
        this.evictIdleRoomsAfter = evictIdleRoomsAfter;
    }

    @Override
    public Future<?> start() {
        Gauge.builder("live.rooms", rooms, Map::size).description("Rooms with state on this node").register(meters);
        Gauge.builder("live.room.members", members, AtomicInteger::get).description("Members in every room").register(meters);
        return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_STATE).compose(map -> {
            saved = map;
            vertx.setPeriodic(TICK_MS, id -> tick());
            vertx.setPeriodic(FORGET_MS, id -> rooms.values().forEach(f -> {
                if (f.result() != null) {
                    f.result().forgetIdleUsers();
                }
            }));
            vertx.eventBus().<JsonObject>consumer(Addresses.STREAM_EVENTS, m -> {
                String stream = m.body().getString("stream");
                // only rooms that exist hear of it: a notice must not create a room
                Future<Room> room = stream == null ? null : rooms.get(stream);
                if (room != null) {
                    room.onSuccess(r -> queue(stream, r.streamNotice(m.body().getBoolean("online", false))));
                }
            });
            return vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_IN, this::onRequest).completion();
        });
    }

    /** A graceful stop saves every room, so a restarted service loses nothing (a crash loses at most a tick). */
    @Override
    public Future<?> stop() {
        List<Future<Void>> saves = new ArrayList<>();
        rooms.forEach((id, future) -> {
            if (future.result() != null) {
                saves.add(saved.put(id, future.result().toJson()));
            }
        });
        return Future.join(saves);
    }

    private void onRequest(Message<JsonObject> request) {
        JsonObject body = request.body();
        String roomId = body.getString("room");
        if (roomId == null) {
            request.fail(400, "no room");
            return;
        }
        room(roomId).onSuccess(room -> {
            switch (body.getString("op", "")) {
                case "join" -> {
                    room.joined();
                    members.incrementAndGet();
                    request.reply(new JsonObject().put("hello", room.hello(body.getLong("lastSeq", 0L))));
                }
                case "leave" -> {
                    room.left();
                    members.decrementAndGet();
                    request.reply(new JsonObject());
                }
                case "send" -> {
                    meters.counter("live.room.messages.in").increment();
                    Room.Outcome outcome = room.receive(RoomUser.fromJson(body.getJsonObject("user")),
                            body.getJsonObject("message", new JsonObject()));
                    JsonObject reply = new JsonObject();
                    if (outcome.error() != null) {
                        meters.counter("live.room.rejected", "reason", outcome.error().getString("code")).increment();
                        reply.put("error", outcome.error());
                    }
                    if (outcome.closeReason() != null) {
                        reply.put("close", outcome.closeReason());
                    }
                    request.reply(reply);
                    outcome.broadcast().forEach(event -> queue(roomId, event));
                }
                default -> request.fail(400, "unknown op");
            }
        }).onFailure(e -> request.fail(500, e.getMessage()));
    }

    private Future<Room> room(String id) {
        return rooms.computeIfAbsent(id, key -> saved.get(key).map(state -> {
            Room room = new Room(key, rules, System::nanoTime, System::currentTimeMillis);
            if (state != null) {
                room.restore(state);
                LOG.log(System.Logger.Level.INFO, "room {0}: restored at seq {1}", key, room.seq());
            }
            return room;
        }));
    }

    /** Quiet room: out at once. Busy room: collected, and out when its 100 ms window closes. */
    private void queue(String roomId, JsonObject event) {
        List<JsonObject> batch = pending.get(roomId);
        if (batch != null) {
            batch.add(event);
            return;
        }
        long now = System.nanoTime();
        long since = (now - lastFlushNanos.getOrDefault(roomId, 0L)) / 1_000_000;
        List<JsonObject> fresh = new ArrayList<>();
        fresh.add(event);
        pending.put(roomId, fresh);
        if (since >= BATCH_WINDOW_MS) {
            flush(roomId);
        } else {
            vertx.setTimer(BATCH_WINDOW_MS - since, id -> flush(roomId));
        }
    }

    private void flush(String roomId) {
        List<JsonObject> events = pending.remove(roomId);
        if (events == null || events.isEmpty()) {
            return;
        }
        lastFlushNanos.put(roomId, System.nanoTime());
        meters.counter("live.room.messages.out").increment(events.size());
        vertx.eventBus().publish(Addresses.roomOut(roomId), new JsonObject().put("type", "batch").put("events", new JsonArray(events)));
    }

    private void tick() {
        List<Room> idle = new ArrayList<>();
        rooms.forEach((id, future) -> {
            Room room = future.result();
            if (room == null || evicting.contains(id)) {
                return;
            }
            JsonObject stats = room.tick();
            if (stats != null) {
                queue(id, stats);
            }
            if (idle(room)) {
                idle.add(room);
            } else if (room.takePersistChanged()) {
                saved.put(id, room.toJson());
            }
        });
        idle.forEach(this::evict);
    }

    /** Nobody in it for the eviction time, and none of its events waiting to go out. */
    private boolean idle(Room room) {
        return room.emptyFor(evictIdleRoomsAfter) && !pending.containsKey(room.id());
    }

    /**
     * Saves an idle room (unless it holds nothing) and drops it from memory once saved, unless
     * someone came meanwhile: until then requests still find it here, so nothing they do is lost.
     */
    private void evict(Room room) {
        String id = room.id();
        evicting.add(id);
        room.takePersistChanged();
        Future<Void> save = room.pristine() ? Future.succeededFuture() : saved.put(id, room.toJson());
        save.onComplete(ar -> {
            evicting.remove(id);
            Future<Room> current = rooms.get(id);
            if (ar.succeeded() && current != null && current.result() == room && idle(room)) {
                rooms.remove(id);
                lastFlushNanos.remove(id);
                LOG.log(System.Logger.Level.DEBUG, "room {0}: out of memory after {1} empty", id, evictIdleRoomsAfter);
            } else if (ar.failed()) {
                LOG.log(System.Logger.Level.WARNING, "room {0}: not saved, kept in memory: {1}", id, ar.cause().getMessage());
            }
        });
    }
}
