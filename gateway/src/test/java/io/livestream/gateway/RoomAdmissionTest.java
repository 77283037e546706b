package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.room.RoomUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may open a room socket, and as whom: the identity a token makes in a public and a private
 * stream's room, the refusals and their close reasons, and the per-address cap over real sockets.
 */
@ExtendWith(VertxExtension.class)
class RoomAdmissionTest {
    private static final String SECRET = "0123456789-0123456789-0123456789-secret";

    private Tokens tokens;
    private RoomAdmission admission;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** Held here: a client nothing references is garbage-collected, and closes its sockets. */
    private WebSocketClient client;

    @BeforeEach
    void setUp(Vertx vertx) {
        tokens = new Tokens(vertx, SECRET);
        Map<String, Boolean> privacy = Map.of("open", false, "closed", true);
        PlayAdmission streams = new PlayAdmission(stream -> stream.equals("down")
                ? Future.failedFuture(new IllegalStateException("registry down"))
                : Future.succeededFuture(privacy.getOrDefault(stream, false)), tokens);
        admission = new RoomAdmission(streams, tokens, new AddressSlots("room", new ConnectionLimiter.Limits(1, 0, 1), meters,
                LimitRefusals.ROOM_CONNECTIONS_PER_ADDRESS, LimitRefusals.ROOM_CONNECTION_RATE), TrustedProxies.none());
    }

    private String token(String role, String stream, String subject) {
        return tokens.mint(new JsonObject().put("role", role).put("stream", stream).put("nick", "Nick"), subject, Duration.ofMinutes(5));
    }

    @Test
    void aPublicRoomTakesReadersWithoutATokenAndMembersWithOne(VertxTestContext test) {
        Checkpoint two = test.checkpoint(2);
        admission.identity("open", null).onComplete(test.succeeding(user -> test.verify(() -> {
            assertThat(user).isEqualTo(RoomUser.ANONYMOUS);
            two.flag();
        })));
        admission.identity("open", token("moderator", "open", "mo")).onComplete(test.succeeding(user -> test.verify(() -> {
            assertThat(user).isEqualTo(new RoomUser("mo", "Nick", RoomUser.Role.MODERATOR, "open"));
            two.flag();
        })));
    }

    @Test
    void aPrivateRoomTakesOnlyAPlayTokenForIt(VertxTestContext test) {
        Checkpoint three = test.checkpoint(3);
        admission.identity("closed", token("viewer", "closed", "ann")).onComplete(test.succeeding(user -> test.verify(() -> {
            assertThat(user.id()).isEqualTo("ann");
            three.flag();
        })));
        admission.identity("closed", null).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e).close()).as("a reader").isEqualTo(CloseReason.BAD_TOKEN);
            three.flag();
        })));
        admission.identity("closed", token("viewer", "open", "ann")).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e).close()).as("another stream's token").isEqualTo(CloseReason.BAD_TOKEN);
            three.flag();
        })));
    }

    @Test
    void aBadTokenOrOneWithoutSubjectIsBadTokenAndAnUnreadableRegistryUnavailable(VertxTestContext test) {
        Checkpoint three = test.checkpoint(3);
        admission.identity("open", "garbage").onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e).close()).isEqualTo(CloseReason.BAD_TOKEN);
            three.flag();
        })));
        admission.identity("open", tokens.mint(new JsonObject().put("role", "viewer"), null, Duration.ofMinutes(5)))
                .onComplete(test.failing(e -> test.verify(() -> {
                    assertThat(PlayAdmission.Refusal.of(e).close()).as("no subject").isEqualTo(CloseReason.BAD_TOKEN);
                    three.flag();
                })));
        admission.identity("down", null).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e).close()).isEqualTo(CloseReason.UNAVAILABLE);
            three.flag();
        })));
    }

    @Test
    void anAddressOverItsCapIsUpgradedThenClosedTooManyConnections(Vertx vertx, VertxTestContext test) {
        Checkpoint handedOver = test.checkpoint();
        Checkpoint refused = test.checkpoint();
        vertx.createHttpServer().requestHandler(request -> admission.upgrade(request, (ws, address) -> {
            test.verify(() -> assertThat(address).isEqualTo("127.0.0.1"));
            handedOver.flag(); // and kept open: the address holds its one slot
        })).listen(0, "127.0.0.1").onComplete(test.succeeding(server -> {
            client = vertx.createWebSocketClient();
            connect(server, first -> test.failNow("the first socket was closed " + first.closeStatusCode()))
                    .onComplete(test.succeeding(first -> connect(server, second -> test.verify(() -> {
                        assertThat(second.closeStatusCode()).isEqualTo(CloseReason.TOO_MANY_CONNECTIONS.code);
                        assertThat(second.closeReason()).isEqualTo(CloseReason.TOO_MANY_CONNECTIONS.label);
                        assertThat(meters.counter("live.limit.refusals", "limit", LimitRefusals.ROOM_CONNECTIONS_PER_ADDRESS).count())
                                .isEqualTo(1.0);
                        refused.flag();
                    })).onComplete(test.succeeding(ignored -> {
        }))));
        }));
    }

    /** {@code onClose}: set before the connect, so that a close at once is not missed. */
    private Future<ClientWebSocket> connect(HttpServer server, Consumer<ClientWebSocket> onClose) {
        ClientWebSocket ws = client.webSocket();
        ws.closeHandler(v -> onClose.accept(ws));
        return ws.connect(server.actualPort(), "127.0.0.1", "/ws/room/open").map(ws);
    }
}
