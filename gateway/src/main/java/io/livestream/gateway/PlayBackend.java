package io.livestream.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * What serves {@code /live/<stream>.flv} behind the gateway: in one process the relay itself,
 * created on the gateway's event loop; in a cluster, a proxy to the chosen relay.
 * The stream name is the route's regex group {@code param0}.
 */
@FunctionalInterface
public interface PlayBackend {
    Future<Handler<RoutingContext>> create(Vertx vertx);
}
