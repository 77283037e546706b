package io.livestream.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * What serves {@code /live/<stream>.flv} behind the gateway: in one process the relay itself,
 * created on the gateway's event loop; in a cluster, {@link RelayProxy} to the relay the
 * directory chooses. The stream name is the route's regex group {@code param0}.
 */
@FunctionalInterface
public interface PlayBackend {
    Future<Handler<RoutingContext>> create(Vertx vertx, RelayDirectory relays);

    /** The clustered gateway: pipe every viewer from a relay. */
    static PlayBackend relays(int viewerQueueBytes) {
        return (vertx, relays) -> Future.succeededFuture(new RelayProxy(vertx, relays, viewerQueueBytes));
    }
}
