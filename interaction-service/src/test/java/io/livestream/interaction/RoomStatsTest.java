package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code room.stats}: the messages each room accepted, what the studio's message rate is read from; asking creates no room. */
@ExtendWith(VertxExtension.class)
class RoomStatsTest {
    private static final JsonObject USER = new JsonObject().put("id", "u1").put("nick", "U1").put("role", "viewer");

    private static Future<JsonObject> roomIn(Vertx vertx, JsonObject body) {
        return vertx.eventBus().<RoomMessage>request(Addresses.ROOM_IN, RoomCodec.fromJson(body.put("user", USER)))
                .map(reply -> RoomCodec.toJson(reply.body()));
    }

    private static Future<JsonObject> danmaku(Vertx vertx, String room, String text) {
        return roomIn(vertx, new JsonObject().put("op", "send").put("room", room)
                .put("message", new JsonObject().put("type", "danmaku").put("text", text)));
    }

    @Test
    void countsAcceptedMessagesOnlyAndCreatesNoRoom(Vertx vertx, VertxTestContext ctx) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        vertx.deployVerticle(new InteractionVerticle(RoomRules.defaults(), meters))
                .compose(id -> roomIn(vertx, new JsonObject().put("op", "join").put("room", "talk")))
                .compose(joined -> danmaku(vertx, "talk", "one"))
                .compose(one -> danmaku(vertx, "talk", "two"))
                .compose(two -> danmaku(vertx, "talk", "two")) // a repeat within 10 s: refused, not counted
                .compose(refused -> {
                    ctx.verify(() -> assertThat(refused.containsKey("error")).as("the repeat refused: " + refused).isTrue());
                    return vertx.eventBus().<JsonObject>request(Addresses.ROOM_STATS,
                            new JsonObject().put("rooms", new JsonArray().add("talk").add("never-joined")));
                })
                .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
                    JsonObject rooms = reply.body().getJsonObject("rooms");
                    assertThat(rooms.getJsonObject("talk").getLong("messages")).isEqualTo(2);
                    assertThat(rooms.containsKey("never-joined")).isFalse();
                    assertThat(meters.get("live.rooms").gauge().value()).as("no room made by asking").isEqualTo(1);
                    ctx.completeNow();
                })));
    }
}
