package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomNotice;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The room fan-out over a real event bus, with fake members that capture what they were handed. */
@ExtendWith(VertxExtension.class)
class RoomHubsTest {
    private static final JsonObject DANMAKU = new JsonObject().put("type", "danmaku").put("seq", 1).put("text", "hi");

    /** A member that records what it is handed, and flags {@code delivered} at each batch. */
    private static final class FakeMember implements RoomHubs.Recipient {
        final String userId;
        final List<String> texts = new ArrayList<>();
        final List<CloseReason> closes = new ArrayList<>();
        int moves;
        Checkpoint delivered;

        FakeMember(String userId, Checkpoint delivered) {
            this.userId = userId;
            this.delivered = delivered;
        }

        @Override
        public String userId() {
            return userId;
        }

        @Override
        public void deliver(RoomMessage.Batch batch, String text) {
            texts.add(text);
            delivered.flag();
        }

        @Override
        public void close(CloseReason reason) {
            closes.add(reason);
        }

        @Override
        public void moved() {
            moves++;
        }
    }

    private RoomHubs hubs;

    @BeforeEach
    void setUp(Vertx vertx) {
        RoomCodec.register(vertx.eventBus());
        hubs = new RoomHubs(vertx.eventBus());
    }

    private static void publish(Vertx vertx, String room, JsonObject... events) {
        vertx.eventBus().publish(Addresses.roomOut(room), new RoomMessage.Batch(List.of(events)));
    }

    @Test
    void aStaleOwnersBatchIsDroppedAndANewOwnersHasEveryMemberJoinItOnce(Vertx vertx, VertxTestContext test) throws InterruptedException {
        Checkpoint three = test.checkpoint(3);
        FakeMember ann = new FakeMember("ann", three);
        vertx.runOnContext(v -> {
            hubs.add("moving", ann);
            String out = Addresses.roomOut("moving");
            vertx.eventBus().publish(out, new RoomMessage.Batch(1, List.of(DANMAKU.copy().put("text", "first owner"))));
            vertx.eventBus().publish(out, new RoomMessage.Batch(2, List.of(DANMAKU.copy().put("text", "second owner"))));
            vertx.eventBus().publish(out, new RoomMessage.Batch(1, List.of(DANMAKU.copy().put("text", "stale"))));
            vertx.eventBus().publish(out, new RoomMessage.Batch(2, List.of(DANMAKU.copy().put("text", "second again"))));
        });
        assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ann.texts).hasSize(3).noneMatch(t -> t.contains("stale"));
        assertThat(ann.texts.get(2)).contains("second again");
        assertThat(ann.moves).as("joined the new owner once").isEqualTo(1);
    }

    @Test
    void aBatchIsEncodedOnceForEveryMemberOfItsRoomAndNoOther(Vertx vertx, VertxTestContext test) throws InterruptedException {
        Checkpoint inA = test.checkpoint(2);
        Checkpoint inB = test.checkpoint(1);
        FakeMember ann = new FakeMember("ann", inA);
        FakeMember bob = new FakeMember("bob", inA);
        FakeMember cat = new FakeMember("cat", inB);
        vertx.runOnContext(v -> {
            hubs.add("a", ann);
            hubs.add("a", bob);
            hubs.add("b", cat);
            test.verify(() -> assertThat(hubs.members()).isEqualTo(3));
            publish(vertx, "a", DANMAKU);
            publish(vertx, "b", DANMAKU.copy().put("text", "for b"));
        });
        assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ann.texts).hasSize(1);
        assertThat(ann.texts.get(0)).as("encoded once: the same text for both").isSameAs(bob.texts.get(0));
        assertThat(new JsonObject(ann.texts.get(0)).getJsonArray("events").getJsonObject(0).getString("text")).isEqualTo("hi");
        assertThat(new JsonObject(ann.texts.get(0)).getString("type")).isEqualTo("batch");
        assertThat(cat.texts).as("room b's member gets room b's batch alone").hasSize(1);
        assertThat(cat.texts.get(0)).contains("for b");
    }

    @Test
    void aBannedUsersSocketsAreClosedBannedOnceTheyHaveTheNotice(Vertx vertx, VertxTestContext test) throws InterruptedException {
        Checkpoint three = test.checkpoint(3);
        FakeMember annOnPhone = new FakeMember("guest-ann", three);
        FakeMember annOnDesk = new FakeMember("guest-ann", three);
        FakeMember bob = new FakeMember("bob", three);
        vertx.runOnContext(v -> {
            List.of(annOnPhone, annOnDesk, bob).forEach(m -> hubs.add("show", m));
            publish(vertx, "show", new RoomNotice.Banned("guest-ann", RoomNotice.UNTIL_LIFTED).toJson().put("seq", 4).put("ts", 1L));
        });
        assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        assertThat(annOnPhone.texts).as("the notice first").hasSize(1);
        assertThat(annOnPhone.closes).containsExactly(CloseReason.BANNED);
        assertThat(annOnDesk.closes).containsExactly(CloseReason.BANNED);
        assertThat(bob.closes).isEmpty();
    }

    @Test
    void theLastMemberToLeaveEndsTheRoomsSubscription(Vertx vertx, VertxTestContext test) {
        FakeMember ann = new FakeMember("ann", test.checkpoint());
        FakeMember bob = new FakeMember("bob", test.checkpoint());
        Checkpoint unsubscribed = test.checkpoint();
        vertx.runOnContext(v -> {
            hubs.add("show", ann);
            hubs.add("show", bob);
            hubs.remove("show", ann);
            test.verify(() -> assertThat(hubs.rooms()).containsExactly("show"));
            publish(vertx, "show", DANMAKU); // bob's alone
            vertx.runOnContext(w -> {
                hubs.remove("show", bob);
                ann.delivered.flag(); // ann's checkpoint: it left before, and got nothing
                test.verify(() -> {
                    assertThat(ann.texts).isEmpty();
                    assertThat(hubs.rooms()).isEmpty();
                    assertThat(hubs.members()).isZero();
                });
                vertx.eventBus().request(Addresses.roomOut("show"), new RoomMessage.Batch(List.of(DANMAKU)))
                        .onComplete(test.failing(e -> test.verify(() -> {
                            assertThat(((ReplyException) e).failureType()).as("nobody listens any more").isEqualTo(ReplyFailure.NO_HANDLERS);
                            unsubscribed.flag();
                        })));
            });
        });
    }
}
