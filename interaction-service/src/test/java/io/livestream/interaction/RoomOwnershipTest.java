package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Room ownership as replicas come and go: two replicas over one Vert.x's shared maps, as two
 * interaction processes share the cluster's. A replica that dies is one whose claim lapses: the
 * test removes its claim, as the lease's end would, so nothing waits for the lease.
 */
@ExtendWith(VertxExtension.class)
class RoomOwnershipTest {
    private static final RoomUser ANN = new RoomUser("ann", "Ann", RoomUser.Role.VIEWER, null);
    private static final Duration LEASE = Duration.ofMinutes(1); // never runs out by itself here

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private Vertx vertx;
    private Context ctx;
    private RoomOwnership a;
    private RoomOwnership b;
    private final List<String> published = new ArrayList<>();
    /** Cluster members that have left, as the cluster manager would say. */
    private final java.util.Set<String> left = new java.util.HashSet<>();

    @BeforeEach
    void replicas(Vertx vertx) {
        this.vertx = vertx;
        this.ctx = vertx.getOrCreateContext();
        a = replica("replica-a");
        b = replica("replica-b");
    }

    private RoomOwnership replica(String node) {
        return on(() -> RoomClaims.open(vertx, node, "member-" + node, left::contains, LEASE).compose(claims -> state().map(map ->
                new RoomOwnership(vertx, claims, map, RoomRules.defaults(), nanos::get, millis::get))));
    }

    private Future<AsyncMap<String, JsonObject>> state() {
        return vertx.sharedData().getAsyncMap(Addresses.ROOM_STATE);
    }

    private OwnedRoom take(RoomOwnership replica, String room) {
        return on(() -> replica.take(room, m -> m.fail(500, "not under test"), (id, e) -> published.add(replica.node() + ":" + e.getString("text"))))
                .room();
    }

    private long say(OwnedRoom owner, String text) {
        Room.Outcome outcome = owner.room().receive(ANN, new JsonObject().put("type", "danmaku").put("text", text));
        assertThat(outcome.error()).isNull();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // past the rate limit for the next one
        on(() -> owner.commit(outcome.broadcast()));
        return outcome.broadcast().get(0).getLong("seq");
    }

    /** What the end of a dead replica's lease does: its claim is gone from the map. */
    private void leaseLapses(String room) {
        on(() -> vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).compose(m -> m.remove(room)));
    }

    private JsonObject claimOf(String room) {
        return on(() -> vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).compose(m -> m.get(room)));
    }

    @Test
    void aRoomHasOneOwnerAndTheOtherReplicaIsToldWhich() {
        OwnedRoom owner = take(a, "one");
        assertThat(owner.epoch()).isEqualTo(1);
        assertThat(claimOf("one")).isEqualTo(new JsonObject().put("node", "replica-a").put("epoch", 1).put("member", "member-replica-a"));
        assertThatThrownBy(() -> take(b, "one")).isInstanceOf(RoomOwnership.Busy.class).hasMessageContaining("replica-a");
        assertThat(take(b, "two").epoch()).as("another room, another owner").isEqualTo(1);
        assertThat(claimOf("two").getString("node")).isEqualTo("replica-b");
    }

    @Test
    void aRoomGivenUpMovesWithAHigherEpochItsHistoryAndItsSequence() {
        OwnedRoom first = take(a, "drained");
        say(first, "one");
        long last = say(first, "two");
        on(() -> a.giveUp(first));
        assertThat(claimOf("drained")).as("released at once").isNull();

        OwnedRoom second = take(b, "drained");
        assertThat(second.epoch()).isEqualTo(2);
        assertThat(second.room().seq()).isEqualTo(last);
        assertThat(second.room().history().stream().map(e -> e.getString("text"))).containsExactly("one", "two");
        assertThat(say(second, "three")).as("no number used twice").isEqualTo(last + 1);
        assertThat(published).containsExactly("replica-a:one", "replica-a:two", "replica-b:three");
    }

    @Test
    void aStaleOwnerIsRefusedItsSavesAndItsBroadcastsAndLearnsItLostTheRoom() {
        OwnedRoom stale = take(a, "split");
        say(stale, "before");
        leaseLapses("split"); // replica-a stalls past its lease
        OwnedRoom fresh = take(b, "split");
        assertThat(fresh.epoch()).isEqualTo(2);
        assertThat(fresh.room().seq()).isEqualTo(1);

        Room.Outcome late = stale.room().receive(ANN, new JsonObject().put("type", "danmaku").put("text", "too late"));
        assertThatThrownBy(() -> on(() -> stale.commit(late.broadcast()))).isInstanceOf(OwnedRoom.Lost.class);
        assertThat(stale.lost()).isTrue();
        assertThat(on(() -> a.renew("split"))).as("its claim is another's").isFalse();
        assertThat(published).as("nothing of the stale owner's went out").containsExactly("replica-a:before");

        assertThat(say(fresh, "after")).isEqualTo(2);
        JsonObject saved = on(() -> state().compose(m -> m.get("split")));
        assertThat(saved.getLong("epoch")).isEqualTo(2);
        assertThat(saved.getString("owner")).isEqualTo("replica-b");
    }

    @Test
    void theRoomsOfAReplicaThatLeftTheClusterMoveWithoutWaitingForTheLease() {
        OwnedRoom dead = take(a, "crashed");
        say(dead, "last words");
        assertThatThrownBy(() -> take(b, "crashed")).as("its replica is still a member").isInstanceOf(RoomOwnership.Busy.class);
        left.add("member-replica-a"); // the cluster dropped it: killed, or cut off
        OwnedRoom next = take(b, "crashed");
        assertThat(next.epoch()).isEqualTo(2);
        assertThat(next.room().history().stream().map(e -> e.getString("text"))).containsExactly("last words");
        Room.Outcome late = dead.room().receive(ANN, new JsonObject().put("type", "danmaku").put("text", "from beyond"));
        assertThatThrownBy(() -> on(() -> dead.commit(late.broadcast()))).as("if it was only cut off").isInstanceOf(OwnedRoom.Lost.class);
    }

    @Test
    void epochsGrowWithEveryChangeOfOwnerBackAndForth() {
        List<Long> epochs = new ArrayList<>();
        RoomOwnership[] replicas = {a, b, a, b};
        long seq = 0;
        for (RoomOwnership replica : replicas) {
            OwnedRoom owner = take(replica, "moving");
            epochs.add(owner.epoch());
            assertThat(owner.room().seq()).isEqualTo(seq);
            seq = say(owner, "from " + replica.node() + " " + epochs.size());
            leaseLapses("moving"); // that replica dies
        }
        assertThat(epochs).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seq).isEqualTo(4);
    }

    @Test
    void aHelloShowsTheRoomAsSavedNotWhatASuccessorCouldNumberAgain() {
        OwnedRoom owner = take(a, "hello");
        say(owner, "saved");
        Room.Outcome unsaved = owner.room().receive(ANN, new JsonObject().put("type", "danmaku").put("text", "not yet"));
        assertThat(owner.room().seq()).isEqualTo(2);
        JsonObject hello = owner.room().hello(0, owner.savedSeq());
        assertThat(hello.getLong("seq")).isEqualTo(1);
        assertThat(hello.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("text"))).containsExactly("saved");
        on(() -> owner.commit(unsaved.broadcast()));
        assertThat(owner.savedSeq()).isEqualTo(2);
    }

    @Test
    void aRenewingOwnerKeepsItsRoom() {
        take(a, "kept");
        assertThat(on(() -> a.renew("kept"))).isTrue();
        assertThat(on(() -> a.renew("kept"))).isTrue();
        assertThatThrownBy(() -> take(b, "kept")).isInstanceOf(RoomOwnership.Busy.class);
        assertThat(on(() -> b.renew("kept"))).as("never held by b").isFalse();
    }

    /** Runs {@code op} on the test's context (ownership is confined to one event loop) and waits for its result. */
    private <T> T on(Supplier<Future<T>> op) {
        Promise<T> result = Promise.promise();
        ctx.runOnContext(v -> op.get().onComplete(result));
        try {
            return result.future().await(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 10 s", e);
        }
    }
}
