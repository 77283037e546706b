package io.livestream.gateway;

import io.livestream.common.ops.OpsRoutes;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The public HTTP entry: playback routes, the REST API, health and Prometheus metrics. */
public final class GatewayVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(GatewayVerticle.class.getName());
    /** {@code /live/<stream>.flv}; the name is regex group {@code param0}. */
    public static final String PLAY_PATH = "/live/([A-Za-z0-9_\\-]{1,64})\\.flv";

    private final GatewayConfig config;
    private final PrometheusMeterRegistry prometheus;
    private final PlayBackend playBackend;
    private HttpServer server;

    public GatewayVerticle(GatewayConfig config, PrometheusMeterRegistry prometheus, PlayBackend playBackend) {
        this.config = config;
        this.prometheus = prometheus;
        this.playBackend = playBackend;
    }

    @Override
    public Future<?> start() {
        return Future.all(StreamRegistry.open(vertx), RelayRegistry.open(vertx), playBackend.create(vertx))
                .compose(parts -> {
                    StreamsApi api = new StreamsApi(parts.resultAt(0), parts.resultAt(1));
                    Handler<RoutingContext> play = parts.resultAt(2);
                    server = vertx.createHttpServer(new HttpServerOptions()
                            .setTcpNoDelay(true)
                            .setSendBufferSize(config.viewerSendBufferBytes()))
                            .requestHandler(router(api, play));
                    return server.listen(config.httpPort(), config.host());
                })
                .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "HTTP gateway listening on {0}:{1,number,#}",
                        config.host(), s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    public int actualPort() {
        return server.actualPort();
    }

    private Router router(StreamsApi api, Handler<RoutingContext> play) {
        Router router = Router.router(vertx);
        HealthChecks checks = HealthChecks.create(vertx)
                .register("http", promise -> promise.complete(Status.OK()));
        OpsRoutes.mount(router, checks, prometheus);
        router.get("/api/streams").handler(ctx -> api.list().onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader("Content-Type", "application/json")
                        .putHeader("Access-Control-Allow-Origin", "*")
                        .end(ar.result().encodePrettily());
            } else {
                ctx.fail(ar.cause());
            }
        }));
        router.routeWithRegex(HttpMethod.GET, PLAY_PATH).handler(play);
        return router;
    }
}
