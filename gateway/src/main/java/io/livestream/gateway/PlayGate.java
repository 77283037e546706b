package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.livestream.common.ops.AddressLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What a viewer of {@code /live/<stream>.flv} passes before the {@link PlayBackend} sees it, in one
 * process and in a cluster alike: the limit on viewer connections per client address, then, for a
 * private stream, a play token for it ({@code ?token=}). The gate upgrades WebSocket viewers
 * itself, so that it sees every socket end whichever backend plays it. A refusal is an HTTP status
 * with a JSON body, or a WebSocket close with the reason. Confined to the gateway's event loop.
 */
final class PlayGate implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(PlayGate.class.getName());

    private final StreamRegistry streams;
    private final Tokens tokens;
    private final AddressLimiter perAddress;
    private final int maxPerAddress;
    private final MeterRegistry meters;
    private final PlayBackend.Player player;

    PlayGate(StreamRegistry streams, Tokens tokens, int maxPerAddress, MeterRegistry meters, PlayBackend.Player player) {
        this.streams = streams;
        this.tokens = tokens;
        this.perAddress = new AddressLimiter(maxPerAddress);
        this.maxPerAddress = maxPerAddress;
        this.meters = meters;
        this.player = player;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String stream = ctx.pathParam("param0");
        HttpServerRequest request = ctx.request();
        String address = GatewayVerticle.clientAddress(request);
        if (!perAddress.tryAcquire(address)) {
            LimitRefusals.count(meters, LimitRefusals.VIEWER_CONNECTIONS_PER_ADDRESS);
            PlayAccess.refuse(request, 429, CloseReason.TOO_MANY_CONNECTIONS, CloseReason.TOO_MANY_CONNECTIONS.label,
                    "at most " + maxPerAddress + " viewer connections from one address");
            return;
        }
        Runnable release = once(() -> perAddress.release(address));
        boolean webSocket = request.canUpgradeToWebSocket();
        if (webSocket) {
            request.pause(); // the upgrade waits for the checks below
        } else {
            ctx.addEndHandler(ar -> release.run()); // the response ended or the connection closed
        }
        admit(stream, request.getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                release.run();
                LOG.log(System.Logger.Level.DEBUG, "viewer {0} of {1} refused: {2}", address, stream, ar.cause().getMessage());
                PlayAccess.turnAway(request, ar.cause());
            } else if (webSocket) {
                request.toWebSocket().onComplete(ws -> {
                    if (ws.failed()) {
                        release.run();
                        return;
                    }
                    ws.result().endHandler(v -> release.run());
                    player.play(stream, ws.result());
                });
            } else {
                player.play(stream, request);
            }
        });
    }

    /**
     * Succeeds when the stream is public (or not live: the backend answers that) or the token may
     * play it; else fails with {@link PlayAccess.Refused} (401 or 403; 503 when the registry cannot be read).
     */
    private Future<Void> admit(String stream, String token) {
        return streams.get(stream)
                .recover(e -> Future.failedFuture(new PlayAccess.Refused(503, "the stream registry is unavailable: " + e.getMessage())))
                .compose(info -> info.isPresent() && info.get().privateStream()
                        ? PlayAccess.authorize(tokens, stream, token).mapEmpty()
                        : Future.succeededFuture());
    }

    private static Runnable once(Runnable action) {
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                action.run();
            }
        };
    }
}
