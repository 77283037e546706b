package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
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
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The interaction service: the authority for every room. Gateways send it what their members
 * say on {@code room.in}; it answers each sender, and publishes what the room sees on
 * {@code room.<id>.out} in batches: at once when the room is quiet, at most every 100 ms when
 * it is busy. Likes and viewers go out as one stats event per tick (500 ms). Room state is
 * saved to a cluster map on each tick that changed it, so a restarted service picks it up.
 * A room nobody has been in for {@link #EVICT_IDLE_ROOMS_AFTER} leaves memory (saved first
 * unless it holds nothing), and comes back from the map when someone joins: any name under
 * {@code /ws/room/} makes a room, and memory must not grow with every name a client tries.
 * Saved state expires {@link RoomRules#stateTtl()} after its last save, so the map does not
 * grow with them either. A room whose load from the map failed is loaded again on the next
 * request, not kept failing.
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
    /** Messages each room in memory has accepted: what the studio's message rate is read from ({@code room.stats}). */
    private final Map<String, Long> accepted = new HashMap<>();
    /** Read by the metrics scrape, which may run on another thread. */
    private final AtomicInteger members = new AtomicInteger();
    /** Rooms being saved on their way out of memory. */
    private final Set<String> evicting = new HashSet<>();
    private final Duration evictIdleRoomsAfter;
    private final Function<Vertx, Future<AsyncMap<String, JsonObject>>> openState;
    /** The rooms' clocks: monotonic nanoseconds (rate limits, batch windows, idle time) and epoch milliseconds. */
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private AsyncMap<String, JsonObject> saved;

    public InteractionVerticle(RoomRules rules, MeterRegistry meters) {
        this(rules, meters, EVICT_IDLE_ROOMS_AFTER);
    }

    InteractionVerticle(RoomRules rules, MeterRegistry meters, Duration evictIdleRoomsAfter) {
        this(rules, meters, evictIdleRoomsAfter, v -> v.sharedData().getAsyncMap(Addresses.ROOM_STATE));
    }

    /** {@code openState} opens the map rooms are saved in: tests wrap it to make it fail. */
    InteractionVerticle(RoomRules rules, MeterRegistry meters, Duration evictIdleRoomsAfter,
                        Function<Vertx, Future<AsyncMap<String, JsonObject>>> openState) {
        this(rules, meters, evictIdleRoomsAfter, openState, System::nanoTime, System::currentTimeMillis);
    }

    /** With the clocks rooms read: tests drive them by hand, so that time passes without waiting. */
    InteractionVerticle(RoomRules rules, MeterRegistry meters, Duration evictIdleRoomsAfter,
                        Function<Vertx, Future<AsyncMap<String, JsonObject>>> openState, LongSupplier nanos, LongSupplier millis) {
        this.rules = rules;
        this.meters = meters;
        this.evictIdleRoomsAfter = evictIdleRoomsAfter;
        this.openState = openState;
        this.nanos = nanos;
        this.millis = millis;
    }

    @Override
    public Future<?> start() {
        Gauge.builder("live.rooms", rooms, Map::size).description("Rooms with state on this node").register(meters);
        Gauge.builder("live.room.members", members, AtomicInteger::get).description("Members in every room").register(meters);
        RoomCodec.register(vertx.eventBus());
        return openState.apply(vertx).compose(map -> {
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
            vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_STATS, this::onStats);
            return vertx.eventBus().<RoomMessage.Request>consumer(Addresses.ROOM_IN, this::onRequest).completion();
        });
    }

    /** A graceful stop saves every room, so a restarted service loses nothing (a crash loses at most a tick). */
    @Override
    public Future<?> stop() {
        List<Future<Void>> saves = new ArrayList<>();
        rooms.forEach((id, future) -> {
            if (future.result() != null) {
                saves.add(save(future.result()));
            }
        });
        return Future.join(saves);
    }

    private void onRequest(Message<RoomMessage.Request> request) {
        RoomMessage.Request body = request.body();
        if (body.room() == null) {
            request.fail(400, "no room");
            return;
        }
        room(body.room()).onSuccess(room -> {
            if (body instanceof RoomMessage.Join join) {
                request.reply(join(room, join));
            } else if (body instanceof RoomMessage.Leave leave) {
                room.left(leave.user());
                members.decrementAndGet();
                request.reply(RoomMessage.Answer.OK);
            } else if (body instanceof RoomMessage.Send send) {
                meters.counter("live.room.messages.in").increment();
                Room.Outcome outcome = room.receive(send.user(), send.message());
                request.reply(answer(outcome));
                if (outcome.error() == null) {
                    accepted.merge(room.id(), 1L, Long::sum);
                }
                outcome.broadcast().forEach(event -> queue(room.id(), event));
            }
        }).onFailure(e -> request.fail(500, e.getMessage()));
    }

    /** {@code {rooms: [id...]}}: each room's accepted messages, for those in memory; asking creates no room. */
    private void onStats(Message<JsonObject> request) {
        JsonArray ids = request.body() == null ? null : request.body().getJsonArray("rooms");
        JsonObject out = new JsonObject();
        if (ids != null) {
            ids.forEach(id -> {
                if (id instanceof String room && rooms.containsKey(room)) {
                    out.put(room, new JsonObject().put("messages", accepted.getOrDefault(room, 0L)));
                }
            });
        }
        request.reply(new JsonObject().put("rooms", out));
    }

    /** The member's hello, or the room's refusal (which closes it: it never joined, so it does not leave either). */
    private RoomMessage.Reply join(Room room, RoomMessage.Join join) {
        Room.Outcome refused = room.refusesJoin(join.user(), join.address());
        if (refused != null) {
            return answer(refused);
        }
        room.joined(join.user(), join.address());
        members.incrementAndGet();
        return new RoomMessage.Hello(room.hello(join.lastSeq()));
    }

    private RoomMessage.Answer answer(Room.Outcome outcome) {
        if (outcome.error() != null) {
            meters.counter("live.room.rejected", "reason", outcome.error().code()).increment();
        }
        return outcome.error() == null && outcome.close() == null ? RoomMessage.Answer.OK : new RoomMessage.Answer(outcome.error(), outcome.close());
    }

    /**
     * The room, loaded from the map on first use. Requests meanwhile wait for the same load; a
     * failed load is forgotten, so the next request tries again (a map read that failed during a
     * member's migration would otherwise fail the room until this service restarts).
     */
    private Future<Room> room(String id) {
        Future<Room> known = rooms.get(id);
        if (known != null) {
            return known;
        }
        Future<Room> loading = saved.get(id).map(state -> {
            Room room = new Room(id, rules, nanos, millis);
            if (state != null) {
                room.restore(state);
                LOG.log(System.Logger.Level.INFO, "room {0}: restored at seq {1}", id, room.seq());
            }
            return room;
        });
        rooms.put(id, loading);
        loading.onFailure(e -> {
            LOG.log(System.Logger.Level.WARNING, "room {0}: not loaded, will try again on the next request: {1}", id, e.getMessage());
            rooms.remove(id, loading);
        });
        return loading;
    }

    /** Saves the room's state for {@link RoomRules#stateTtl()}: each save renews it. */
    private Future<Void> save(Room room) {
        return saved.put(room.id(), room.toJson(), rules.stateTtl().toMillis());
    }

    /** Quiet room: out at once. Busy room: collected, and out when its 100 ms window closes. */
    private void queue(String roomId, JsonObject event) {
        List<JsonObject> batch = pending.get(roomId);
        if (batch != null) {
            batch.add(event);
            return;
        }
        long now = nanos.getAsLong();
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
        lastFlushNanos.put(roomId, nanos.getAsLong());
        meters.counter("live.room.messages.out").increment(events.size());
        vertx.eventBus().publish(Addresses.roomOut(roomId), new RoomMessage.Batch(events));
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
                save(room);
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
        Future<Void> save = room.pristine() ? Future.succeededFuture() : save(room);
        save.onComplete(ar -> {
            evicting.remove(id);
            Future<Room> current = rooms.get(id);
            if (ar.succeeded() && current != null && current.result() == room && idle(room)) {
                rooms.remove(id);
                lastFlushNanos.remove(id);
                accepted.remove(id);
                LOG.log(System.Logger.Level.DEBUG, "room {0}: out of memory after {1} empty", id, evictIdleRoomsAfter);
            } else if (ar.failed()) {
                LOG.log(System.Logger.Level.WARNING, "room {0}: not saved, kept in memory: {1}", id, ar.cause().getMessage());
            }
        });
    }
}
