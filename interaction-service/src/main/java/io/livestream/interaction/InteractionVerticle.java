package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The interaction service: the authority for every room. Gateways send it what their members
 * say on {@code room.in}; it answers each sender, and publishes what the room sees on
 * {@code room.<id>.out} in batches: at once when the room is quiet, at most every 100 ms when
 * it is busy ({@link RoomBatches}). Likes and viewers go out as one stats event per tick (500 ms).
 * A room nobody has been in for {@link #EVICT_IDLE_ROOMS_AFTER} leaves memory (saved first unless
 * it holds nothing; its state then expires {@link RoomRules#stateTtl()} later), and comes back from
 * the map when someone joins: any name under {@code /ws/room/} makes a room, and memory must not
 * grow with every name a client tries. A room whose load failed is loaded again on the next request.
 * <p>
 * Several replicas share the rooms, each room owned by one at a time ({@link RoomOwnership}): a
 * request for a room nobody owns, on {@code room.in}, makes the replica that got it the owner; a
 * request for another replica's room is forwarded to {@code room.in.<id>}, where its owner
 * serves it. What a member says is answered, and broadcast, only once saved ({@link OwnedRoom}),
 * so a replica's loss loses nothing acknowledged; the new owner sends the room's history again,
 * and gateways pass each member only what it has not had. A graceful stop drains: every room is
 * saved and its claim released, so other replicas take the rooms at once.
 */
public final class InteractionVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(InteractionVerticle.class.getName());
    private static final long TICK_MS = 500;
    /** How often rooms drop the per-user state of users gone quiet (rate buckets, recent texts, violations). */
    private static final long FORGET_MS = 10_000;
    static final Duration EVICT_IDLE_ROOMS_AFTER = Duration.ofMinutes(1);
    /** A room's claim lasts this long after its owner's last renewal: how soon a lost replica's rooms move. */
    static final Duration OWNER_LEASE = Duration.ofSeconds(3);
    private static final long RENEW_MS = 1000;
    /** Set on a request passed on to the room's owner, which must not pass it on again. */
    private static final String FORWARDED = "forwarded";
    /** As long as a gateway waits for a room's answer: past that nobody listens for it. */
    private static final long FORWARD_TIMEOUT_MS = 3_000;
    private static final int FORWARD_ATTEMPTS = 10;
    private static final long FORWARD_RETRY_MS = 100;

    private final RoomRules rules;
    private final MeterRegistry meters;
    private final String node;
    private final Map<String, Future<OwnedRoom>> rooms = new HashMap<>();
    /** Rooms being given up (eviction): a request for one waits for that, then takes it again. */
    private final Map<String, Future<Void>> leaving = new HashMap<>();
    /** Messages each room in memory has accepted: what the studio's message rate is read from ({@code room.stats}). */
    private final Map<String, Long> accepted = new HashMap<>();
    /** Read by the metrics scrape, which may run on another thread. */
    private final AtomicInteger members = new AtomicInteger();
    private final AtomicInteger owned = new AtomicInteger();
    private final Duration evictIdleRoomsAfter;
    private final Function<Vertx, Future<AsyncMap<String, JsonObject>>> openState;
    /** The rooms' clocks: monotonic nanoseconds (rate limits, batch windows, idle time) and epoch milliseconds. */
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private RoomOwnership ownership;
    private RoomBatches batches;
    private MessageConsumer<RoomMessage.Request> entry;

    public InteractionVerticle(RoomRules rules, MeterRegistry meters) {
        this(rules, meters, "interaction-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** {@code node}: this replica's name, as room claims and {@code /api/rooms} show it. */
    public InteractionVerticle(RoomRules rules, MeterRegistry meters, String node) {
        this(rules, meters, EVICT_IDLE_ROOMS_AFTER, v -> v.sharedData().getAsyncMap(Addresses.ROOM_STATE),
                System::nanoTime, System::currentTimeMillis, node);
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
        this(rules, meters, evictIdleRoomsAfter, openState, nanos, millis, "interaction-" + UUID.randomUUID().toString().substring(0, 8));
    }

    InteractionVerticle(RoomRules rules, MeterRegistry meters, Duration evictIdleRoomsAfter,
                        Function<Vertx, Future<AsyncMap<String, JsonObject>>> openState, LongSupplier nanos, LongSupplier millis, String node) {
        this.rules = rules;
        this.meters = meters;
        this.evictIdleRoomsAfter = evictIdleRoomsAfter;
        this.openState = openState;
        this.nanos = nanos;
        this.millis = millis;
        this.node = node;
    }

    @Override
    public Future<?> start() {
        Gauge.builder("live.rooms", rooms, Map::size).description("Rooms with state on this node").register(meters);
        Gauge.builder("live.rooms.owned", owned, AtomicInteger::get).description("Rooms this replica owns").register(meters);
        Gauge.builder("live.room.members", members, AtomicInteger::get).description("Members in every room").register(meters);
        RoomCodec.register(vertx.eventBus());
        return openState.apply(vertx).compose(map -> RoomClaims.open(vertx, node, OWNER_LEASE).map(claims -> {
            ownership = new RoomOwnership(vertx, claims, map, rules, nanos, millis);
            batches = new RoomBatches(vertx, meters, nanos, id -> {
                Future<OwnedRoom> room = rooms.get(id);
                return room == null || room.result() == null ? -1 : room.result().epoch();
            });
            return claims;
        })).compose(claims -> {
            vertx.setPeriodic(TICK_MS, id -> tick());
            vertx.setPeriodic(RENEW_MS, id -> renew());
            vertx.setPeriodic(FORGET_MS, id -> each(r -> r.room().forgetIdleUsers()));
            vertx.eventBus().<JsonObject>consumer(Addresses.STREAM_EVENTS, m -> {
                String stream = m.body().getString("stream");
                // only rooms that exist hear of it: a notice must not create a room
                Future<OwnedRoom> room = stream == null ? null : rooms.get(stream);
                if (room != null) {
                    room.onSuccess(r -> r.commit(List.of(r.room().streamNotice(m.body().getBoolean("online", false)))));
                }
            });
            vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_STATS, this::onStats);
            entry = vertx.eventBus().consumer(Addresses.ROOM_IN, this::onRequest);
            return entry.completion();
        });
    }

    /**
     * A graceful stop drains: no more requests from {@code room.in}, then every room saved and its
     * claim released, so that other replicas take the rooms at once and nothing is lost.
     */
    @Override
    public Future<?> stop() {
        List<Future<Void>> given = new ArrayList<>();
        Future<Void> closed = entry == null ? Future.succeededFuture() : entry.unregister();
        return closed.eventually(() -> {
            each(r -> given.add(ownership.giveUp(r)));
            return Future.join(given);
        });
    }

    private void each(Consumer<OwnedRoom> action) {
        List.copyOf(rooms.values()).forEach(f -> {
            if (f.result() != null) {
                action.accept(f.result());
            }
        });
    }

    private void onRequest(Message<RoomMessage.Request> request) {
        RoomMessage.Request body = request.body();
        if (body.room() == null) {
            request.fail(400, "no room");
            return;
        }
        room(body.room()).onSuccess(r -> handle(r, request)).onFailure(e -> {
            if (e instanceof RoomOwnership.Busy && request.headers().get(FORWARDED) == null) {
                forward(request, 1);
            } else {
                request.fail(503, e.getMessage());
            }
        });
    }

    /**
     * Passes a request for another replica's room on to it, and its answer back. An owner that has
     * just taken the room may not be known on this node's bus yet (its address takes a moment to
     * reach every node): asked again a little later, a few times.
     */
    private void forward(Message<RoomMessage.Request> request, int attempt) {
        vertx.eventBus().<RoomMessage>request(Addresses.roomIn(request.body().room()), request.body(),
                        new DeliveryOptions().addHeader(FORWARDED, node).setSendTimeout(FORWARD_TIMEOUT_MS))
                .onSuccess(reply -> request.reply(reply.body()))
                .onFailure(e -> {
                    if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS && attempt < FORWARD_ATTEMPTS) {
                        vertx.setTimer(FORWARD_RETRY_MS, t -> forward(request, attempt + 1));
                    } else {
                        request.fail(503, "room " + request.body().room() + ": its owner did not answer: " + e.getMessage());
                    }
                });
    }

    private void handle(OwnedRoom owner, Message<RoomMessage.Request> request) {
        Room room = owner.room();
        RoomMessage.Request body = request.body();
        if (body instanceof RoomMessage.Join join) {
            request.reply(join(owner, join));
        } else if (body instanceof RoomMessage.Leave leave) {
            room.left(leave.user());
            request.reply(RoomMessage.Answer.OK);
        } else if (body instanceof RoomMessage.Send send) {
            meters.counter("live.room.messages.in").increment();
            Room.Outcome outcome = room.receive(send.user(), send.message());
            if (outcome.error() != null) {
                request.reply(answer(outcome));
                return;
            }
            // answered once saved: nothing acknowledged is lost with this replica
            owner.commit(outcome.broadcast()).onComplete(ar -> {
                if (ar.succeeded()) {
                    accepted.merge(room.id(), 1L, Long::sum);
                    meters.counter("live.room.messages.accepted").increment();
                    request.reply(answer(outcome));
                } else {
                    request.fail(503, ar.cause().getMessage());
                    lost(room.id(), owner);
                }
            });
        }
    }

    /**
     * {@code {rooms: [id...]}}: each room's accepted messages, from this replica for its own rooms
     * and from the owner (on {@code room.in.<id>}) for the others; rooms nobody has in memory are
     * left out, and asking creates no room.
     */
    private void onStats(Message<JsonObject> request) {
        JsonArray ids = request.body() == null ? null : request.body().getJsonArray("rooms");
        List<String> names = ids == null ? List.of() : ids.stream().filter(String.class::isInstance).map(String.class::cast).distinct().toList();
        List<Future<JsonObject>> answers = names.stream().map(this::statsOf).toList();
        Future.join(answers).onComplete(all -> {
            JsonObject out = new JsonObject();
            for (int i = 0; i < names.size(); i++) {
                JsonObject one = answers.get(i).succeeded() ? answers.get(i).result() : null;
                if (one != null) {
                    out.put(names.get(i), one);
                }
            }
            request.reply(new JsonObject().put("rooms", out));
        });
    }

    private Future<JsonObject> statsOf(String room) {
        if (rooms.containsKey(room)) {
            return Future.succeededFuture(new JsonObject().put("messages", accepted.getOrDefault(room, 0L)));
        }
        return vertx.eventBus().<JsonObject>request(Addresses.roomIn(room), new JsonObject().put("stats", true),
                new DeliveryOptions().setSendTimeout(1000)).map(Message::body);
    }

    /** What comes to a room this replica owns: its members' requests, or a question for its stats. */
    @SuppressWarnings("unchecked")
    private void onOwned(Message<Object> message) {
        if (message.body() instanceof JsonObject) {
            String room = message.address().substring(Addresses.roomIn("").length());
            message.reply(new JsonObject().put("messages", accepted.getOrDefault(room, 0L)));
        } else {
            onRequest((Message<RoomMessage.Request>) (Message<?>) message);
        }
    }

    /** The member's hello, or the room's refusal (which closes it: it never joined, so it does not leave either). */
    private RoomMessage.Reply join(OwnedRoom owner, RoomMessage.Join join) {
        Room room = owner.room();
        Room.Outcome refused = room.refusesJoin(join.user(), join.address());
        if (refused != null) {
            return answer(refused);
        }
        room.joined(join.user(), join.address());
        members.incrementAndGet();
        // as saved: an event not yet saved could still be lost with this replica, and its number given again
        return new RoomMessage.Hello(room.hello(join.lastSeq(), owner.savedSeq()));
    }

    private RoomMessage.Answer answer(Room.Outcome outcome) {
        if (outcome.error() != null) {
            meters.counter("live.room.rejected", "reason", outcome.error().code()).increment();
        }
        return outcome.error() == null && outcome.close() == null ? RoomMessage.Answer.OK : new RoomMessage.Answer(outcome.error(), outcome.close());
    }

    /**
     * The room, taken on first use (see {@link RoomOwnership#take}); requests meanwhile wait for the
     * same take. One that failed is forgotten, so the next request tries again (a map read that
     * failed during a member's migration would otherwise fail the room until this service restarts).
     */
    private Future<OwnedRoom> room(String id) {
        Future<OwnedRoom> known = rooms.get(id);
        if (known != null) {
            return known;
        }
        Future<Void> gone = leaving.getOrDefault(id, Future.succeededFuture());
        Future<OwnedRoom> taking = gone.transform(v -> ownership.take(id, this::onOwned, batches::queue)).map(taken -> {
            owned.incrementAndGet();
            if (taken.moved()) {
                meters.counter("live.room.moves").increment();
            }
            return taken.room();
        });
        rooms.put(id, taking);
        // what the last owner saved may not all have gone out: members get again only what they lack
        taking.onSuccess(owner -> owner.room().history().forEach(e -> batches.queue(id, e)));
        taking.onFailure(e -> {
            if (!(e instanceof RoomOwnership.Busy)) {
                LOG.log(System.Logger.Level.WARNING, "room {0}: not loaded, will try again on the next request: {1}", id, e.getMessage());
            }
            rooms.remove(id, taking);
        });
        return taking;
    }

    /** A room another replica has taken (this one was stale): dropped unsaved, its waiting answers failed. */
    private void lost(String id, OwnedRoom room) {
        Future<OwnedRoom> current = rooms.get(id);
        if (current == null || current.result() != room) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "room {0}: lost at epoch {1}, another replica owns it now", id, room.epoch());
        forget(id);
        ownership.dropLost(id);
    }

    private void forget(String id) {
        if (rooms.remove(id) != null) {
            owned.decrementAndGet();
        }
        batches.forget(id);
        accepted.remove(id);
    }

    private void renew() {
        each(r -> ownership.renew(r.room().id()).onSuccess(held -> {
            if (!held) {
                lost(r.room().id(), r);
            }
        }));
    }

    private void tick() {
        List<OwnedRoom> idle = new ArrayList<>();
        int in = 0;
        for (Future<OwnedRoom> future : List.copyOf(rooms.values())) {
            OwnedRoom owner = future.result();
            if (owner == null) {
                continue;
            }
            in += owner.room().viewers();
            JsonObject stats = owner.room().tick();
            if (stats != null) {
                batches.queue(owner.room().id(), stats);
            }
            if (idle(owner)) {
                idle.add(owner);
            } else {
                owner.saveIfChanged();
            }
        }
        members.set(in);
        idle.forEach(this::evict);
    }

    /** Nobody in it for the eviction time, none of its events waiting to go out, nothing waiting for a save. */
    private boolean idle(OwnedRoom owner) {
        return owner.room().emptyFor(evictIdleRoomsAfter) && !batches.pending(owner.room().id()) && !owner.unsaved();
    }

    /**
     * Saves an idle room (unless it holds nothing) and lets it go: out of memory, its claim
     * released. A request for it meanwhile waits, then takes it again from the saved state.
     */
    private void evict(OwnedRoom owner) {
        String id = owner.room().id();
        forget(id);
        Future<Void> given = ownership.giveUp(owner);
        leaving.put(id, given);
        given.onComplete(ar -> {
            leaving.remove(id, given);
            if (ar.failed()) {
                LOG.log(System.Logger.Level.WARNING, "room {0}: not saved on its way out: {1}", id, ar.cause().getMessage());
            } else {
                LOG.log(System.Logger.Level.DEBUG, "room {0}: out of memory after {1} empty", id, evictIdleRoomsAfter);
            }
        });
    }
}
