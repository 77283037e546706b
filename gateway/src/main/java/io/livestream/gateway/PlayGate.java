package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What a viewer of {@code /live/<stream>.flv} passes before the {@link PlayBackend} sees it, in one
 * process and in a cluster alike: the limits on viewer connections per client address (held at
 * once, and new ones per second), then, for a private stream, a play token for it ({@code ?token=}).
 * The viewer's slot is given back when its TCP connection closes however it ends ({@link AddressSlots}),
 * or when its HTTP response has ended on a connection kept alive. A refusal is an HTTP status with
 * a JSON body, or a WebSocket close with the reason; a registry that cannot be read is {@code 503}
 * / {@code unavailable}. Confined to the gateway's event loop.
 */
final class PlayGate implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(PlayGate.class.getName());

    private final StreamRegistry streams;
    private final Tokens tokens;
    private final AddressSlots perAddress;
    private final TrustedProxies proxies;
    private final PlayBackend.Player player;

    PlayGate(StreamRegistry streams, Tokens tokens, AddressSlots perAddress, TrustedProxies proxies, PlayBackend.Player player) {
        this.streams = streams;
        this.tokens = tokens;
        this.perAddress = perAddress;
        this.proxies = proxies;
        this.player = player;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String stream = ctx.pathParam("param0");
        HttpServerRequest request = ctx.request();
        String address = proxies.clientAddress(request);
        ConnectionLimiter.Admission admission = perAddress.admit(request, address);
        if (admission instanceof ConnectionLimiter.Refused refused) {
            LOG.log(System.Logger.Level.DEBUG, "viewer {0} of {1} refused: {2}", LogField.client(address), LogField.stream(stream),
                    refused.message());
            PlayAccess.refuse(request, 429, CloseReason.TOO_MANY_CONNECTIONS, CloseReason.TOO_MANY_CONNECTIONS.label,
                    "viewer connections: " + refused.message());
            return;
        }
        ConnectionLimiter.Slot slot = ((ConnectionLimiter.Admitted) admission).slot();
        boolean webSocket = request.canUpgradeToWebSocket();
        if (webSocket) {
            request.pause(); // the upgrade waits for the checks below
        } else {
            // a response that ended on a connection kept alive; the connection's close is AddressSlots'.
            // The body-end handler is one vertx-web keeps to itself: the backends set the response's others.
            ctx.addBodyEndHandler(v -> slot.release());
        }
        admit(stream, request.getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                slot.release();
                LOG.log(System.Logger.Level.DEBUG, "viewer {0} of {1} refused: {2}", LogField.client(address), LogField.stream(stream),
                        ar.cause().getMessage());
                PlayAccess.turnAway(request, ar.cause());
            } else if (webSocket) {
                request.toWebSocket().onComplete(ws -> {
                    if (ws.failed()) {
                        slot.release();
                    } else {
                        player.play(stream, ws.result());
                    }
                });
            } else {
                player.play(stream, request);
            }
        });
    }

    /**
     * An LL-HLS request ({@code StreamNames.HLS_PATH}): a private stream's play token is checked on each
     * request, as for FLV; the per-address connection limits are not, since a player makes several short
     * requests a second (a request waits at most the relay's bound, and only so many may wait per stream).
     */
    void hls(RoutingContext ctx) {
        String stream = ctx.pathParam("param0");
        HttpServerRequest request = ctx.request();
        admit(stream, request.getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                PlayAccess.turnAway(request, ar.cause());
            } else {
                player.playHls(stream, ctx.pathParam("param1"), request);
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
}
