package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomCodec;
import io.livestream.common.room.RoomError;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomUser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member's room socket over a real WebSocket and a real event bus, with a fake interaction
 * service on {@code room.in}: the hello and the batches that overtook it, the flow control of what
 * it says, closes the room asks for, pings, and a room service that is not there.
 */
@ExtendWith(VertxExtension.class)
class RoomMemberTest {
    private static final RoomUser ANN = new RoomUser("ann", "Ann", RoomUser.Role.VIEWER, null);

    /** Held here: a client nothing references is garbage-collected, and closes its sockets. */
    private WebSocketClient client;
    private RoomHubs hubs;
    /** What the member's client received, in order. */
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp(Vertx vertx) {
        RoomCodec.register(vertx.eventBus());
        hubs = new RoomHubs(vertx.eventBus());
    }

    /** A server whose every socket is a member of room {@code show}, joined at once as Ann; the client connected to it. */
    private Future<ClientWebSocket> member(Vertx vertx, Consumer<JsonObject> onMessage) {
        return member(vertx, onMessage, ws -> {
        });
    }

    /** {@code onClose}: set before the connect, so that a close at once is not missed. */
    private Future<ClientWebSocket> member(Vertx vertx, Consumer<JsonObject> onMessage, Consumer<ClientWebSocket> onClose) {
        return vertx.createHttpServer().webSocketHandler(ws -> {
            RoomMember member = new RoomMember(ws, "show", vertx.eventBus(), hubs, () -> 12_345L);
            ws.textMessageHandler(member::onText);
            ws.closeHandler(v -> member.closed());
            member.join(ANN, 0, "127.0.0.1");
        }).listen(0, "127.0.0.1").compose(server -> {
            client = vertx.createWebSocketClient();
            ClientWebSocket ws = client.webSocket();
            ws.textMessageHandler(text -> { // before the connect completes: no frame is lost
                JsonObject message = new JsonObject(text);
                received.add(message);
                onMessage.accept(message);
            });
            ws.closeHandler(v -> onClose.accept(ws));
            return ws.connect(server.actualPort(), "127.0.0.1", "/ws/room/show").map(ws);
        });
    }

    private static JsonObject danmaku(long seq) {
        return new JsonObject().put("type", "danmaku").put("seq", seq).put("text", "d" + seq);
    }

    @Test
    void theHelloComesFirstWithWhoItIsThenOnlyTheBatchesItDidNotHold(Vertx vertx, VertxTestContext test) throws InterruptedException {
        vertx.eventBus().<RoomMessage.Request>consumer(Addresses.ROOM_IN, m -> {
            if (m.body() instanceof RoomMessage.Join) {
                // a batch that overtakes the hello: seq 1 is in the hello already, seq 2 is not, stats always go
                vertx.eventBus().publish(Addresses.roomOut("show"), new RoomMessage.Batch(List.of(danmaku(1), danmaku(2),
                        new JsonObject().put("type", "stats").put("seq", 2).put("likes", 5))));
                m.reply(new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 1)));
            }
        });
        Checkpoint two = test.checkpoint(2);
        member(vertx, message -> two.flag()).onComplete(test.succeeding(ignored -> {
        }));
        assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        JsonObject hello = received.get(0);
        assertThat(hello.getString("type")).isEqualTo("hello");
        assertThat(hello.getJsonObject("you")).isEqualTo(ANN.toJson());
        JsonObject batch = received.get(1);
        assertThat(batch.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type") + ((JsonObject) e).getLong("seq")))
                .containsExactly("danmaku2", "stats2");
    }

    @Test
    void afterAMoveTheMemberGetsOnlyWhatItLacksOfTheRepeatedHistoryAndNothingOfAStaleOwner(Vertx vertx, VertxTestContext test)
            throws InterruptedException {
        // the owner's own address: a gateway asks it first
        vertx.eventBus().<RoomMessage.Request>consumer(Addresses.roomIn("show"), m -> {
            if (m.body() instanceof RoomMessage.Join) {
                m.reply(new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 2)));
                String out = Addresses.roomOut("show");
                vertx.eventBus().publish(out, new RoomMessage.Batch(1, List.of(danmaku(3))));
                // a new owner (epoch 2) sends the history again; then the old one, stale, says something
                vertx.eventBus().publish(out, new RoomMessage.Batch(2, List.of(danmaku(1), danmaku(2), danmaku(3), danmaku(4))));
                vertx.eventBus().publish(out, new RoomMessage.Batch(1, List.of(danmaku(5).put("text", "stale"))));
                vertx.eventBus().publish(out, new RoomMessage.Batch(2, List.of(danmaku(5))));
            }
        }).completion().await();
        Checkpoint four = test.checkpoint(4);
        member(vertx, message -> four.flag()).onComplete(test.succeeding(ignored -> {
        }));
        assertThat(test.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        assertThat(received.stream().skip(1).map(b -> b.getJsonArray("events").stream()
                .map(e -> ((JsonObject) e).getString("text")).toList()))
                .containsExactly(List.of("d3"), List.of("d4"), List.of("d5"));
    }

    @Test
    void aBurstReachesTheRoomInOrderAcrossPausesAndResumesOfTheSocket(Vertx vertx, VertxTestContext test) throws InterruptedException {
        int sent = 32;
        List<Message<RoomMessage.Request>> held = new ArrayList<>();
        List<String> arrived = new ArrayList<>();
        Checkpoint all = test.checkpoint(sent);
        vertx.eventBus().<RoomMessage.Request>consumer(Addresses.ROOM_IN, m -> {
            if (m.body() instanceof RoomMessage.Join) {
                m.reply(new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 0)));
            } else if (m.body() instanceof RoomMessage.Send send) {
                arrived.add(send.message().getString("text"));
                held.add(m);
                test.verify(() -> assertThat(held).as("messages awaiting the room").hasSizeLessThanOrEqualTo(RoomInflow.MAX_IN_FLIGHT));
                all.flag();
                if (held.size() == RoomInflow.MAX_IN_FLIGHT) { // the room answers a round once the member has a full window out
                    held.forEach(h -> h.reply(RoomMessage.Answer.OK));
                    held.clear();
                }
            }
        });
        member(vertx, message -> {
            if ("hello".equals(message.getString("type"))) {
                return;
            }
            test.failNow("nothing but the hello was expected: " + message);
        }).onComplete(test.succeeding(ws -> {
            for (int i = 0; i < sent; i++) {
                ws.writeTextMessage(new JsonObject().put("type", "danmaku").put("text", "m" + i).encode());
            }
        }));
        assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expected.add("m" + i);
        }
        assertThat(arrived).as("every message, in the order sent").isEqualTo(expected);
    }

    @Test
    void anAnswerThatClosesSendsTheErrorThenClosesWithItsReasonAndLeavesTheRoom(Vertx vertx, VertxTestContext test) {
        Checkpoint left = test.checkpoint();
        Checkpoint closed = test.checkpoint();
        vertx.eventBus().<RoomMessage.Request>consumer(Addresses.ROOM_IN, m -> {
            if (m.body() instanceof RoomMessage.Join) {
                m.reply(new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 0)));
            } else if (m.body() instanceof RoomMessage.Send) {
                m.reply(new RoomMessage.Answer(RoomError.of(RoomError.Code.BANNED, "you are banned from this room"), CloseReason.BANNED));
            } else if (m.body() instanceof RoomMessage.Leave leave) {
                test.verify(() -> assertThat(leave.user()).isEqualTo(ANN));
                left.flag();
            }
        });
        member(vertx, message -> {
        }, ws -> test.verify(() -> {
            assertThat(ws.closeStatusCode()).isEqualTo(CloseReason.BANNED.code);
            assertThat(received).extracting(j -> j.getString("type") + ":" + j.getString("code", ""))
                    .containsExactly("hello:", "error:banned");
            closed.flag();
        })).onComplete(test.succeeding(ws -> ws.writeTextMessage(new JsonObject().put("type", "danmaku").put("text", "hi").encode())));
    }

    @Test
    void aPingIsAnsweredWithThePongOfTheInjectedClock(Vertx vertx, VertxTestContext test) {
        vertx.eventBus().<RoomMessage.Request>consumer(Addresses.ROOM_IN, m -> {
            if (m.body() instanceof RoomMessage.Join) {
                m.reply(new RoomMessage.Hello(new JsonObject().put("type", "hello").put("seq", 0)));
            }
        });
        member(vertx, message -> {
            if ("pong".equals(message.getString("type"))) {
                test.verify(() -> assertThat(message).isEqualTo(new JsonObject().put("type", "pong").put("ts", 12_345L)));
                test.completeNow();
            }
        }).onComplete(test.succeeding(ws -> ws.writeTextMessage("{\"type\":\"ping\"}")));
    }

    @Test
    void aRoomServiceThatIsNotThereIsAnUnavailableErrorAndClose(Vertx vertx, VertxTestContext test) {
        member(vertx, message -> {
        }, ws -> test.verify(() -> {
            assertThat(ws.closeStatusCode()).isEqualTo(CloseReason.UNAVAILABLE.code);
            assertThat(received).extracting(j -> j.getString("code")).containsExactly("unavailable");
            test.completeNow();
        })).onComplete(test.succeeding(ignored -> {
        }));
    }
}
