package io.livestream.common.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

/**
 * What every role answers on its HTTP port: {@code /health} (readiness: every check, e.g. that
 * the node has joined the cluster), {@code /health/live} (liveness: the process serves HTTP)
 * and {@code /metrics} (Prometheus).
 */
public final class OpsRoutes {
    private OpsRoutes() {
    }

    public static void mount(Router router, HealthChecks checks, PrometheusMeterRegistry prometheus) {
        router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(checks));
        router.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"UP\"}"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(prometheus.scrape()));
    }
}
