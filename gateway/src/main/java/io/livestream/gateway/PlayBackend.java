package io.livestream.gateway;

import io.livestream.common.auth.Tokens;
import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.BiConsumer;

/**
 * What plays {@code /live/<stream>.flv} behind the gateway once {@link PlayGate} has admitted the
 * viewer: in one process the relay itself, created on the gateway's event loop; in a cluster,
 * {@link RelayFeeds}: one feed per stream from the relay the directory chooses, fanned out here.
 */
@FunctionalInterface
public interface PlayBackend {
    /** The player of a gateway on the calling event loop; {@code tokens} sign what the gateway hands out. */
    Future<Player> create(Vertx vertx, RelayDirectory relays, Tokens tokens);

    /** Plays one admitted viewer of a stream: over HTTP-FLV, or over a WebSocket the gate has upgraded. */
    interface Player {
        void play(String stream, HttpServerRequest request);

        void play(String stream, ServerWebSocket viewer);

        /** The gateway is stopping: viewers this player holds are closed {@code shutdown}, so they reconnect elsewhere. */
        default void close() {
        }

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

    /** The clustered gateway: each stream fed once from a relay and fanned out to its viewers here, as {@code config} says. */
    static PlayBackend relays(FanoutConfig config, MeterRegistry registry) {
        return (vertx, relays, tokens) -> Future.succeededFuture(new RelayFeeds(vertx, relays, config, new FanoutMetrics(registry), tokens));
    }
}
