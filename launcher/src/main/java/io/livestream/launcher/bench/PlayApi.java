package io.livestream.launcher.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

import java.net.URI;

/** Where the gateway says to play a stream: {@code GET /api/play/<stream>}, as the watch page asks it. */
final class PlayApi {
    private PlayApi() {
    }

    /**
     * The URL to play {@code gatewayUrl}'s stream from: the {@code ws} answer for a WebSocket URL,
     * {@code url} for HTTP-FLV (a relay's where relays are reachable, else the gateway's own).
     */
    static Future<URI> resolve(HttpClient http, URI gatewayUrl) {
        String path = gatewayUrl.getRawPath();
        String stream = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.flv$", "");
        boolean webSocket = gatewayUrl.getScheme().startsWith("ws");
        return http.request(HttpMethod.GET, gatewayUrl.getPort(), gatewayUrl.getHost(), "/api/play/" + stream)
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200
                        ? resp.body()
                        : Future.failedFuture("HTTP " + resp.statusCode()))
                .map(body -> URI.create(body.toJsonObject().getString(webSocket ? "ws" : "url")));
    }
}
