package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.ClusterManager;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who owns each room: a claim {@code {node, epoch, member}} in the cluster map {@code live.roomowners}
 * (a local map when not clustered), held as a lease its node renews. The pattern of ingest's
 * stream claims: every change is a compare-and-set on the value last written, and since Vert.x's
 * Hazelcast map takes no time-to-live on {@code replaceIfPresent} (the entry it leaves never
 * expires), each renewal is a swap followed by a put that restarts the lease; a node that dies
 * stops renewing and its claims expire {@code lease} after the last renewal. Unlike a stream
 * claim, a room claim is never taken from a live holder: only a free name is claimed, or one whose
 * holder's cluster member has left the cluster (then without waiting for the lease: a killed
 * replica's rooms move as soon as the cluster has noticed it is gone).
 * <p>
 * The epoch is the fencing token: the claimant asks for one above every epoch it knows of (the
 * room's saved state carries its last owner's), so each new owner's is higher than the last.
 * Confined to one event loop.
 */
final class RoomClaims {
    private final AsyncMap<String, JsonObject> map;
    private final String node;
    private final Duration lease;
    /** This replica's cluster member id (null when not clustered), and which members have left the cluster. */
    private final String member;
    private final Predicate<String> gone;
    /** What this node last wrote for each room it holds: the expected value of its next swap. */
    private final Map<String, JsonObject> written = new HashMap<>();

    /** The answer to a claim: granted with {@code epoch}, or held by {@code holder} (then epoch is the holder's). */
    record Claim(boolean granted, String holder, long epoch) {
    }

    RoomClaims(AsyncMap<String, JsonObject> map, String node, String member, Predicate<String> gone, Duration lease) {
        this.map = map;
        this.node = node;
        this.member = member;
        this.gone = gone;
        this.lease = lease;
    }

    static Future<RoomClaims> open(Vertx vertx, String node, Duration lease) {
        ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
        return open(vertx, node, cluster == null ? null : cluster.getNodeId(), id -> cluster != null && !cluster.getNodes().contains(id), lease);
    }

    /** {@code member}: this replica's cluster member id; {@code gone}: whether a member has left the cluster. */
    static Future<RoomClaims> open(Vertx vertx, String node, String member, Predicate<String> gone, Duration lease) {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).map(map -> new RoomClaims(map, node, member, gone, lease));
    }

    String node() {
        return node;
    }

    /** Claims {@code room} with an epoch above {@code after}: granted when the room is free or already this node's. */
    Future<Claim> claim(String room, long after) {
        JsonObject mine = value(after + 1);
        return map.putIfAbsent(room, mine, lease.toMillis()).compose(previous -> {
            if (previous == null) {
                written.put(room, mine);
                return Future.succeededFuture(new Claim(true, node, after + 1));
            }
            long epoch = previous.getLong("epoch", 0L);
            if (node.equals(previous.getString("node")) && !previous.equals(written.get(room))) {
                // ours from a former life of this node (same name, restarted): take it with a higher epoch
                return claimOver(room, previous, Math.max(after, epoch));
            }
            if (previous.equals(written.get(room))) {
                return Future.succeededFuture(new Claim(true, node, epoch));
            }
            String holder = previous.getString("member");
            if (holder != null && gone.test(holder)) { // its replica left the cluster: no need to wait for the lease
                return claimOver(room, previous, Math.max(after, epoch));
            }
            return Future.succeededFuture(new Claim(false, previous.getString("node"), epoch));
        });
    }

    private Future<Claim> claimOver(String room, JsonObject previous, long after) {
        JsonObject mine = value(after + 1);
        return swap(room, previous, mine).map(swapped -> swapped ? new Claim(true, node, after + 1) : new Claim(false, null, after));
    }

    /** Restarts the lease of a claim this node holds; false when it holds it no more (expired and taken, or released). */
    Future<Boolean> renew(String room) {
        JsonObject last = written.get(room);
        if (last == null) {
            return Future.succeededFuture(false);
        }
        return swap(room, last, last).compose(swapped -> swapped ? Future.succeededFuture(true)
                // not what we wrote: expired (a stalled node), maybe taken; take it back only if nobody has
                : map.putIfAbsent(room, last, lease.toMillis()).map(previous -> {
                    if (previous == null || previous.equals(last)) {
                        return true;
                    }
                    written.remove(room, last);
                    return false;
                }));
    }

    /** Gives the room up if this node still holds it. */
    Future<Void> release(String room) {
        JsonObject last = written.remove(room);
        return last == null ? Future.succeededFuture() : map.removeIfPresent(room, last).mapEmpty();
    }

    /** Forgets a claim without touching the map (it was lost, or is left to expire). */
    void forget(String room) {
        written.remove(room);
    }

    private JsonObject value(long epoch) {
        JsonObject value = new JsonObject().put("node", node).put("epoch", epoch);
        return member == null ? value : value.put("member", member);
    }

    private Future<Boolean> swap(String room, JsonObject expected, JsonObject next) {
        return map.replaceIfPresent(room, expected, next).compose(swapped -> {
            if (!swapped) {
                return Future.succeededFuture(false);
            }
            written.put(room, next);
            return map.put(room, next, lease.toMillis()).map(true);
        });
    }
}
