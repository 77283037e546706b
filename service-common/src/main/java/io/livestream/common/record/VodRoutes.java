package io.livestream.common.record;

import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The recordings over HTTP: {@code GET /api/recordings} lists them (public streams' only), {@code
 * /vod/<name>.m3u8} is a recording's playlist and {@code /vod/<name>/<init-N.mp4|seg-N.m4s>} its media, a
 * private stream's recording only with a play token for the stream ({@code ?token=}, passed on to the
 * playlist's URIs), as live. Media is sent from the file ({@code sendFile}: streamed, with its length),
 * immutable; the playlist {@code no-cache} while it grows, for an hour once it has ended. CORS on all.
 */
public final class VodRoutes {
    private static final String PLAYLIST_PATH = "/vod/(" + RecordingStore.NAME_REGEX + ")\\.m3u8";
    private static final String MEDIA_PATH = "/vod/(" + RecordingStore.NAME_REGEX + ")/((?:init|seg)-[0-9]{1,18}\\.(?:mp4|m4s))";
    private static final Pattern URI_END = Pattern.compile("(\\.mp4|\\.m4s)(\"?)$", Pattern.MULTILINE);

    private final Vertx vertx;
    private final RecordingStore store;
    private final Tokens tokens;

    private VodRoutes(Vertx vertx, RecordingStore store, Tokens tokens) {
        this.vertx = vertx;
        this.store = store;
        this.tokens = tokens;
    }

    public static void mount(Router router, Vertx vertx, RecordingStore store, Tokens tokens) {
        VodRoutes routes = new VodRoutes(vertx, store, tokens);
        router.get("/api/recordings").handler(routes::list);
        router.routeWithRegex(HttpMethod.GET, PLAYLIST_PATH).handler(routes::playlist);
        router.routeWithRegex(HttpMethod.GET, MEDIA_PATH).handler(routes::media);
    }

    private void list(RoutingContext ctx) {
        vertx.executeBlocking(store::list, false).onComplete(ar -> {
            if (ar.failed()) {
                text(ctx.response(), 503, "recordings cannot be read");
                return;
            }
            JsonArray out = new JsonArray();
            for (JsonObject m : ar.result()) {
                if (!m.getBoolean("private", false)) {
                    String name = m.getString("name");
                    out.add(new JsonObject().put("name", name).put("stream", m.getString("stream"))
                            .put("start", Instant.ofEpochMilli(m.getLong("start", 0L)).toString())
                            .put("duration", m.getDouble("duration", 0.0)).put("bytes", m.getLong("bytes", 0L))
                            .put("live", !m.getBoolean("ended", false)).put("interrupted", m.getBoolean("interrupted", false))
                            .put("url", "/vod/" + name + ".m3u8"));
                }
            }
            cors(ctx.response()).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache")
                    .end(new JsonObject().put("recordings", out).encodePrettily());
        });
    }

    private void playlist(RoutingContext ctx) {
        String name = ctx.pathParam("param0");
        String token = ctx.request().getParam("token");
        admitted(name, token).onComplete(ar -> {
            if (ar.failed()) {
                refuse(ctx, ar.cause());
                return;
            }
            vertx.executeBlocking(() -> Files.readString(store.file(name, RecordingStore.PLAYLIST), StandardCharsets.UTF_8), false)
                    .onComplete(text -> {
                        if (text.failed()) {
                            text(ctx.response(), 404, "no such recording");
                            return;
                        }
                        String body = token == null ? text.result() : URI_END.matcher(text.result())
                                .replaceAll("$1?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "$2");
                        boolean ended = ar.result().getBoolean("ended", false);
                        cors(ctx.response()).putHeader("Content-Type", "application/vnd.apple.mpegurl")
                                .putHeader("Cache-Control", ended ? "public, max-age=3600" : "no-cache").end(body);
                    });
        });
    }

    private void media(RoutingContext ctx) {
        String name = ctx.pathParam("param0");
        String file = ctx.pathParam("param1");
        admitted(name, ctx.request().getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                refuse(ctx, ar.cause());
                return;
            }
            HttpServerResponse response = cors(ctx.response()).putHeader("Content-Type", "video/mp4")
                    .putHeader("Cache-Control", "public, max-age=31536000, immutable");
            response.sendFile(store.file(name, file).toString()).onFailure(e -> {
                if (!response.headWritten()) {
                    response.headers().remove("Cache-Control");
                    text(response, 404, "no such media");
                }
            });
        });
    }

    /** The recording's metadata once the request may have it: a private stream's takes a play token for the stream. */
    private Future<JsonObject> admitted(String name, String token) {
        return vertx.executeBlocking(() -> store.meta(name), false).compose(meta -> {
            if (meta == null) {
                return Future.failedFuture(new PlayAccess.Refused(404, "no such recording"));
            }
            if (!meta.getBoolean("private", false)) {
                return Future.succeededFuture(meta);
            }
            return PlayAccess.authorize(tokens, meta.getString("stream"), token).map(meta);
        });
    }

    private static void refuse(RoutingContext ctx, Throwable cause) {
        if (cause instanceof PlayAccess.Refused refused && refused.status() == 404) {
            text(ctx.response(), 404, cause.getMessage());
        } else {
            PlayAdmission.Refusal.of(cause).answer(ctx.request());
        }
    }

    private static HttpServerResponse cors(HttpServerResponse response) {
        return response.putHeader("Access-Control-Allow-Origin", "*");
    }

    private static void text(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        cors(response).setStatusCode(status).putHeader("Content-Type", "text/plain").putHeader("Cache-Control", "no-store").end(message + "\n");
    }
}
