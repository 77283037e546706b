package io.livestream.common.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.Map;

/**
 * A cluster-wide map whose entries are leases: each put carries a time-to-live, so an entry
 * whose owner stops renewing it (a node that died) disappears by itself. Local to the JVM
 * when Vert.x is not clustered, held by the cluster manager otherwise; the code is the same.
 */
public final class LeaseMap {
    private final AsyncMap<String, JsonObject> map;

    private LeaseMap(AsyncMap<String, JsonObject> map) {
        this.map = map;
    }

    public static Future<LeaseMap> open(Vertx vertx, String name) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(name).map(LeaseMap::new);
    }

    public Future<Void> renew(String key, JsonObject value, Duration lease) {
        return map.put(key, value, lease.toMillis());
    }

    public Future<JsonObject> get(String key) {
        return map.get(key);
    }

    public Future<Map<String, JsonObject>> entries() {
        return map.entries();
    }

    /** Removes the entry only while it still holds {@code expected} (a newer owner's entry stays). */
    public Future<Boolean> removeIfPresent(String key, JsonObject expected) {
        return map.removeIfPresent(key, expected);
    }

    public Future<JsonObject> remove(String key) {
        return map.remove(key);
    }
}
