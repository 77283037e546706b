package io.livestream.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.BiConsumer;

/**
 * What plays {@code /live/<stream>.flv} behind the gateway once {@link PlayGate} has admitted the
 * viewer: in one process the relay itself, created on the gateway's event loop; in a cluster,
 * {@link RelayProxy} to the relay the directory chooses.
 */
@FunctionalInterface
public interface PlayBackend {
    Future<Player> create(Vertx vertx, RelayDirectory relays);

    /** Plays one admitted viewer of a stream: over HTTP-FLV, or over a WebSocket the gate has upgraded. */
    interface Player {
        void play(String stream, HttpServerRequest request);

        void play(String stream, ServerWebSocket viewer);

        static Player of(BiConsumer<String, HttpServerRequest> http, BiConsumer<String, ServerWebSocket> webSocket) {
            return new Player() {
                @Override
                public void play(String stream, HttpServerRequest request) {
                    http.accept(stream, request);
                }

                @Override
                public void play(String stream, ServerWebSocket viewer) {
                    webSocket.accept(stream, viewer);
                }
            };
        }
    }

    /** The clustered gateway: pipe every viewer from a relay. */
    static PlayBackend relays(int viewerQueueBytes) {
        return (vertx, relays) -> Future.succeededFuture(new RelayProxy(vertx, relays, viewerQueueBytes));
    }
}
