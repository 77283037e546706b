package io.livestream.common.registry;

import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The relays of the platform and their load, as leases each relay renews:
 * {@code {id, url, viewers: {stream: n}, egressBps}}.
 */
public final class RelayRegistry {
    private final LeaseMap map;

    private RelayRegistry(LeaseMap map) {
        this.map = map;
    }

    public static Future<RelayRegistry> open(Vertx vertx) {
        return LeaseMap.open(vertx, Addresses.RELAY_REGISTRY).map(RelayRegistry::new);
    }

    public Future<Void> renew(String relayId, JsonObject load, Duration lease) {
        return map.renew(relayId, load.copy().put("id", relayId), lease);
    }

    public Future<Void> remove(String relayId) {
        return map.remove(relayId).mapEmpty();
    }

    public Future<Map<String, JsonObject>> relays() {
        return map.entries();
    }

    /** Viewers per stream, summed over every live relay. */
    public Future<Map<String, Integer>> viewersByStream() {
        return map.entries().map(relays -> {
            Map<String, Integer> sum = new HashMap<>();
            relays.values().forEach(relay -> relay.getJsonObject("viewers", new JsonObject())
                    .forEach(e -> sum.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum)));
            return sum;
        });
    }
}
