package io.livestream.gateway;

import io.livestream.common.StreamNames;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;

/**
 * {@code POST /api/studio/publish {stream}}: what a streamer needs to go live: a publish token,
 * the OBS server and stream key, and a streamer token to moderate the stream's room.
 * <p>
 * Who may ask: the holder of a streamer token for that stream, or of an admin token
 * ({@code Authorization: Bearer ...}); and, where the studio is open on loopback (the standalone
 * laptop mode), anyone connecting from this machine: the client address, through trusted proxies,
 * is loopback, and no forwarding header names another host (a proxy on this machine that is not
 * trusted still forwards remote clients). Anyone else gets 401 or 403.
 */
final class StudioApi {
    private static final Duration TTL = Duration.ofHours(24);

    private final Tokens tokens;
    private final GatewayConfig.Studio studio;
    private final TrustedProxies proxies;

    StudioApi(Tokens tokens, GatewayConfig.Studio studio, TrustedProxies proxies) {
        this.tokens = tokens;
        this.studio = studio;
        this.proxies = proxies;
    }

    void handle(RoutingContext ctx) {
        String stream = requestedStream(ctx);
        if (stream == null) {
            fail(ctx, 400, "bad-request", "send {\"stream\": \"name\"}: 1-64 letters, digits, - or _");
            return;
        }
        String bearer = Tokens.bearer(ctx.request().getHeader("Authorization"));
        Future<JsonObject> asker;
        if (bearer != null) {
            asker = tokens.verify(bearer);
        } else if (studio.openOnLoopback() && isLoopback(ctx)) {
            asker = Future.succeededFuture(new JsonObject().put("sub", "studio").put("nick", stream)
                    .put("role", "streamer").put("stream", stream));
        } else {
            fail(ctx, studio.openOnLoopback() ? 403 : 401, studio.openOnLoopback() ? "loopback-only" : "bad-token",
                    "send a streamer token for this stream (or an admin token) as 'Authorization: Bearer ...'"
                            + (studio.openOnLoopback() ? "; without one the studio answers only on this machine" : ""));
            return;
        }
        asker.onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, 401, "bad-token", ar.cause().getMessage());
                return;
            }
            JsonObject claims = ar.result();
            String role = claims.getString("role", "");
            boolean ownStream = "streamer".equals(role) && stream.equals(claims.getString("stream"));
            if (!ownStream && !Tokens.ROLE_ADMIN.equals(role)) {
                fail(ctx, 403, "not-allowed", "a " + (role.isEmpty() ? "token without a role" : role + " token")
                        + " cannot go live as '" + stream + "'");
                return;
            }
            GatewayVerticle.json(ctx, 200, credentials(ctx, stream, claims));
        });
    }

    private JsonObject credentials(RoutingContext ctx, String stream, JsonObject asker) {
        String subject = asker.getString("sub", "studio");
        String nick = asker.getString("nick", subject);
        String publish = tokens.mint("publish", stream, subject, TTL);
        String streamer = tokens.mint(new JsonObject().put("role", "streamer").put("stream", stream).put("nick", nick),
                subject, TTL);
        String host = requestHost(ctx);
        String rtmpServer = studio.publicRtmpUrl() != null ? studio.publicRtmpUrl().replaceAll("/+$", "")
                : studio.rtmpsPort() > 0 ? "rtmps://" + host + ":" + studio.rtmpsPort() + "/live"
                : "rtmp://" + host + ":" + studio.rtmpPort() + "/live";
        String streamKey = stream + "?token=" + publish;
        String http = (ctx.request().isSSL() ? "https://" : "http://")
                + (ctx.request().authority() == null ? host : ctx.request().authority().toString());
        return new JsonObject()
                .put("stream", stream)
                .put("publishToken", publish)
                .put("streamerToken", streamer)
                .put("rtmpServer", rtmpServer)
                .put("streamKey", streamKey)
                .put("rtmpUrl", rtmpServer + "/" + streamKey)
                .put("watchUrl", http + "/watch/" + stream)
                .put("playUrl", http + "/live/" + stream + ".flv")
                .put("expiresIn", TTL.toSeconds());
    }

    private static String requestedStream(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            String stream = body == null ? null : body.getString("stream");
            return StreamNames.isValid(stream) ? stream : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private boolean isLoopback(RoutingContext ctx) {
        return TrustedProxies.isLoopback(proxies.clientAddress(ctx.request()))
                && TrustedProxies.forwardedAddresses(ctx.request()).stream().allMatch(TrustedProxies::isLoopback);
    }

    /** The host name the client used (without port), for URLs it can reach us on. */
    private static String requestHost(RoutingContext ctx) {
        var authority = ctx.request().authority();
        return authority == null || authority.host() == null || authority.host().isEmpty() ? "localhost" : authority.host();
    }

    private static void fail(RoutingContext ctx, int status, String code, String message) {
        GatewayVerticle.json(ctx, status, new JsonObject().put("error", code).put("message", message));
    }
}
