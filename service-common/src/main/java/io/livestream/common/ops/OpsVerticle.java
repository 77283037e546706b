package io.livestream.common.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/** An HTTP server with only {@code /health} and {@code /metrics}: for roles that serve nothing else over HTTP. */
public final class OpsVerticle extends VerticleBase {
    private final String host;
    private final int port;
    private final HealthChecks checks;
    private final PrometheusMeterRegistry prometheus;
    private HttpServer server;

    public OpsVerticle(String host, int port, HealthChecks checks, PrometheusMeterRegistry prometheus) {
        this.host = host;
        this.port = port;
        this.checks = checks;
        this.prometheus = prometheus;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        OpsRoutes.mount(router, checks, prometheus);
        server = vertx.createHttpServer().requestHandler(router);
        return server.listen(port, host);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
