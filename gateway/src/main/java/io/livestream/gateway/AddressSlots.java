package io.livestream.gateway;

import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The gateway's per-address admission of one kind of connection (viewers, room sockets): a
 * {@link ConnectionLimiter} whose refusals are counted under the limit that bit, and whose slots
 * are given back when the TCP connection under the request closes, however it ends: a close
 * frame, a FIN or RST without one, an idle timeout, the server closing it, a failed upgrade.
 * <p>
 * Why the connection's Netty close future and not a Vert.x handler: Vert.x keeps one close (and
 * end) handler per WebSocket, response and connection, and the code that plays a viewer sets
 * them for its own purposes (the relay's sinks, the relay proxy, vertx-web's end handlers), each
 * replacing the last; a WebSocket's end handler does not run at all when the TCP connection ends
 * without a close frame. The close future takes any number of listeners and completes once
 * whichever way the channel closes. Confined to the gateway's event loop.
 */
final class AddressSlots {
    private final ConnectionLimiter limiter;
    private final MeterRegistry meters;
    private final String capLimit;
    private final String rateLimit;

    /**
     * @param kind      the gauge's label ({@code viewer}, {@code room})
     * @param capLimit  the {@code live_limit_refusals_total} label when the concurrent cap refuses
     * @param rateLimit the label when the rate of new connections refuses
     */
    AddressSlots(String kind, ConnectionLimiter.Limits limits, MeterRegistry meters, String capLimit, String rateLimit) {
        this.limiter = new ConnectionLimiter(kind, limits, meters);
        this.meters = meters;
        this.capLimit = capLimit;
        this.rateLimit = rateLimit;
    }

    /**
     * Admits the connection of {@code request} from {@code address}: the slot is released when that
     * connection closes (its owner may release it sooner: {@code release} is idempotent); a refusal
     * is counted.
     */
    ConnectionLimiter.Admission admit(HttpServerRequest request, String address) {
        ConnectionLimiter.Admission admission = limiter.tryAcquire(address);
        if (admission instanceof ConnectionLimiter.Refused refused) {
            LimitRefusals.count(meters, refused.why() == ConnectionLimiter.Refusal.TOO_MANY_OPEN ? capLimit : rateLimit);
        } else if (admission instanceof ConnectionLimiter.Admitted admitted) {
            onConnectionClosed(request, admitted.slot()::release);
        }
        return admission;
    }

    /** Runs {@code action} on the calling context once the TCP connection under {@code request} has closed. */
    static void onConnectionClosed(HttpServerRequest request, Runnable action) {
        Context context = Vertx.currentContext();
        HttpConnection connection = request.connection();
        if (connection instanceof ConnectionBase base) {
            base.channel().closeFuture().addListener(f -> context.runOnContext(v -> action.run()));
        } else {
            connection.closeHandler(v -> action.run()); // not a Netty connection (none known): the one handler
        }
    }
}
