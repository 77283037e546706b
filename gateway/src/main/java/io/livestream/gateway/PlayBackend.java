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

        /**
         * Plays one LL-HLS request of an admitted viewer: {@code path} is {@code .m3u8} or {@code /<session>/<file>}
         * ({@code StreamNames.HLS_PATH}). A player without LL-HLS answers 404.
         */
        default void playHls(String stream, String path, HttpServerRequest request) {
            request.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                    .putHeader("Access-Control-Allow-Origin", "*").end("LL-HLS is not served here\n");
        }

        /** The gateway is stopping: viewers this player holds are closed {@code shutdown}, so they reconnect elsewhere. */
        default void close() {
        }

        static Player of(BiConsumer<String, HttpServerRequest> http, BiConsumer<String, ServerWebSocket> webSocket) {
            return of(http, webSocket, null);
        }

        /** A player of FLV and, unless {@code hls} is null, LL-HLS. */
        static Player of(BiConsumer<String, HttpServerRequest> http, BiConsumer<String, ServerWebSocket> webSocket, HlsPlayer hls) {
            return new Player() {
                @Override
                public void play(String stream, HttpServerRequest request) {
                    http.accept(stream, request);
                }

                @Override
                public void play(String stream, ServerWebSocket viewer) {
                    webSocket.accept(stream, viewer);
                }

                @Override
                public void playHls(String stream, String path, HttpServerRequest request) {
                    if (hls == null) {
                        Player.super.playHls(stream, path, request);
                    } else {
                        hls.play(stream, path, request);
                    }
                }
            };
        }
    }

    /** What plays LL-HLS requests: {@code Relay::playHls}. */
    @FunctionalInterface
    interface HlsPlayer {
        void play(String stream, String path, HttpServerRequest request);
    }

    /** The clustered gateway: each stream fed once from a relay and fanned out to its viewers here, as {@code config} says. */
    static PlayBackend relays(FanoutConfig config, MeterRegistry registry) {
        return (vertx, relays, tokens) -> Future.succeededFuture(new RelayFeeds(vertx, relays, config, new FanoutMetrics(registry), tokens));
    }
}
