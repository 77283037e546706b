package io.livestream.common;

import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.PlayAdmission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** How a viewer is turned away, over HTTP and WebSocket: a registry that cannot be read is not a bad token. */
@ExtendWith(VertxExtension.class)
class PlayAccessTest {
    /** Held here: a client nothing references is garbage-collected, and closes its sockets. */
    private WebSocketClient webSockets;
    private HttpClient http;

    private static Future<HttpServer> refusing(Vertx vertx, Throwable cause) {
        return vertx.createHttpServer().requestHandler(request -> PlayAdmission.Refusal.of(cause).answer(request)).listen(0, "127.0.0.1");
    }

    @Test
    void aRegistryThatCannotBeReadIs503AndCloseUnavailable(Vertx vertx, VertxTestContext test) {
        Throwable down = new IllegalStateException("registry down");
        http = vertx.createHttpClient();
        refusing(vertx, down).compose(server -> http
                        .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/live/x.flv")
                        .compose(r -> r.send())
                        .compose(response -> response.body().map(body -> {
                            test.verify(() -> {
                                assertThat(response.statusCode()).isEqualTo(503);
                                assertThat(new JsonObject(body).getString("error")).isEqualTo("unavailable");
                            });
                            return server;
                        })))
                .compose(server -> closeOf(vertx, server.actualPort()))
                .onComplete(test.succeeding(close -> test.verify(() -> {
                    assertThat(close.closeStatusCode()).isEqualTo(CloseReason.UNAVAILABLE.code);
                    assertThat(close.closeReason()).isEqualTo("unavailable");
                    test.completeNow();
                })));
    }

    @Test
    void aMissingTokenIs401AndCloseBadToken(Vertx vertx, VertxTestContext test) {
        refusing(vertx, new PlayAccess.Refused(401, "private"))
                .compose(server -> closeOf(vertx, server.actualPort()))
                .onComplete(test.succeeding(close -> test.verify(() -> {
                    assertThat(close.closeStatusCode()).isEqualTo(CloseReason.BAD_TOKEN.code);
                    test.completeNow();
                })));
    }

    /** Who may play a private stream, by the claims of a token already verified. */
    @Test
    void scopedRolesPlayTheirStreamAdminsAndGatewayFeedsAnyAndOthersNone() {
        assertThat(PlayAccess.refusal("s", new JsonObject().put("role", "viewer").put("stream", "s"))).isNull();
        assertThat(PlayAccess.refusal("s", new JsonObject().put("role", "viewer").put("stream", "t"))).contains("not for stream s");
        assertThat(PlayAccess.refusal("s", new JsonObject().put("role", "admin"))).isNull();
        assertThat(PlayAccess.refusal("s", new JsonObject().put("role", PlayAccess.GATEWAY_ROLE))).as("a gateway's feed").isNull();
        assertThat(PlayAccess.refusal("s", new JsonObject().put("role", "publish").put("stream", "s"))).contains("cannot play");
        assertThat(PlayAccess.refusal("s", new JsonObject())).contains("without a role");
    }

    /** A WebSocket to {@code port}, once the server has closed it. */
    private Future<WebSocket> closeOf(Vertx vertx, int port) {
        webSockets = vertx.createWebSocketClient();
        return webSockets.connect(port, "127.0.0.1", "/live/x.flv")
                .compose(ws -> Future.future(closed -> {
                    ws.closeHandler(v -> closed.complete(ws));
                    if (ws.isClosed()) {
                        closed.tryComplete(ws);
                    }
                }));
    }
}
