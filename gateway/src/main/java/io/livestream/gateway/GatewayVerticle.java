package io.livestream.gateway;

import io.livestream.common.StreamNames;
import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.ops.OpsRoutes;
import io.livestream.common.record.RecordingStore;
import io.livestream.common.record.VodRoutes;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** The public HTTP entry: playback routes, the room sockets, the REST API, the H5 pages, health and Prometheus metrics. */
public final class GatewayVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(GatewayVerticle.class.getName());
    private static final String PLAY_API = "/api/play/(" + StreamNames.REGEX + ")";
    private static final String ROOM_PATH = "/ws/room/(" + StreamNames.REGEX + ")";

    private final GatewayConfig config;
    private final PrometheusMeterRegistry prometheus;
    private final PlayBackend playBackend;
    private final HealthChecks checks;
    private final JwtKeys jwtKeys;
    private RecordingStore recordings;
    private RelayDirectory directory;
    private PlayBackend.Player player;
    private RoomSockets rooms;
    private HttpServer server;

    public GatewayVerticle(GatewayConfig config, PrometheusMeterRegistry prometheus, PlayBackend playBackend, HealthChecks checks,
                           JwtKeys jwtKeys) {
        this.config = config;
        this.jwtKeys = jwtKeys;
        this.prometheus = prometheus;
        this.playBackend = playBackend;
        this.checks = checks;
    }

    /** Serves the recordings in {@code store} ({@code /api/recordings}, {@code /vod/...}); before deployment. */
    public GatewayVerticle serveRecordings(RecordingStore store) {
        this.recordings = store;
        return this;
    }

    @Override
    public Future<?> start() {
        return Future.all(StreamRegistry.open(vertx), RelayRegistry.open(vertx))
                .compose(registries -> {
                    StreamRegistry streams = registries.resultAt(0);
                    RelayRegistry relays = registries.resultAt(1);
                    directory = new RelayDirectory(vertx, relays, config.relayMaxViewers(), config.relayMaxEgressMbps());
                    clusterMeters();
                    Tokens tokens = new Tokens(vertx, jwtKeys);
                    StreamsApi api = new StreamsApi(streams, relays, tokens);
                    GatewayConfig.Limits limits = config.limits();
                    TrustedProxies proxies = config.trustedProxies();
                    PlayAdmission admission = PlayAdmission.fromRegistry(streams, tokens);
                    rooms = new RoomSockets(vertx, tokens, admission, new AddressSlots("room", limits.rooms(), prometheus,
                            LimitRefusals.ROOM_CONNECTIONS_PER_ADDRESS, LimitRefusals.ROOM_CONNECTION_RATE), proxies, prometheus);
                    prometheus.gauge("live.gateway.room.members", rooms, RoomSockets::members);
                    return playBackend.create(vertx, directory, tokens).compose(created -> {
                        player = created;
                        // clients send small messages: a larger frame closes that client (1009)
                        HttpServerOptions options = new HttpServerOptions()
                                .setTcpNoDelay(true)
                                .setSendBufferSize(config.viewerSendBufferBytes())
                                .setMaxWebSocketFrameSize(limits.maxWebSocketFrameBytes())
                                .setMaxWebSocketMessageSize(limits.maxWebSocketFrameBytes())
                                .setMaxHeaderSize(limits.maxHeaderBytes())
                                .setMaxInitialLineLength(limits.maxRequestLineBytes());
                        PlayGate play = new PlayGate(admission, new AddressSlots("viewer", limits.viewers(), prometheus,
                                LimitRefusals.VIEWER_CONNECTIONS_PER_ADDRESS, LimitRefusals.VIEWER_CONNECTION_RATE), proxies, player);
                        Router router = router(api, streams, play,
                                new SessionApi(tokens, proxies, limits.sessionsPerSecond(), limits.sessionBurst(), prometheus),
                                new StudioApi(tokens, config.studio(), proxies), new RoomsApi(vertx, tokens));
                        if (recordings != null) {
                            VodRoutes.mount(router, vertx, recordings, tokens);
                        }
                        server = vertx.createHttpServer(config.tls() == null ? options : config.tls().applyTo(options))
                                .invalidRequestHandler(this::invalidRequest)
                                .requestHandler(router);
                        return server.listen(config.httpPort(), config.host());
                    });
                })
                .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "{0} gateway listening on {1}:{2,number,#}; limits per client address: "
                                + "viewers {3}, room sockets {4}; trusted proxies: {5}",
                        config.tls() == null ? "HTTP" : "HTTPS", config.host(), s.actualPort(), config.limits().viewers(),
                        config.limits().rooms(), config.trustedProxies()));
    }

    @Override
    public Future<?> stop() {
        if (directory != null) {
            directory.close(vertx);
        }
        if (player != null) {
            player.close();
        }
        return server == null ? Future.succeededFuture() : server.close();
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** A request the HTTP decoder refused: headers or request line over the limits are counted, then answered 431 / 414. */
    private void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof TooLongHttpHeaderException) {
            LimitRefusals.count(prometheus, LimitRefusals.HTTP_HEADER_SIZE);
        } else if (cause instanceof TooLongHttpLineException) {
            LimitRefusals.count(prometheus, LimitRefusals.HTTP_REQUEST_LINE);
        }
        HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    }

    private Router router(StreamsApi api, StreamRegistry streams, PlayGate play, SessionApi sessions,
                          StudioApi studio, RoomsApi roomsApi) {
        Router router = Router.router(vertx);
        OpsRoutes.mount(router, checks, prometheus);
        router.post("/api/session").handler(BodyHandler.create().setBodyLimit(4096)).handler(sessions::handle);
        router.post("/api/studio/publish").handler(BodyHandler.create().setBodyLimit(4096)).handler(studio::handle);
        router.routeWithRegex(HttpMethod.GET, ROOM_PATH).handler(rooms::handle);
        router.get("/api/streams").handler(api::handle);
        router.get("/api/rooms").handler(roomsApi::handle);
        router.get(HealthApi.PATH).handler(new HealthApi(vertx.eventBus())::handle);
        router.routeWithRegex(HttpMethod.GET, PLAY_API).handler(ctx -> playInfo(ctx, streams, ctx.pathParam("param0")));
        router.routeWithRegex(HttpMethod.GET, StreamNames.PLAY_PATH).handler(play);
        router.routeWithRegex(HttpMethod.GET, StreamNames.HLS_PATH).handler(play::hls);
        WebPages.mount(router);
        return router;
    }

    /**
     * {@code GET /api/play/<stream>}: where to play it. Where the relay chosen for the stream has a
     * public URL, there ({@code direct: true}: the watch page connects to it, and relays check
     * private streams' play tokens themselves); else through this gateway.
     */
    private void playInfo(RoutingContext ctx, StreamRegistry streams, String stream) {
        streams.get(stream).onComplete(ar -> {
            if (ar.failed()) {
                json(ctx, 503, new JsonObject().put("error", "unavailable").put("stream", stream));
                return;
            }
            if (ar.result().isEmpty()) {
                json(ctx, 404, new JsonObject().put("error", "stream-not-found").put("stream", stream));
                return;
            }
            String path = "/live/" + stream + ".flv";
            JsonObject body = new JsonObject().put("stream", stream).put("private", ar.result().get().privateStream());
            Optional<RelayDirectory.RelayLoad> direct = directory.choose(stream).filter(relay -> relay.publicUrl().isPresent());
            String base = direct.map(relay -> relay.publicUrl().get().toString()).orElseGet(() -> {
                String host = ctx.request().authority() == null ? "localhost" : ctx.request().authority().toString();
                return "http" + (ctx.request().isSSL() ? "s" : "") + "://" + host;
            });
            body.put("direct", direct.isPresent()).put("url", base + path).put("ws", base.replaceFirst("^http", "ws") + path);
            direct.ifPresent(relay -> body.put("relay", relay.id()));
            json(ctx, 200, body);
        });
    }

    /** Cluster-wide figures, from the relay directory: relays, and viewers per stream summed over relays. */
    private void clusterMeters() {
        AtomicInteger relayCount = new AtomicInteger();
        prometheus.gauge("live.cluster.relays", relayCount);
        MultiGauge viewers = MultiGauge.builder("live.cluster.viewers")
                .description("Viewers of a stream summed over every relay of the cluster").register(prometheus);
        MultiGauge piped = MultiGauge.builder("live.gateway.viewers")
                .description("Viewers this gateway pipes from each relay").register(prometheus);
        vertx.setPeriodic(1000, id -> {
            relayCount.set(directory.relays().size());
            piped.register(directory.piping().entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("relay", e.getKey()), e.getValue())).toList(), true);
            viewers.register(directory.viewersByStream().entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("stream", e.getKey()), e.getValue())).toList(), true);
        });
    }

    static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Access-Control-Allow-Origin", "*")
                .end(body.encodePrettily());
    }
}
