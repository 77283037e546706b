package io.livestream.ingest;

import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One publisher per stream name across the cluster: a publishing session claims its name in a
 * cluster map ({@code live.claims}; a local map when not clustered) before it goes live, and its
 * ingest node renews the claim while the session lasts. A claim says whether its holder has gone
 * silent; only a silent holder's claim may be taken over, which is how an encoder that reconnects
 * to another node gets its stream back. A holder that finds its claim taken has lost the stream.
 * <p>
 * Every change is a compare-and-set on the value last written ({@code replaceIfPresent}), so two
 * nodes never both believe they hold a name. Vert.x's Hazelcast map takes no time-to-live on
 * {@code replaceIfPresent}, and the entry it leaves has none (seen: it never expires), so an
 * active holder follows each successful swap with a put that restarts the lease, and a silent
 * one replaces its entry by a remove and a put-if-absent: an entry whose node died expires
 * {@code lease} after its last renewal, silent or not.
 * Confined to the ingest event loop.
 */
public final class StreamClaims {
    private final AsyncMap<String, JsonObject> map;
    private final String node;
    private final Duration lease;
    /** What this node last wrote for each name it holds: the expected value of its next swap. */
    private final Map<String, JsonObject> written = new HashMap<>();

    /** The answer to a claim. */
    public sealed interface Outcome permits Granted, Busy {
    }

    /** @param previousNode the node whose silent publisher lost the name, or null if it was free */
    public record Granted(String previousNode) implements Outcome {
    }

    /** @param holderNode the node of the publisher that holds the name and is still sending */
    public record Busy(String holderNode) implements Outcome {
    }

    private StreamClaims(AsyncMap<String, JsonObject> map, String node, Duration lease) {
        this.map = map;
        this.node = node;
        this.lease = lease;
    }

    public static Future<StreamClaims> open(Vertx vertx, String node, Duration lease) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.STREAM_CLAIMS)
                .map(map -> new StreamClaims(map, node, lease));
    }

    /**
     * Claims {@code name} for the session {@code epoch}: granted when the name is free, already
     * this session's or this node's (the caller decided a local take-over), or held by a silent
     * publisher; busy when another node's publisher holds it and is sending.
     */
    public Future<Outcome> claim(String name, long epoch) {
        JsonObject mine = value(epoch, false);
        JsonObject ours = written.get(name);
        if (ours != null) {
            return swap(name, ours, mine).compose(swapped -> swapped
                    ? Future.succeededFuture(new Granted(node))
                    : claimFromMap(name, mine));
        }
        return claimFromMap(name, mine);
    }

    private Future<Outcome> claimFromMap(String name, JsonObject mine) {
        return map.putIfAbsent(name, mine, lease.toMillis()).compose(previous -> {
            if (previous == null || previous.equals(mine)) {
                written.put(name, mine);
                return Future.succeededFuture(new Granted(null));
            }
            if (!previous.getBoolean("silent", false)) {
                return Future.succeededFuture(new Busy(previous.getString("node")));
            }
            return swap(name, previous, mine).map(swapped -> swapped
                    ? new Granted(previous.getString("node"))
                    : new Busy(previous.getString("node"))); // another claimant was faster
        });
    }

    /**
     * Renews the claim of session {@code epoch}, saying whether it has gone silent. Completes with
     * false when the claim is no longer this session's: another publisher took the name over.
     */
    public Future<Boolean> renew(String name, long epoch, boolean silent) {
        JsonObject mine = value(epoch, silent);
        JsonObject last = written.get(name);
        if (last == null || last.getLong("epoch") != epoch) {
            return Future.succeededFuture(false);
        }
        return swap(name, last, mine).compose(swapped -> {
            if (swapped) {
                return Future.succeededFuture(true);
            }
            // not what we wrote: expired (a stalled node), or taken over
            return map.putIfAbsent(name, mine, lease.toMillis()).map(previous -> {
                if (previous == null || previous.getLong("epoch", -1L) == epoch && previous.getString("node", "").equals(node)) {
                    written.put(name, mine);
                    return true;
                }
                written.remove(name, last);
                return false;
            });
        });
    }

    /** Gives the name up if session {@code epoch} still holds it. */
    public Future<Void> release(String name, long epoch) {
        JsonObject last = written.get(name);
        if (last == null || last.getLong("epoch") != epoch) {
            return Future.succeededFuture();
        }
        written.remove(name);
        return map.removeIfPresent(name, last).mapEmpty();
    }

    /**
     * Swaps {@code expected} for {@code next}. An active claim is compared and set, then put again
     * to restart its lease (see the class comment). A silent claim may be taken over at any moment,
     * so it is never put blindly: the expected value is removed and the silent one put only if the
     * name is still free, with the lease; a claimant that comes in between simply wins.
     */
    private Future<Boolean> swap(String name, JsonObject expected, JsonObject next) {
        if (next.getBoolean("silent")) {
            return map.removeIfPresent(name, expected).compose(removed -> !removed
                    ? Future.succeededFuture(false)
                    : map.putIfAbsent(name, next, lease.toMillis()).map(previous -> {
                        if (previous == null) {
                            written.put(name, next);
                            return true;
                        }
                        return false;
                    }));
        }
        return map.replaceIfPresent(name, expected, next).compose(swapped -> {
            if (!swapped) {
                return Future.succeededFuture(false);
            }
            written.put(name, next);
            return map.put(name, next, lease.toMillis()).map(true);
        });
    }

    private JsonObject value(long epoch, boolean silent) {
        return new JsonObject().put("node", node).put("epoch", epoch).put("silent", silent);
    }
}
