package io.livestream.gateway;

import io.livestream.common.auth.Tokens;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamInfo;
import io.livestream.common.registry.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/streams}: the live streams of the platform, with viewers summed over relays.
 * <p>
 * The listing is public. An admin token ({@code Authorization: Bearer ...}) adds each stream's
 * {@code publisherAddress}; any other token, or a bad or expired one, is ignored and gets the
 * public listing: a token here only adds to the answer, so it never turns it into an error.
 */
final class StreamsApi {
    private final StreamRegistry streams;
    private final RelayRegistry relays;
    private final Tokens tokens;

    StreamsApi(StreamRegistry streams, RelayRegistry relays, Tokens tokens) {
        this.streams = streams;
        this.relays = relays;
        this.tokens = tokens;
    }

    void handle(RoutingContext ctx) {
        tokens.grantsAdmin(Tokens.bearer(ctx.request().getHeader("Authorization"))).compose(admin -> {
            // the answer differs by token: no cache may hand an admin's listing to anyone else
            ctx.response().putHeader("Vary", "Authorization");
            if (admin) {
                ctx.response().putHeader("Cache-Control", "no-store");
            }
            return list(admin);
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                GatewayVerticle.json(ctx, 200, ar.result());
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    Future<JsonObject> list(boolean withPublisherAddresses) {
        return Future.all(streams.list(), relays.viewersByStream()).map(all -> {
            List<StreamInfo> live = all.resultAt(0);
            Map<String, Integer> viewers = all.resultAt(1);
            long now = System.currentTimeMillis();
            JsonArray out = new JsonArray();
            live.forEach(s -> out.add(describe(s, viewers.getOrDefault(s.name(), 0), now, withPublisherAddresses)));
            return new JsonObject().put("streams", out);
        });
    }

    static JsonObject describe(StreamInfo s, int viewers, long now, boolean withPublisherAddress) {
        JsonObject out = new JsonObject()
                .put("name", s.name())
                .put("video", new JsonObject()
                        .put("codec", s.video().codec())
                        .put("profile", s.video().profile())
                        .put("width", s.video().width())
                        .put("height", s.video().height())
                        .put("fps", s.video().fps())
                        .put("codecString", s.video().codecString()))
                .put("audio", new JsonObject()
                        .put("codec", s.audio().codec())
                        .put("sampleRate", s.audio().sampleRate())
                        .put("channels", s.audio().channels())
                        .put("codecString", s.audio().codecString()))
                .put("bitrateKbps", s.bitrateBps() / 1000)
                .put("private", s.privateStream())
                .put("viewers", viewers)
                .put("startedAt", s.startedAt())
                .put("uptimeSeconds", Math.max(0, (now - s.startedAt()) / 1000));
        if (withPublisherAddress) {
            out.put("publisherAddress", s.publisherAddress());
        }
        return out;
    }
}
