package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rooms nobody is in leave memory after a while (any name makes a room, so memory must not grow
 * with every name a client tries) and come back from the saved state when someone joins. Runs
 * the verticle over a real event bus and its shared-data map, as the gateway talks to it.
 */
class RoomEvictionTest {
    private static final Duration IDLE = Duration.ofMillis(300);
    private static final JsonObject USER = new JsonObject().put("id", "u1").put("nick", "U1").put("role", "viewer");

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void anEmptyRoomLeavesMemoryAndComesBackWithItsHistory() throws Exception {
        vertx.deployVerticle(new InteractionVerticle(RoomRules.defaults(), meters, IDLE)).await();
        request("join", "talked");
        JsonObject said = request("send", "talked");
        assertThat(said.containsKey("error")).as("the danmaku was taken: " + said).isFalse();
        request("leave", "talked");
        request("join", "silent");
        request("leave", "silent");

        awaitRooms(0);
        assertThat(vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_STATE).await().get("silent").await())
                .as("a room that holds nothing is not saved").isNull();

        JsonObject hello = request("join", "talked").getJsonObject("hello");
        assertThat(hello.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("text")))
                .as("the history, restored").containsExactly("hello");
        assertThat(rooms()).isEqualTo(1);
    }

    @Test
    void aRoomWithSomeoneInItStays() throws Exception {
        vertx.deployVerticle(new InteractionVerticle(RoomRules.defaults(), meters, IDLE)).await();
        request("join", "busy");
        request("join", "left");
        request("leave", "left");
        awaitRooms(1);
        // a few ticks more: the occupied room is still there
        long until = System.nanoTime() + IDLE.multipliedBy(3).toNanos();
        while (System.nanoTime() < until) {
            assertThat(rooms()).isEqualTo(1);
            Thread.sleep(10);
        }
    }

    private JsonObject request(String op, String room) {
        JsonObject body = new JsonObject().put("op", op).put("room", room).put("user", USER);
        if (op.equals("send")) {
            body.put("message", new JsonObject().put("type", "danmaku").put("text", "hello"));
        }
        return vertx.eventBus().<JsonObject>request(Addresses.ROOM_IN, body).await().body();
    }

    private double rooms() {
        return meters.get("live.rooms").gauge().value();
    }

    private void awaitRooms(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rooms() != expected) {
            assertThat(System.nanoTime()).as("rooms in memory: " + rooms() + ", waiting for " + expected).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
