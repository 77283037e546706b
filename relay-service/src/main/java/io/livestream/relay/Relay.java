package io.livestream.relay;

import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.livestream.fanout.Sinks;
import io.livestream.fanout.Viewer;
import io.livestream.fanout.ViewerSink;
import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamRegistry;
import io.livestream.media.hls.HlsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The relay: plays {@code /live/<stream>.flv} over HTTP-FLV and WebSocket-FLV, and LL-HLS
 * ({@link HlsStreams}), from per-stream hubs that pull streams from the event bus only while they have viewers. Lives on the event
 * loop that created it (the one its HTTP server runs on), so viewers and hubs need no locks.
 */
public final class Relay implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(Relay.class.getName());
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final long HOUSEKEEPING_MS = 500;

    private final Vertx vertx;
    private final Context context;
    private final FanoutConfig config;
    private final String relayId;
    private final String url;
    private final String publicUrl;
    private final StreamRegistry streams;
    private final RelayRegistry relays;
    private final Tokens playTokens;
    /** Checks private streams' play tokens; null when only the gateway of its own process plays through it. */
    private final PlayAdmission admission;
    private final FanoutMetrics metrics;
    private final Map<String, StreamHub> hubs = new HashMap<>();
    private final Map<String, FanoutMetrics.StreamMeters> meters = new HashMap<>();
    /** The gateways' feeds: the viewers each carries, as it last said. */
    private final Map<ServerWebSocket, Carried> feeds = new HashMap<>();
    /** Streams the registry last showed as private: in its publisher's grace such a stream takes no new viewers. */
    private final Set<String> privateStreams = ConcurrentHashMap.newKeySet();
    private final HlsStreams hls;
    private final long housekeeping;
    private long leaseTicks;
    private boolean draining;
    private long lastBytesOut;

    private Relay(Vertx vertx, FanoutConfig config, String relayId, String url, String publicUrl, Tokens playTokens,
                  StreamRegistry streams, RelayRegistry relays, MeterRegistry registry) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.config = config;
        this.relayId = relayId;
        this.url = url;
        this.publicUrl = publicUrl;
        this.streams = streams;
        this.relays = relays;
        this.playTokens = playTokens;
        // whether a stream is private comes from this relay's own reads of the registry (admit)
        this.admission = playTokens == null ? null : new PlayAdmission(stream -> Future.succeededFuture(privateStreams.contains(stream)), playTokens);
        this.metrics = new FanoutMetrics(registry);
        this.hls = new HlsStreams(vertx, HlsConfig.DEFAULT, HlsStreams.Limits.DEFAULT, this::attach);
        this.housekeeping = vertx.setPeriodic(HOUSEKEEPING_MS, id -> housekeeping());
    }

    /**
     * Creates a relay bound to the calling event loop.
     *
     * @param url        where gateways reach this relay's HTTP server (registered with its load),
     *                   or null when it is reached only through the gateway of its own process
     * @param publicUrl  where viewers reach it directly, e.g. {@code https://relay-1.live.example.com}: gateways
     *                   then send viewers here (HTTP-FLV redirect, {@code /api/play}); null: only through a gateway
     * @param playTokens checks the play tokens of private streams' viewers reaching this relay's own server
     *                   ({@link #handle}); null when only the gateway of its own process plays through it
     */
    public static Future<Relay> create(Vertx vertx, FanoutConfig config, String relayId, String url, String publicUrl,
                                       Tokens playTokens, MeterRegistry registry) {
        MediaCodecs.register(vertx.eventBus());
        return StreamRegistry.open(vertx).compose(streams -> RelayRegistry.open(vertx)
                .map(relays -> new Relay(vertx, config, relayId, url, publicUrl, playTokens, streams, relays, registry)));
    }

    /**
     * Route handler for {@code /live/<stream>.flv} on the relay's own server (the stream name is the
     * route's first regex group), reached by gateways, which pass on the viewer's query, and by
     * viewers where relays are exposed: a private stream takes a play token for it ({@code ?token=}),
     * as at a gateway, or the viewer is turned away (HTTP 401/403, WebSocket close {@code 4401 bad-token}).
     */
    @Override
    public void handle(RoutingContext ctx) {
        play(ctx.pathParam("param0"), ctx.request());
    }

    public void play(String stream, HttpServerRequest request) {
        if (draining) {
            request.response().setStatusCode(503).putHeader("Retry-After", "1").end(CloseReason.SHUTDOWN.label + "\n");
            return;
        }
        String token = request.getParam("token");
        if (request.canUpgradeToWebSocket()) {
            request.toWebSocket().onSuccess(ws -> {
                // heard from the upgrade on: a gateway's feed reports its viewers as soon as it is connected,
                // while this relay may still be admitting it (a frame without a handler is dropped)
                Carried carried = token != null && playTokens != null ? new Carried(stream) : null;
                if (carried != null) {
                    ws.textMessageHandler(carried::said);
                }
                play(stream, ws, token, carried);
            });
            return;
        }
        admit(stream, token).onComplete(live -> {
            if (live.failed()) { // a token refused (401/403), or a registry that cannot be read (503)
                PlayAdmission.Refusal.of(live.cause()).answer(request);
                return;
            }
            if (!(live.succeeded() && live.result())) {
                request.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
                        .putHeader("Access-Control-Allow-Origin", "*")
                        .end(CloseReason.STREAM_NOT_FOUND.label + ": " + stream + "\n");
                return;
            }
            Sinks.flvHead(request.response());
            onContext(() -> attach(stream, Sinks.httpFlv(request, config.viewerQueueBytes())));
        });
    }

    /**
     * LL-HLS: {@code path} is {@code .m3u8} (the playlist) or {@code /<session>/<file>} (init section,
     * segment or part), as {@code StreamNames.HLS_PATH} captures it. Admitted like an HTTP-FLV viewer.
     */
    public void playHls(String stream, String path, HttpServerRequest request) {
        if (draining) {
            HlsSession.error(request, 503, CloseReason.SHUTDOWN.label);
            return;
        }
        admit(stream, request.getParam("token")).onComplete(live -> {
            if (live.failed()) {
                PlayAdmission.Refusal.of(live.cause()).answer(request);
            } else if (!live.result()) {
                HlsSession.error(request, 404, CloseReason.STREAM_NOT_FOUND.label + ": " + stream);
            } else {
                onContext(() -> hls.handle(stream, path, request));
            }
        });
    }

    /** Plays a WebSocket-FLV viewer whose socket is already upgraded (by a gateway that checked its play token). */
    public void play(String stream, ServerWebSocket ws) {
        play(stream, ws, null, null);
    }

    private void play(String stream, ServerWebSocket ws, String token, Carried carried) {
        if (draining) {
            ws.close(CloseReason.SHUTDOWN.code, CloseReason.SHUTDOWN.label);
            return;
        }
        admit(stream, token).onComplete(live -> {
            if (live.succeeded() && live.result()) {
                onContext(() -> {
                    attach(stream, Sinks.webSocket(ws, config.viewerQueueBytes()));
                    if (carried != null) {
                        listenForGateway(ws, token, carried);
                    }
                });
            } else if (live.failed()) { // a token refused, or the registry cannot be read: not the stream's fault
                PlayAdmission.Refusal refusal = PlayAdmission.Refusal.of(live.cause());
                if (refusal.close() == CloseReason.UNAVAILABLE) {
                    LOG.log(System.Logger.Level.WARNING, "stream {0}: registry unavailable: {1}", LogField.stream(stream), live.cause().toString());
                }
                refusal.close(ws);
            } else {
                ws.close(CloseReason.STREAM_NOT_FOUND.code, CloseReason.STREAM_NOT_FOUND.label);
            }
        });
    }

    /**
     * A gateway's feed (its token has the {@code gateway} role, which only holders of the cluster's
     * signing key can mint) says how many viewers it carries, {@code {"viewers": n}}, whenever that
     * changes: the relay's load in the registry counts them in place of the one connection, so that
     * spill-over and {@code /api/streams} see viewers, not connections. What other sockets say is ignored.
     */
    private void listenForGateway(ServerWebSocket ws, String token, Carried carried) {
        playTokens.verify(token).onSuccess(claims -> onContext(() -> {
            if (PlayAccess.GATEWAY_ROLE.equals(claims.getString("role")) && !ws.isClosed()) {
                feeds.put(ws, carried);
            }
        }));
    }

    /** What a gateway's feed said it carries; until it says, the one connection. */
    private static final class Carried {
        private static final int MAX = 10_000_000;
        final String stream;
        volatile int viewers = 1;

        Carried(String stream) {
            this.stream = stream;
        }

        void said(String text) {
            try {
                viewers = Math.max(0, Math.min(MAX, new JsonObject(text).getInteger("viewers", 1)));
            } catch (RuntimeException notAReport) {
                // a viewer has nothing to say: ignored
            }
        }
    }

    /** Viewers per stream on this relay, with those the gateways' feeds carry. */
    public Map<String, Integer> viewers() {
        Map<String, Integer> out = new HashMap<>();
        hubs.forEach((name, hub) -> out.put(name, hub.viewerCount()));
        feeds.keySet().removeIf(ServerWebSocket::isClosed);
        feeds.values().forEach(c -> out.computeIfPresent(c.stream, (name, n) -> n - 1 + c.viewers));
        return out;
    }

    public Future<Void> close() {
        return drain(Duration.ZERO);
    }

    /**
     * Graceful shutdown: leave the relay registry at once (gateways stop sending viewers here),
     * let the current viewers play on for {@code grace}, then close them with {@code shutdown} so
     * that they reconnect through a gateway to another relay.
     */
    public Future<Void> drain(Duration grace) {
        draining = true;
        vertx.cancelTimer(housekeeping);
        return relays.remove(relayId).recover(e -> Future.succeededFuture())
                .compose(v -> grace.isZero() ? Future.<Void>succeededFuture()
                        : Future.<Void>future(p -> vertx.setTimer(grace.toMillis(), id -> p.complete())))
                .onComplete(v -> List.copyOf(hubs.values()).forEach(hub -> hub.close(CloseReason.SHUTDOWN)));
    }

    void attach(String stream, ViewerSink sink) {
        StreamHub hub = hubs.computeIfAbsent(stream, name -> new StreamHub(name, vertx, config,
                meters.computeIfAbsent(name, metrics::forStream), () -> {
                    hubs.remove(name);
                    meters.remove(name);
                    privateStreams.remove(name);
                }));
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: + {1}", LogField.stream(stream), sink.describe(), LogField.client(sink.address()));
        hub.add(new Viewer(sink));
    }

    /**
     * Whether a viewer of {@code stream} may join: at once when this relay already plays it (a
     * hub that is live and not waiting for its publisher: its lease is checked every 2 s), else
     * from the registry. On the relay's context.
     */
    private Future<Boolean> admit(String stream) {
        Promise<Boolean> admitted = Promise.promise();
        onContext(() -> {
            StreamHub hub = hubs.get(stream);
            if (hub != null && hub.ready() && !hub.inGrace()) {
                admitted.complete(true);
            } else {
                isLive(stream).onComplete(admitted);
            }
        });
        return admitted.future();
    }

    /**
     * {@link #admit(String)}, then, on a relay that checks play tokens, a private stream's token
     * (fails with {@link PlayAccess.Refused}). Whether the stream is private comes from the registry
     * read that admitted it, or, for a stream this relay already plays, from its lease check every 2 s.
     */
    private Future<Boolean> admit(String stream, String token) {
        return admit(stream).compose(live -> live && admission != null
                ? admission.admit(stream, token).map(true)
                : Future.succeededFuture(live));
    }

    private Future<Boolean> isLive(String stream) {
        StreamHub hub = hubs.get(stream);
        if (hub != null && hub.inGrace()) {
            // who may watch a private stream is checked against the registry, which lacks it now
            return Future.succeededFuture(!privateStreams.contains(stream));
        }
        return streams.get(stream).map(info -> {
            if (info.isPresent() && info.get().privateStream()) {
                privateStreams.add(stream);
            } else {
                privateStreams.remove(stream);
            }
            return info.isPresent();
        });
    }

    /**
     * A stream whose registry lease lapsed has lost its ingest node (a clean unpublish sends
     * {@code Ended} and puts the hub in grace instead): its viewers are told at once.
     */
    private void closeStreamsWhoseLeaseLapsed() {
        for (StreamHub hub : List.copyOf(hubs.values())) {
            if (hub.ready() && !hub.inGrace()) {
                streams.get(hub.stream()).onSuccess(info -> {
                    if (info.isPresent() && info.get().privateStream()) { // a new publishing session may differ
                        privateStreams.add(hub.stream());
                    } else if (info.isPresent()) {
                        privateStreams.remove(hub.stream());
                    }
                    if (info.isEmpty() && hubs.get(hub.stream()) == hub && !hub.inGrace()) {
                        LOG.log(System.Logger.Level.INFO, "stream {0}: lease lapsed, its ingest node is gone", LogField.stream(hub.stream()));
                        hub.close(CloseReason.STREAM_ENDED);
                    }
                });
            }
        }
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private void housekeeping() {
        long now = System.nanoTime();
        List.copyOf(hubs.values()).forEach(hub -> hub.closeStalledViewers(now));
        hls.housekeeping(now);
        if (leaseTicks % 4 == 0) {
            closeStreamsWhoseLeaseLapsed();
        }
        if (leaseTicks++ % 2 == 0) {
            JsonObject viewers = new JsonObject();
            int total = 0;
            for (Map.Entry<String, Integer> stream : viewers().entrySet()) {
                viewers.put(stream.getKey(), stream.getValue());
                total += stream.getValue();
            }
            long bytes = metrics.bytesOut();
            long egressBps = (long) ((bytes - lastBytesOut) * 8 / (HOUSEKEEPING_MS * 2 / 1000.0));
            lastBytesOut = bytes;
            JsonObject entry = new JsonObject().put("url", url);
            if (publicUrl != null) {
                entry.put("publicUrl", publicUrl);
            }
            relays.renew(relayId, entry
                    .put("viewers", viewers)
                    .put("totalViewers", total)
                    .put("egressBps", egressBps), LEASE);
        }
    }
}
