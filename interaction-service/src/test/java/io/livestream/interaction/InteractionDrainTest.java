package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two interaction replicas over one event bus, as two processes share a cluster's: each room has
 * one owner, the other forwards to it, and the owner's graceful stop hands its rooms on with
 * their history and sequence, under a higher epoch.
 */
@ExtendWith(VertxExtension.class)
class InteractionDrainTest {
    private static final RoomUser ANN = new RoomUser("ann", "Ann", RoomUser.Role.VIEWER, null);

    private static JsonObject said(String text) {
        return new JsonObject().put("type", "danmaku").put("text", text);
    }

    @Test
    void aDrainedReplicasRoomsGoOnAtTheOtherWithTheirSequenceAndAHigherEpoch(Vertx vertx) {
        RoomCodec.register(vertx.eventBus());
        List<RoomMessage.Batch> batches = new CopyOnWriteArrayList<>();
        vertx.eventBus().<RoomMessage.Batch>consumer(Addresses.roomOut("hall"), m -> batches.add(m.body())).completion().await();
        Map<String, String> deployed = Map.of(
                "replica-a", vertx.deployVerticle(replica("replica-a")).await(),
                "replica-b", vertx.deployVerticle(replica("replica-b")).await());

        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // round-robin over both replicas' room.in: one owns, the other forwards
            assertThat(send(vertx, "hall", said("before " + i))).isEqualTo(RoomMessage.Answer.OK);
        }
        JsonObject claim = vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).await().get("hall").await();
        String owner = claim.getString("node");
        assertThat(claim.getLong("epoch")).isEqualTo(1);

        vertx.undeploy(deployed.get(owner)).await(); // SIGTERM: drain
        assertThat(vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).await().get("hall").await())
                .as("released by the drain").isNull();
        assertThat(send(vertx, "hall", said("after"))).isEqualTo(RoomMessage.Answer.OK);
        JsonObject now = vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).await().get("hall").await();
        assertThat(now.getString("node")).isNotEqualTo(owner);
        assertThat(now.getLong("epoch")).isEqualTo(2);

        RoomMessage.Hello hello = (RoomMessage.Hello) vertx.eventBus()
                .<RoomMessage>request(Addresses.ROOM_IN, new RoomMessage.Join("hall", ANN, 0, null)).await().body();
        hello.hello().getJsonArray("history").forEach(e -> seqs.add(((JsonObject) e).getLong("seq")));
        assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(hello.hello().getJsonArray("history").getJsonObject(4).getString("text")).isEqualTo("after");
        assertThat(batches).as("every batch is stamped with its owner's epoch").allMatch(b -> b.epoch() == 1 || b.epoch() == 2);
        assertThat(batches.get(batches.size() - 1).epoch()).isEqualTo(2);
    }

    @Test
    void aRoomsStatsAreAnsweredWhicheverReplicaIsAsked(Vertx vertx) {
        RoomCodec.register(vertx.eventBus());
        vertx.deployVerticle(replica("replica-a")).await();
        vertx.deployVerticle(replica("replica-b")).await();
        for (int i = 0; i < 3; i++) {
            assertThat(send(vertx, "counted", said("m" + i))).isEqualTo(RoomMessage.Answer.OK);
        }
        for (int ask = 0; ask < 4; ask++) { // round-robin over both replicas' room.stats
            JsonObject stats = vertx.eventBus().<JsonObject>request(Addresses.ROOM_STATS,
                    new JsonObject().put("rooms", new io.vertx.core.json.JsonArray().add("counted").add("nobody"))).await().body();
            assertThat(stats.getJsonObject("rooms")).as("answer " + ask)
                    .isEqualTo(new JsonObject().put("counted", new JsonObject().put("messages", 3L)));
        }
    }

    private static InteractionVerticle replica(String node) {
        return new InteractionVerticle(RoomRules.defaults(), new SimpleMeterRegistry(), InteractionVerticle.EVICT_IDLE_ROOMS_AFTER,
                v -> v.sharedData().getAsyncMap(Addresses.ROOM_STATE), System::nanoTime, System::currentTimeMillis, node);
    }

    private static RoomMessage send(Vertx vertx, String room, JsonObject message) {
        RoomUser user = new RoomUser("u-" + message.getString("text").replace(' ', '-'), "U", RoomUser.Role.VIEWER, null);
        return vertx.eventBus().<RoomMessage>request(Addresses.ROOM_IN, new RoomMessage.Send(room, user, message)).await().body();
    }
}
