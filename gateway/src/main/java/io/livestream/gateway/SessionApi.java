package io.livestream.gateway;

import io.livestream.common.auth.Tokens;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/session {nickname}}: a guest viewer token for the rooms, a few per minute
 * per client address. Confined to the gateway's event loop.
 */
final class SessionApi {
    private static final Pattern NICKNAME = Pattern.compile("[\\p{L}\\p{N} _\\-.]{1,24}");
    private static final Duration TTL = Duration.ofHours(12);
    private static final int PER_MINUTE = 5;

    private final Tokens tokens;
    private final Map<String, long[]> recentByAddress = new HashMap<>();

    SessionApi(Tokens tokens) {
        this.tokens = tokens;
    }

    void handle(RoutingContext ctx) {
        String address = GatewayVerticle.clientAddress(ctx.request());
        if (!allow(address, System.nanoTime())) {
            GatewayVerticle.json(ctx, 429, new JsonObject().put("error", "rate-limited")
                    .put("message", "at most " + PER_MINUTE + " sessions a minute from one address"));
            return;
        }
        String nickname;
        try {
            JsonObject body = ctx.body().asJsonObject();
            nickname = body == null ? null : body.getString("nickname");
        } catch (DecodeException | ClassCastException e) {
            nickname = null;
        }
        if (nickname == null || !NICKNAME.matcher(nickname.strip()).matches()) {
            GatewayVerticle.json(ctx, 400, new JsonObject().put("error", "bad-request")
                    .put("message", "send {\"nickname\": \"...\"}: 1-24 letters, digits, spaces, _ - ."));
            return;
        }
        String id = "guest-" + UUID.randomUUID().toString().substring(0, 8);
        String token = tokens.mint(new JsonObject().put("role", "viewer").put("nick", nickname.strip()), id, TTL);
        GatewayVerticle.json(ctx, 200, new JsonObject().put("token", token).put("expiresIn", TTL.toSeconds())
                .put("user", new JsonObject().put("id", id).put("nick", nickname.strip()).put("role", "viewer")));
    }

    /** A sliding window of the last {@code PER_MINUTE} session times per address. */
    private boolean allow(String address, long now) {
        if (recentByAddress.size() > 10_000) {
            recentByAddress.values().removeIf(times -> now - times[(times.length - 1)] > 60_000_000_000L);
        }
        long[] times = recentByAddress.computeIfAbsent(address, a -> new long[PER_MINUTE]);
        long oldest = times[0];
        if (oldest != 0 && now - oldest < 60_000_000_000L) {
            return false;
        }
        System.arraycopy(times, 1, times, 0, PER_MINUTE - 1);
        times[PER_MINUTE - 1] = now;
        return true;
    }
}
