package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rooms nobody is in leave memory after a while (any name makes a room, so memory must not grow
 * with every name a client tries) and come back from the saved state when someone joins; a load
 * of that state that failed is tried again, and what an idle room left in the map expires. Runs
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
        assertThat(map().get("silent").await())
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

    @Test
    void aRoomWhoseLoadFailedIsLoadedAgainOnTheNextJoin() {
        map().put("again", new JsonObject().put("seq", 7).put("history", new JsonArray()
                .add(new JsonObject().put("type", "danmaku").put("seq", 7).put("text", "before")))).await();
        AtomicInteger failures = new AtomicInteger(1);
        vertx.deployVerticle(new InteractionVerticle(RoomRules.defaults(), meters, IDLE,
                v -> v.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_STATE).map(real -> failingGets(real, failures)))).await();

        assertThatThrownBy(() -> request("join", "again")).as("the map could not be read")
                .isInstanceOf(ReplyException.class).hasMessageContaining("unreachable");
        JsonObject hello = request("join", "again").getJsonObject("hello");
        assertThat(hello.getLong("seq")).as("loaded on the second join").isEqualTo(7);
        assertThat(hello.getJsonArray("history").getJsonObject(0).getString("text")).isEqualTo("before");
    }

    @Test
    void anIdleRoomsSavedStateExpiresAndEachSaveRenewsIt() throws Exception {
        Duration ttl = Duration.ofMillis(1500);
        vertx.deployVerticle(new InteractionVerticle(RoomRules.defaults().withStateTtl(ttl), meters, IDLE)).await();
        request("join", "ttl");
        send("ttl", new JsonObject().put("type", "danmaku").put("text", "kept"));
        awaitUntil("saved", () -> map().get("ttl").await() != null);

        // a like every 200 ms for twice the TTL: each tick saves it again, so it stays
        long until = System.nanoTime() + ttl.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertThat(send("ttl", new JsonObject().put("type", "like").put("count", 1)).containsKey("error")).isFalse();
            assertThat(map().get("ttl").await()).as("renewed by every save").isNotNull();
            Thread.sleep(200); // the pace of the likes, not synchronisation
        }

        request("leave", "ttl");
        awaitUntil("the idle room's state expired", () -> map().get("ttl").await() == null);
        JsonObject hello = request("join", "ttl").getJsonObject("hello");
        assertThat(hello.getLong("seq")).as("a fresh room").isZero();
        assertThat(hello.getJsonArray("history")).isEmpty();
    }

    /** The real map, whose first {@code failures} reads fail as an unreachable cluster member's would. */
    @SuppressWarnings("unchecked")
    private static AsyncMap<String, JsonObject> failingGets(AsyncMap<String, JsonObject> real, AtomicInteger failures) {
        return (AsyncMap<String, JsonObject>) Proxy.newProxyInstance(RoomEvictionTest.class.getClassLoader(), new Class<?>[]{AsyncMap.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("get") && failures.getAndDecrement() > 0) {
                        return Future.failedFuture("partition owner unreachable");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private AsyncMap<String, JsonObject> map() {
        return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_STATE).await();
    }

    private JsonObject request(String op, String room) {
        if (op.equals("send")) {
            return send(room, new JsonObject().put("type", "danmaku").put("text", "hello"));
        }
        return request(new JsonObject().put("op", op).put("room", room).put("user", USER));
    }

    /** A request in the codec's JSON, sent typed; the reply in the codec's JSON. */
    private JsonObject request(JsonObject request) {
        return RoomCodec.toJson(vertx.eventBus().<RoomMessage>request(Addresses.ROOM_IN, RoomCodec.fromJson(request)).await().body());
    }

    private double rooms() {
        return meters.get("live.rooms").gauge().value();
    }

    private void awaitRooms(int expected) throws InterruptedException {
        awaitUntil(expected + " rooms in memory", () -> rooms() == expected);
    }

    private JsonObject send(String room, JsonObject message) {
        return request(new JsonObject().put("op", "send").put("room", room).put("user", USER).put("message", message));
    }

    private static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
