package io.livestream.common.registry;

import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The live streams of the whole platform, as leases renewed by the ingest node that owns each. */
public final class StreamRegistry {
    private final LeaseMap map;

    private StreamRegistry(LeaseMap map) {
        this.map = map;
    }

    public static Future<StreamRegistry> open(Vertx vertx) {
        return LeaseMap.open(vertx, Addresses.STREAM_REGISTRY).map(StreamRegistry::new);
    }

    public Future<Void> renew(StreamInfo info, Duration lease) {
        return map.renew(info.name(), info.toJson(), lease);
    }

    /**
     * Renews the entry only while it is still the given publishing session's (same epoch): for a
     * session that may have lost its stream to another node's publisher, whose entry must stay.
     */
    public Future<Void> renewIfStill(StreamInfo info, Duration lease) {
        return map.get(info.name()).compose(json -> isSession(json, info.epoch())
                ? map.renew(info.name(), info.toJson(), lease)
                : Future.succeededFuture());
    }

    public Future<Optional<StreamInfo>> get(String name) {
        return map.get(name).map(json -> Optional.ofNullable(json).map(StreamInfo::fromJson));
    }

    public Future<List<StreamInfo>> list() {
        return map.entries().map(entries -> entries.values().stream()
                .map(StreamInfo::fromJson)
                .sorted(Comparator.comparing(StreamInfo::name))
                .toList());
    }

    /** Removes the stream if the registered entry is still the given publishing session's. */
    public Future<Void> remove(String name, long epoch) {
        return map.get(name).compose(json -> isSession(json, epoch)
                ? map.removeIfPresent(name, json).mapEmpty()
                : Future.succeededFuture());
    }

    /** Whether a registered entry is publishing session {@code epoch}'s. */
    private static boolean isSession(JsonObject json, long epoch) {
        return json != null && json.getLong("epoch", -1L) == epoch;
    }
}
