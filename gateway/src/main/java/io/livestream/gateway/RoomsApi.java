package io.livestream.gateway;

import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/rooms} (admin token): where each room lives, from the interaction replicas'
 * claims in {@code live.roomowners}: {@code {rooms: [{room, owner, epoch}]}}, by room name. A room
 * nobody has used lately has no owner and is not listed. Admins only: rooms of private streams are
 * named after them.
 */
final class RoomsApi {
    private final Vertx vertx;
    private final Tokens tokens;

    RoomsApi(Vertx vertx, Tokens tokens) {
        this.vertx = vertx;
        this.tokens = tokens;
    }

    void handle(RoutingContext ctx) {
        tokens.grantsAdmin(Tokens.bearer(ctx.request().getHeader("Authorization"))).compose(admin -> {
            if (!admin) {
                return Future.<JsonObject>succeededFuture(null);
            }
            return vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.ROOM_OWNERS).compose(m -> m.entries()).map(RoomsApi::describe);
        }).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result() == null) {
                GatewayVerticle.json(ctx, 403, new JsonObject().put("error", "an admin token is needed"));
            } else {
                ctx.response().putHeader("Cache-Control", "no-store");
                GatewayVerticle.json(ctx, 200, ar.result());
            }
        });
    }

    static JsonObject describe(Map<String, JsonObject> claims) {
        JsonArray out = new JsonArray();
        new TreeMap<>(claims).forEach((room, claim) -> out.add(new JsonObject().put("room", room)
                .put("owner", claim.getString("node")).put("epoch", claim.getLong("epoch", 0L))));
        return new JsonObject().put("rooms", out);
    }
}
