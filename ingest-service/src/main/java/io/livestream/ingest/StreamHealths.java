package io.livestream.ingest;

import io.livestream.common.bus.Addresses;
import io.livestream.common.registry.RelayRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The {@link StreamHealth} of every stream this ingest node publishes, and of those that ended
 * here within {@code keepAfterEnd} (so a studio sees "encoder stopped", not "no such stream").
 * Each answers {@code ingest.health.<stream>}. Once a second every live stream is sampled, with
 * its viewers from the relays' registry and its room's message count from the interaction
 * service, both asked on the event bus or the cluster map, so one process and a cluster work the
 * same. A stream that goes online on another node is forgotten here. Confined to the ingest event loop.
 */
public final class StreamHealths {
    private static final System.Logger LOG = System.getLogger(StreamHealths.class.getName());
    /** Streams that ended here kept at most (the oldest go first); live ones are bounded by the publishers' limit. */
    static final int MAX_ENDED = 100;

    private final Vertx vertx;
    private final RelayRegistry relays;
    private final LongSupplier clock;
    private final long keepAfterEndMs;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final long timer;
    private final MessageConsumer<Object> onlineElsewhere;

    private record Entry(StreamHealth health, MessageConsumer<Object> responder) {
    }

    /** Samples once a second on the wall clock. */
    public StreamHealths(Vertx vertx, RelayRegistry relays, long keepAfterEndMs) {
        this(vertx, relays, System::currentTimeMillis, keepAfterEndMs, 1000);
    }

    /** {@code clock} in milliseconds; {@code sampleEveryMs}: how often {@link #tick()} runs by itself (tests drive it by hand). */
    StreamHealths(Vertx vertx, RelayRegistry relays, LongSupplier clock, long keepAfterEndMs, long sampleEveryMs) {
        this.vertx = vertx;
        this.relays = relays;
        this.clock = clock;
        this.keepAfterEndMs = keepAfterEndMs;
        this.timer = vertx.setPeriodic(sampleEveryMs, id -> tick());
        this.onlineElsewhere = vertx.eventBus().consumer(Addresses.STREAM_EVENTS, m -> {
            if (m.body() instanceof JsonObject event && event.getBoolean("online", false)) {
                forgetEnded(event.getString("stream", ""));
            }
        });
    }

    /** A session of {@code stream} begins here: its health, created or continued. */
    public StreamHealth started(String stream) {
        Entry entry = entries.get(stream);
        if (entry == null) {
            StreamHealth health = new StreamHealth(stream, clock);
            MessageConsumer<Object> responder = vertx.eventBus().consumer(Addresses.health(stream), m -> m.reply(health.toJson()));
            entry = new Entry(health, responder);
            entries.put(stream, entry);
        }
        entry.health().started();
        return entry.health();
    }

    public void ended(String stream) {
        Entry entry = entries.get(stream);
        if (entry != null) {
            entry.health().ended();
        }
    }

    public StreamHealth get(String stream) {
        Entry entry = entries.get(stream);
        return entry == null ? null : entry.health();
    }

    public void close() {
        vertx.cancelTimer(timer);
        onlineElsewhere.unregister();
        entries.values().forEach(e -> e.responder().unregister());
        entries.clear();
    }

    /** Another node's publisher has the stream now: what ended here is stale (its responder would answer in its place). */
    private void forgetEnded(String stream) {
        Entry entry = entries.get(stream);
        if (entry != null && !entry.health().live()) {
            remove(stream);
        }
    }

    private void remove(String stream) {
        Entry entry = entries.remove(stream);
        if (entry != null) {
            entry.responder().unregister();
        }
    }

    /**
     * Samples every live stream, asks for the next viewer and message figures, drops what ended long
     * ago. Completes when the figures are in (or known to be unavailable).
     */
    Future<Void> tick() {
        long now = clock.getAsLong();
        List<String> ended = entries.values().stream().map(Entry::health).filter(h -> !h.live()).map(StreamHealth::stream).toList();
        for (int i = 0; i < ended.size(); i++) {
            StreamHealth health = entries.get(ended.get(i)).health();
            if (now - health.stoppedAt() >= keepAfterEndMs || ended.size() - i > MAX_ENDED) {
                remove(health.stream());
            }
        }
        List<StreamHealth> live = entries.values().stream().map(Entry::health).filter(StreamHealth::live).toList();
        if (live.isEmpty()) {
            return Future.succeededFuture();
        }
        live.forEach(StreamHealth::sample);
        return askFigures(live);
    }

    /** The figures arrive within the second and go into the next sample; an unanswered ask leaves them unknown. */
    private Future<Void> askFigures(List<StreamHealth> live) {
        Future<?> viewers = relays.viewersByStream().onComplete(ar -> live.forEach(h ->
                h.viewers(ar.succeeded() ? ar.result().getOrDefault(h.stream(), 0) : null)));
        JsonArray rooms = new JsonArray(live.stream().map(StreamHealth::stream).toList());
        Future<?> messages = vertx.eventBus().<JsonObject>request(Addresses.ROOM_STATS, new JsonObject().put("rooms", rooms),
                        new DeliveryOptions().setSendTimeout(900))
                .onSuccess(reply -> {
                    JsonObject counts = reply.body().getJsonObject("rooms", new JsonObject());
                    live.forEach(h -> h.roomMessages(counts.getJsonObject(h.stream(), new JsonObject()).getLong("messages", 0L)));
                })
                .onFailure(e -> LOG.log(System.Logger.Level.DEBUG, "room figures unavailable: {0}", e.getMessage()));
        return Future.join(viewers, messages).<Void>mapEmpty().otherwiseEmpty();
    }

    /** For tests: the streams whose health is kept. */
    Map<String, StreamHealth> all() {
        Map<String, StreamHealth> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, v.health()));
        return out;
    }
}
