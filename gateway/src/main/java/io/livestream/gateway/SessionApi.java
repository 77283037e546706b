package io.livestream.gateway;

import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.AddressRate;
import io.livestream.common.ops.LimitRefusals;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code POST /api/session {nickname}}: a guest viewer token for the rooms. One page load makes
 * one, so a client address may create them at a rate ({@link AddressRate}: a burst, then so many
 * a second) that lets an audience behind one NAT in and stops one host minting tokens without
 * end. Confined to the gateway's event loop.
 */
final class SessionApi {
    private static final Pattern NICKNAME = Pattern.compile("[\\p{L}\\p{N} _\\-.]{1,24}");
    private static final Duration TTL = Duration.ofHours(12);

    private final Tokens tokens;
    private final TrustedProxies proxies;
    private final AddressRate rate;
    private final double perSecond;
    private final MeterRegistry meters;

    SessionApi(Tokens tokens, TrustedProxies proxies, double perSecond, int burst, MeterRegistry meters) {
        this.tokens = tokens;
        this.proxies = proxies;
        this.rate = new AddressRate(perSecond, burst, System::nanoTime);
        this.perSecond = perSecond;
        this.meters = meters;
    }

    void handle(RoutingContext ctx) {
        if (!rate.tryTake(proxies.clientAddress(ctx.request()))) {
            LimitRefusals.count(meters, LimitRefusals.SESSION_RATE);
            GatewayVerticle.json(ctx, 429, new JsonObject().put("error", "rate-limited")
                    .put("message", "at most " + perSecond + " guest sessions a second from one address"));
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
}
