package io.livestream.interaction;

import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interaction service's time-driven behaviour with its clock in the test's hand: batching of a
 * busy room, and a room leaving memory once idle, with no waiting for the clock.
 */
@ExtendWith(VertxExtension.class)
class InteractionClockTest {
    private static final RoomUser ANN = new RoomUser("ann", "Ann", RoomUser.Role.VIEWER, null);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private InteractionVerticle verticle(Duration idle) {
        return new InteractionVerticle(RoomRules.defaults(), meters, idle,
                v -> v.sharedData().getAsyncMap(Addresses.ROOM_STATE), nanos::get, () -> 1_700_000_000_000L);
    }

    private static RoomMessage.Send danmaku(String text) {
        return new RoomMessage.Send("show", ANN, new JsonObject().put("type", "danmaku").put("text", text));
    }

    @Test
    void aQuietRoomsEventGoesAtOnceAndTheNextOnesWithinTheWindowShareOneBatch(Vertx vertx, VertxTestContext test) {
        RoomCodec.register(vertx.eventBus());
        List<List<String>> batches = new ArrayList<>();
        vertx.eventBus().<RoomMessage.Batch>consumer(Addresses.roomOut("show"), m -> {
            List<String> texts = m.body().events().stream().filter(e -> "danmaku".equals(e.getString("type")))
                    .map(e -> e.getString("text")).toList();
            if (!texts.isEmpty()) {
                batches.add(texts);
            }
            if (batches.stream().mapToInt(List::size).sum() == 3) {
                test.verify(() -> assertThat(batches).as("the clock did not move: d2 and d3 are in d1's window")
                        .containsExactly(List.of("d1"), List.of("d2", "d3")));
                test.completeNow();
            }
        });
        vertx.deployVerticle(verticle(Duration.ofMinutes(1))).onComplete(test.succeeding(id -> {
            // all at once: they wait for the room's first load together, then are handled in a row
            vertx.eventBus().request(Addresses.ROOM_IN, new RoomMessage.Join("show", ANN, 0, null));
            vertx.eventBus().request(Addresses.ROOM_IN, danmaku("d1"));
            vertx.eventBus().request(Addresses.ROOM_IN, danmaku("d2"));
            vertx.eventBus().request(Addresses.ROOM_IN, danmaku("d3"));
        }));
    }

    @Test
    void aRoomLeavesMemoryOnceTheClockSaysItHasBeenEmptyLongEnough(Vertx vertx, VertxTestContext test) {
        RoomCodec.register(vertx.eventBus());
        vertx.deployVerticle(verticle(Duration.ofHours(1)))
                .compose(id -> vertx.eventBus().request(Addresses.ROOM_IN, new RoomMessage.Join("show", ANN, 0, null)))
                .compose(joined -> vertx.eventBus().request(Addresses.ROOM_IN, new RoomMessage.Leave("show", ANN)))
                .onComplete(test.succeeding(left -> {
                    test.verify(() -> assertThat(meters.get("live.rooms").gauge().value()).isEqualTo(1.0));
                    nanos.addAndGet(Duration.ofHours(1).toNanos()); // an hour passes at once
                    vertx.setPeriodic(50, t -> { // the next tick (500 ms) sees it
                        if (meters.get("live.rooms").gauge().value() == 0) {
                            test.completeNow();
                        }
                    });
                }));
    }
}
