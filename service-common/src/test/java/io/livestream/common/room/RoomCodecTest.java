package io.livestream.common.room;

import io.livestream.common.CloseReason;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every room message through the codec's JSON, as between two nodes, and over a real event bus. */
@ExtendWith(VertxExtension.class)
class RoomCodecTest {
    private static final RoomUser ANN = new RoomUser("guest-ann", "Ann", RoomUser.Role.VIEWER, null);
    private static final RoomUser STAR = new RoomUser("star", "Star", RoomUser.Role.STREAMER, "show");

    /** As between two nodes: encoded after some other bytes, decoded from there. */
    private static RoomMessage overTheWire(RoomMessage message) {
        RoomCodec codec = new RoomCodec("test");
        Buffer wire = Buffer.buffer().appendString("xx");
        codec.encodeToWire(wire, message);
        return codec.decodeFromWire(2, wire);
    }

    @Test
    void requestsRepliesAndBatchesComeBackEqual() {
        List<RoomMessage> messages = List.of(
                new RoomMessage.Join("show", ANN, 42, "203.0.113.7"),
                new RoomMessage.Join("show", RoomUser.ANONYMOUS, 0, null),
                new RoomMessage.Leave("show", STAR),
                new RoomMessage.Send("show", STAR, new JsonObject().put("type", "ban").put("userId", "guest-ann")),
                new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 3)),
                RoomMessage.Answer.OK,
                new RoomMessage.Answer(RoomError.of(RoomError.Code.RATE_LIMITED, "slow down"), null),
                new RoomMessage.Answer(RoomError.of(RoomError.Code.BANNED, "you are banned"), CloseReason.BANNED),
                new RoomMessage.Batch(List.of(new RoomNotice.Banned("guest-ann", RoomNotice.UNTIL_LIFTED).toJson().put("seq", 9))),
                new RoomMessage.Batch(7, List.of(new JsonObject().put("type", "danmaku").put("seq", 10))));
        for (RoomMessage message : messages) {
            assertThat(overTheWire(message)).as(message.toString()).isEqualTo(message);
        }
    }

    @Test
    void theJsonIsTheDocumentedShape() {
        assertThat(RoomCodec.toJson(new RoomMessage.Join("show", ANN, 42, "203.0.113.7")).encode()).isEqualTo(
                "{\"op\":\"join\",\"room\":\"show\",\"user\":{\"id\":\"guest-ann\",\"nick\":\"Ann\",\"role\":\"viewer\",\"stream\":null},"
                        + "\"lastSeq\":42,\"address\":\"203.0.113.7\"}");
        assertThat(RoomCodec.toJson(new RoomMessage.Answer(RoomError.of(RoomError.Code.BANNED, "no"), CloseReason.BANNED)).encode())
                .isEqualTo("{\"error\":{\"type\":\"error\",\"code\":\"banned\",\"message\":\"no\"},\"close\":\"banned\"}");
        assertThat(new RoomMessage.Batch(List.of(new RoomNotice.Muted("u", 5).toJson())).toJson().encode())
                .isEqualTo("{\"type\":\"batch\",\"events\":[{\"type\":\"notice\",\"kind\":\"muted\",\"userId\":\"u\",\"until\":5}]}");
        assertThat(new RoomMessage.Batch(3, List.of()).toJson().encode()).as("members never see the epoch")
                .isEqualTo("{\"type\":\"batch\",\"events\":[]}");
    }

    @Test
    void aBatchsNoticesAreTyped() {
        RoomMessage.Batch batch = new RoomMessage.Batch(List.of(
                new JsonObject().put("type", "danmaku").put("seq", 1).put("text", "banned"),
                new RoomNotice.Banned("guest-ann", 1_000).toJson().put("seq", 2),
                new RoomNotice.Deleted("m1").toJson().put("seq", 3),
                new JsonObject().put("type", "notice").put("kind", "something-new").put("seq", 4)));
        assertThat(batch.notices()).containsExactly(new RoomNotice.Banned("guest-ann", 1_000), new RoomNotice.Deleted("m1"));
    }

    @Test
    void jsonThatIsNoRoomMessageIsRefused() {
        assertThatThrownBy(() -> RoomCodec.fromJson(new JsonObject().put("op", "shout"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoomCodec.fromJson(new JsonObject().put("close", "nonsense"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRequestCrossesTheEventBusTyped(Vertx vertx, VertxTestContext test) {
        RoomCodec.register(vertx.eventBus());
        RoomCodec.register(vertx.eventBus()); // twice: harmless
        vertx.eventBus().<RoomMessage.Request>consumer("room.test", m -> m.reply(new RoomMessage.Hello(new JsonObject().put("room", m.body().room()))));
        vertx.eventBus().<RoomMessage.Reply>request("room.test", new RoomMessage.Leave("show", ANN))
                .map(Message::body)
                .onComplete(test.succeeding(reply -> test.verify(() -> {
                    assertThat(reply).isEqualTo(new RoomMessage.Hello(new JsonObject().put("room", "show")));
                    test.completeNow();
                })));
    }
}
