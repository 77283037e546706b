package io.livestream.gateway;

import io.livestream.common.LogField;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * What a viewer of {@code /live/<stream>.flv} passes before the {@link PlayBackend} sees it, in one
 * process and in a cluster alike: the limits on viewer connections per client address (held at
 * once, and new ones per second), then, for a private stream, a play token for it ({@code ?token=}).
 * The viewer's slot is given back when its TCP connection closes however it ends ({@link AddressSlots}),
 * or when its HTTP response has ended on a connection kept alive. A refusal is an HTTP status with
 * a JSON body, or a WebSocket close with the reason ({@link PlayAdmission.Refusal}); a registry that
 * cannot be read is {@code 503} / {@code unavailable}. Confined to the gateway's event loop.
 */
final class PlayGate implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(PlayGate.class.getName());

    private final PlayAdmission admission;
    private final AddressSlots perAddress;
    private final TrustedProxies proxies;
    private final PlayBackend.Player player;

    PlayGate(PlayAdmission admission, AddressSlots perAddress, TrustedProxies proxies, PlayBackend.Player player) {
        this.admission = admission;
        this.perAddress = perAddress;
        this.proxies = proxies;
        this.player = player;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String stream = ctx.pathParam("param0");
        HttpServerRequest request = ctx.request();
        String address = proxies.clientAddress(request);
        ConnectionLimiter.Admission limit = perAddress.admit(request, address);
        if (limit instanceof ConnectionLimiter.Refused refused) {
            LOG.log(System.Logger.Level.DEBUG, "viewer {0} of {1} refused: {2}", LogField.client(address), LogField.stream(stream),
                    refused.message());
            PlayAdmission.Refusal.tooManyConnections("viewer connections: " + refused.message()).answer(request);
            return;
        }
        ConnectionLimiter.Slot slot = ((ConnectionLimiter.Admitted) limit).slot();
        boolean webSocket = request.canUpgradeToWebSocket();
        if (webSocket) {
            request.pause(); // the upgrade waits for the checks below
        } else {
            // a response that ended on a connection kept alive; the connection's close is AddressSlots'.
            // The body-end handler is one vertx-web keeps to itself: the backends set the response's others.
            ctx.addBodyEndHandler(v -> slot.release());
        }
        admission.admit(stream, request.getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                slot.release();
                LOG.log(System.Logger.Level.DEBUG, "viewer {0} of {1} refused: {2}", LogField.client(address), LogField.stream(stream),
                        ar.cause().getMessage());
                PlayAdmission.Refusal.of(ar.cause()).answer(request);
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
        admission.admit(stream, request.getParam("token")).onComplete(ar -> {
            if (ar.failed()) {
                PlayAdmission.Refusal.of(ar.cause()).answer(request);
            } else {
                player.playHls(stream, ctx.pathParam("param1"), request);
            }
        });
    }
}
