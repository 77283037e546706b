package io.livestream.gateway;

import io.livestream.common.StreamNames;
import io.livestream.common.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/streams/<stream>/health}: the stream's health for the studio, asked of the ingest
 * node that publishes it (or did until recently) on {@code ingest.health.<stream>}: the same
 * request in one process and in a cluster. A stream no ingest node knows is 404; an ingest node
 * that does not answer in time is 503.
 */
final class HealthApi {
    static final String PATH = "/api/streams/:stream/health";
    private static final DeliveryOptions ASK = new DeliveryOptions().setSendTimeout(3000);

    private final EventBus bus;

    HealthApi(EventBus bus) {
        this.bus = bus;
    }

    void handle(RoutingContext ctx) {
        String stream = ctx.pathParam("stream");
        if (!StreamNames.isValid(stream)) {
            GatewayVerticle.json(ctx, 404, new JsonObject().put("error", "stream-not-found").put("stream", String.valueOf(stream)));
            return;
        }
        ctx.response().putHeader("Cache-Control", "no-store");
        bus.<JsonObject>request(Addresses.health(stream), null, ASK).onComplete(ar -> {
            if (ar.succeeded()) {
                GatewayVerticle.json(ctx, 200, ar.result().body());
            } else if (ar.cause() instanceof ReplyException e && e.failureType() == ReplyFailure.NO_HANDLERS) {
                GatewayVerticle.json(ctx, 404, new JsonObject().put("error", "stream-not-found").put("stream", stream));
            } else {
                GatewayVerticle.json(ctx, 503, new JsonObject().put("error", "unavailable").put("stream", stream));
            }
        });
    }
}
