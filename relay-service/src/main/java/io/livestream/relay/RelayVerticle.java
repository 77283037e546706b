package io.livestream.relay;

import io.livestream.fanout.FanoutConfig;
import io.livestream.common.StreamNames;
import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.livestream.common.ops.OpsRoutes;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;

/**
 * The relay role on its own: an HTTP server that plays {@code /live/<stream>.flv} to gateways
 * (or to viewers directly, where relays are exposed), checking the play tokens of private streams'
 * viewers with {@code jwtKeys}, and answers {@code /health} and {@code /metrics}.
 */
public final class RelayVerticle extends VerticleBase {
    static final int MAX_VIEWER_MESSAGE = 4096;
    private final FanoutConfig config;
    private final String host;
    private final int port;
    private final int sendBufferBytes;
    private final String relayId;
    private final String url;
    private final String publicUrl;
    private final JwtKeys jwtKeys;
    private final PrometheusMeterRegistry prometheus;
    private final HealthChecks checks;
    private final java.time.Duration drain;
    private Relay relay;
    private HttpServer server;

    /**
     * @param url       where gateways reach this relay
     * @param publicUrl where viewers reach it directly (gateways redirect them there); null: only through a gateway
     */
    public RelayVerticle(FanoutConfig config, String host, int port, int sendBufferBytes, String relayId, String url,
                         String publicUrl, JwtKeys jwtKeys, PrometheusMeterRegistry prometheus, HealthChecks checks, java.time.Duration drain) {
        this.config = config;
        this.drain = drain;
        this.host = host;
        this.port = port;
        this.sendBufferBytes = sendBufferBytes;
        this.relayId = relayId;
        this.url = url;
        this.publicUrl = publicUrl;
        this.jwtKeys = jwtKeys;
        this.prometheus = prometheus;
        this.checks = checks;
    }

    @Override
    public Future<?> start() {
        return Relay.create(vertx, config, relayId, url, publicUrl, new Tokens(vertx, jwtKeys), prometheus).compose(created -> {
            relay = created;
            Router router = Router.router(vertx);
            OpsRoutes.mount(router, checks, prometheus);
            router.routeWithRegex(HttpMethod.GET, StreamNames.PLAY_PATH).handler(relay);
            router.routeWithRegex(HttpMethod.GET, StreamNames.HLS_PATH)
                    .handler(ctx -> relay.playHls(ctx.pathParam("param0"), ctx.pathParam("param1"), ctx.request()));
            server = vertx.createHttpServer(serverOptions(sendBufferBytes)).requestHandler(router);
            return server.listen(port, host);
        });
    }

    /**
     * Viewers only read from a relay: what they may send is bounded to control-sized WebSocket messages
     * (a larger one closes that viewer at its frame header), rather than Vert.x's 64 KiB frames and 256 KiB messages.
     */
    static HttpServerOptions serverOptions(int sendBufferBytes) {
        return new HttpServerOptions().setTcpNoDelay(true).setSendBufferSize(sendBufferBytes)
                .setMaxWebSocketFrameSize(MAX_VIEWER_MESSAGE).setMaxWebSocketMessageSize(MAX_VIEWER_MESSAGE);
    }

    /** Leaves the registry, lets viewers play on for the drain time, then closes them and the server. */
    @Override
    public Future<?> stop() {
        return relay == null ? Future.succeededFuture() : relay.drain(drain).eventually(() -> server.close());
    }

    public int actualPort() {
        return server.actualPort();
    }
}
