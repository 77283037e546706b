package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.livestream.fanout.FanOut;
import io.livestream.fanout.FanoutConfig;
import io.livestream.fanout.FanoutMetrics;
import io.livestream.fanout.Sinks;
import io.livestream.fanout.Viewer;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.FlvFormatException;
import io.livestream.media.flv.FlvReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Plays {@code /live/<stream>.flv} through the relays at fan-out cost: one WebSocket-FLV connection
 * per stream to the relay the {@link RelayDirectory} chooses (a feed), whose tags go into a {@link
 * FanOut}, the relay's own machinery: each tag encoded once for all this gateway's viewers of the
 * stream, writes merged by load, a GOP kept here for late joiners, a slow viewer skipping to a
 * keyframe without slowing the others. The feed tells its relay how many viewers it carries (a
 * text message {@code {"viewers": n}} when that changes, and every few seconds all the same), so the relay's load
 * in the registry is the viewers, not the connections; the relay believes it because the feed's
 * token has the {@code gateway} role, which this gateway mints. The relay's named close reasons
 * reach the viewers; a relay that dies closes them {@code relay-lost}, and is left out of choices
 * for a while so that they come back on another. An HTTP-FLV viewer whose relay has a public URL
 * is redirected there instead (ffplay, VLC, mpv and mpegts.js follow a 302; WebSocket clients do
 * not, so the watch page asks {@code /api/play} where to connect). LL-HLS goes to the same relay
 * through {@link HlsProxy}. Confined to the gateway's event loop.
 */
public final class RelayFeeds implements PlayBackend.Player {
    private static final System.Logger LOG = System.getLogger(RelayFeeds.class.getName());
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final int CONNECT_ATTEMPTS = 3;
    private static final long HOUSEKEEPING_MS = 500;
    private static final Duration FEED_TOKEN_TTL = Duration.ofMinutes(5);
    /** A feed tells its relay its viewers when they change, and at least this often (housekeeping ticks) all the same. */
    private static final int RETELL_TICKS = 10;

    private final Vertx vertx;
    private final RelayDirectory directory;
    private final FanoutConfig config;
    private final FanoutMetrics metrics;
    private final Tokens tokens;
    private final String gatewayId = "gateway-" + UUID.randomUUID();
    private final WebSocketClient webSockets;
    private final Map<String, Feed> feeds = new HashMap<>();
    private final HlsProxy hls;
    private final long housekeeping;

    public RelayFeeds(Vertx vertx, RelayDirectory directory, FanoutConfig config, FanoutMetrics metrics, Tokens tokens) {
        this.vertx = vertx;
        this.directory = directory;
        this.config = config;
        this.metrics = metrics;
        this.tokens = tokens;
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE).setMaxMessageSize(MAX_MESSAGE)
                .setMaxConnections(100_000).setTcpNoDelay(true));
        this.hls = new HlsProxy(vertx, directory, HlsProxy.Limits.DEFAULT);
        this.housekeeping = vertx.setPeriodic(HOUSEKEEPING_MS, id -> housekeeping());
    }

    @Override
    public void play(String stream, ServerWebSocket viewer) {
        join(stream, new Viewer(Sinks.webSocket(viewer, config.viewerQueueBytes())));
    }

    @Override
    public void play(String stream, HttpServerRequest request) {
        Feed feed = feeds.get(stream);
        Optional<RelayDirectory.RelayLoad> relay = feed != null && feed.relay != null ? Optional.of(feed.relay) : directory.choose(stream);
        if (relay.isEmpty()) {
            request.response().setStatusCode(503).putHeader("Access-Control-Allow-Origin", "*").end("no relay available\n");
        } else if (relay.get().publicUrl().isPresent()) {
            redirect(request, stream, relay.get(), relay.get().publicUrl().get() + path(stream, request.query()));
        } else {
            join(stream, new Viewer(Sinks.httpFlv(request, config.viewerQueueBytes())));
        }
    }

    /** LL-HLS from the relay whose feed carries the stream here, if any: one relay segments each stream ({@link HlsProxy}). */
    @Override
    public void playHls(String stream, String path, HttpServerRequest request) {
        hls.play(stream, path, request, name -> Optional.ofNullable(feeds.get(name)).map(feed -> feed.relay));
    }

    @Override
    public void close() {
        vertx.cancelTimer(housekeeping);
        hls.close();
        List.copyOf(feeds.values()).forEach(feed -> feed.fanOut.close(CloseReason.SHUTDOWN));
    }

    /**
     * Sends an HTTP-FLV viewer to a relay that viewers can reach: the bytes then cost this gateway
     * nothing. The query (a play token) goes along.
     */
    private void redirect(HttpServerRequest request, String stream, RelayDirectory.RelayLoad relay, String location) {
        LOG.log(System.Logger.Level.DEBUG, "http viewer {0} redirected to relay {1}", request.remoteAddress(), relay.id(),
                LogField.stream(stream), LogField.client(request.remoteAddress().hostAddress()));
        directory.redirected(relay);
        request.response().setStatusCode(302)
                .putHeader("Location", location)
                .putHeader("Cache-Control", "no-store")
                .putHeader("Access-Control-Allow-Origin", "*")
                .end();
    }

    private static String path(String stream, String query) {
        return "/live/" + stream + ".flv" + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** Adds the viewer to the stream's feed, opening one (the viewer waits for its first tags) if there is none. */
    private void join(String stream, Viewer viewer) {
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: + {1}", LogField.stream(stream), viewer.sink().describe(),
                LogField.client(viewer.sink().address()));
        Feed feed = feeds.get(stream);
        if (feed != null) {
            feed.fanOut.add(viewer);
            return;
        }
        feed = new Feed(stream);
        feeds.put(stream, feed);
        feed.fanOut.add(viewer);
        feed.connect(CONNECT_ATTEMPTS);
    }

    private void housekeeping() {
        long now = System.nanoTime();
        for (Feed feed : List.copyOf(feeds.values())) {
            feed.fanOut.closeStalledViewers(now);
            feed.count();
        }
        hls.housekeeping(now);
    }

    /** One stream pulled from one relay for every viewer of it here. */
    private final class Feed {
        private final String stream;
        private final FanOut fanOut;
        private final FlvReader reader = new FlvReader(MAX_MESSAGE);
        private final ByteBuf unread = Unpooled.buffer();
        private RelayDirectory.RelayLoad relay;
        private ClientWebSocket upstream;
        private boolean connected;
        /** Viewers counted against the relay in the directory. */
        private int counted;
        /** Viewers last told to the relay; -1: none told yet. */
        private int told = -1;
        /** Housekeeping ticks since the relay was last told. */
        private int sinceTold;

        Feed(String stream) {
            this.stream = stream;
            FanoutMetrics.StreamMeters meters = metrics.forStream(stream);
            this.fanOut = new FanOut(stream, config, meters, this::closed, FanOut.Clock.of(vertx), meters::processViewers);
        }

        /** Connects to the relay for the stream; one that cannot be reached is suspected and another tried. */
        void connect(int attemptsLeft) {
            var chosen = directory.choose(stream);
            if (chosen.isEmpty()) {
                fanOut.close(CloseReason.RELAY_LOST);
                return;
            }
            uncount();
            relay = chosen.get();
            count();
            LOG.log(System.Logger.Level.DEBUG, "stream {0}: feed from relay {1} ({2} viewers)", LogField.stream(stream), relay.id(), relay.viewers());
            ClientWebSocket ws = webSockets.webSocket();
            upstream = ws;
            ws.binaryMessageHandler(this::onBytes);
            ws.closeHandler(v -> {
                if (ws == upstream && connected) {
                    relayClosed(ws);
                }
            });
            ws.exceptionHandler(e -> LOG.log(System.Logger.Level.DEBUG, "relay {0}: {1}", relay.id(), e.toString()));
            String token = tokens.mint(new JsonObject().put("role", PlayAccess.GATEWAY_ROLE), gatewayId, FEED_TOKEN_TTL);
            ws.connect(port(relay), relay.url().getHost(), path(stream, "token=" + token)).onSuccess(x -> {
                if (fanOut.isClosed()) {
                    ws.close(); // the viewers left while the relay was being reached
                    return;
                }
                connected = true;
                tell();
            }).onFailure(e -> {
                if (fanOut.isClosed()) {
                    return;
                }
                LOG.log(System.Logger.Level.INFO, "relay {0} unreachable: {1}", relay.id(), e.getMessage());
                directory.suspect(relay.id());
                if (attemptsLeft > 1) {
                    connect(attemptsLeft - 1);
                } else {
                    fanOut.close(CloseReason.RELAY_LOST);
                }
            });
        }

        private void onBytes(Buffer message) {
            if (fanOut.isClosed()) {
                return;
            }
            unread.writeBytes(((BufferInternal) message).getByteBuf());
            try {
                reader.feed(unread, this::onPacket);
            } catch (FlvFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "stream {0}: relay {1} sent bad FLV: {2}", LogField.stream(stream), relay.id(), e.getMessage());
                fanOut.close(CloseReason.RELAY_LOST);
                return;
            }
            unread.discardReadBytes();
        }

        /** The relay starts a feed on its GOP, as it does any viewer: the waiting viewers start as it arrives. */
        private void onPacket(MediaPacket packet) {
            fanOut.deliver(packet);
            fanOut.open();
        }

        /** The relay closed the feed: its named reason goes to the viewers; a relay gone without one is relay-lost. */
        private void relayClosed(ClientWebSocket ws) {
            if (fanOut.isClosed()) {
                return;
            }
            Short code = ws.closeStatusCode();
            CloseReason named = CloseReason.ofCode(code).orElse(null);
            if (named == null || named == CloseReason.RELAY_LOST) {
                LOG.log(System.Logger.Level.INFO, "stream {0}: relay {1} lost ({2})", LogField.stream(stream), relay.id(), code);
                directory.suspect(relay.id());
                fanOut.close(CloseReason.RELAY_LOST);
            } else {
                fanOut.close(named);
            }
        }

        /** Counts this feed's viewers against its relay in the directory, and tells the relay when that changed. */
        void count() {
            int viewers = fanOut.viewerCount();
            for (; counted < viewers; counted++) {
                directory.piping(relay);
            }
            for (; counted > viewers; counted--) {
                directory.unpiped(relay);
            }
            tell();
        }

        private void uncount() {
            for (; counted > 0; counted--) {
                directory.unpiped(relay);
            }
        }

        private void tell() {
            int viewers = fanOut.viewerCount();
            if (connected && (viewers != told || ++sinceTold >= RETELL_TICKS) && !upstream.isClosed()) {
                told = viewers;
                sinceTold = 0;
                upstream.writeTextMessage(new JsonObject().put("viewers", viewers).encode());
            }
        }

        private void closed() {
            feeds.remove(stream, this);
            uncount();
            unread.release();
            if (connected && !upstream.isClosed()) {
                upstream.close(); // one still connecting is closed when it connects
            }
        }
    }

    private static int port(RelayDirectory.RelayLoad relay) {
        return relay.url().getPort() > 0 ? relay.url().getPort() : 80;
    }
}
