package io.livestream.gateway;

import io.livestream.common.LogField;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.net.ConnectException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * LL-HLS through a clustered gateway: each request of a stream ({@code /live/<stream>.m3u8} and
 * {@code /live/<stream>/<session>/<file>}) goes to one relay, the one whose feed carries the stream's
 * FLV viewers here if there is one, else the one the {@link RelayDirectory} chooses, kept for the
 * stream while it is asked for, so that one relay segments the stream once and a session's media
 * comes from where its playlist came from. The request goes on as it came (path and query: a play
 * token), and the relay's answer comes back as it was (status, {@code Cache-Control}, CORS,
 * {@code Content-Type}, {@code Content-Length}), its body streamed through with back-pressure. A
 * blocking reload held at the relay is held here as long (the relay bounds it; this gateway gives up
 * after {@code idleTimeout} without a byte, 504); a player that hangs up resets its request at the
 * relay, which stops holding it. A relay with a public URL is redirected to (302) as HTTP-FLV is.
 * Connections to relays are pooled and bounded per relay; past the pool and its queue, 503. A relay
 * that cannot be reached is left out for a while and the request tried on another. Confined to the
 * gateway's event loop.
 */
final class HlsProxy {
    private static final System.Logger LOG = System.getLogger(HlsProxy.class.getName());
    /** Hop-by-hop headers (RFC 9110 7.6.1), which a proxy does not pass on. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
            "trailer", "upgrade", "proxy-authenticate", "proxy-authorization");
    private static final int CONNECT_ATTEMPTS = 3;

    /** How many connections to each relay, how many requests may queue for one, and how long a silent relay is waited for. */
    record Limits(int connectionsPerRelay, int queuedRequests, Duration connectTimeout, Duration idleTimeout, Duration stickyFor) {
        static final Limits DEFAULT = new Limits(2_000, 10_000, Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    private final RelayDirectory directory;
    private final Limits limits;
    private final HttpClient client;
    /** The relay each stream's LL-HLS comes from, while it is asked for. */
    private final Map<String, Sticky> relays = new HashMap<>();

    private static final class Sticky {
        final RelayDirectory.RelayLoad relay;
        long lastUsedNanos;

        Sticky(RelayDirectory.RelayLoad relay, long now) {
            this.relay = relay;
            this.lastUsedNanos = now;
        }
    }

    HlsProxy(Vertx vertx, RelayDirectory directory, Limits limits) {
        this.directory = directory;
        this.limits = limits;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout((int) limits.connectTimeout().toMillis()),
                new PoolOptions().setHttp1MaxSize(limits.connectionsPerRelay()).setMaxWaitQueueSize(limits.queuedRequests()));
    }

    /**
     * Plays one admitted LL-HLS request of {@code stream}; {@code feedRelay} is the relay this gateway's
     * FLV feed of the stream comes from, if any ({@code path}: {@code .m3u8} or {@code /<session>/<file>}).
     */
    void play(String stream, String path, HttpServerRequest request, Function<String, Optional<RelayDirectory.RelayLoad>> feedRelay) {
        Optional<RelayDirectory.RelayLoad> relay = relayFor(stream, feedRelay);
        if (relay.isEmpty()) {
            error(request.response(), 503, "no relay available");
        } else if (relay.get().publicUrl().isPresent()) {
            String base = relay.get().publicUrl().get().toString().replaceFirst("/+$", "");
            String query = request.query();
            request.response().setStatusCode(302)
                    .putHeader("Location", base + "/live/" + stream + path + (query == null || query.isEmpty() ? "" : "?" + query))
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Access-Control-Allow-Origin", "*")
                    .end();
        } else {
            forward(stream, path, request, relay.get(), CONNECT_ATTEMPTS);
        }
    }

    /** Forgets the relays of streams nobody has asked for lately. */
    void housekeeping(long nowNanos) {
        relays.values().removeIf(s -> nowNanos - s.lastUsedNanos > limits.stickyFor().toNanos());
    }

    void close() {
        client.close();
    }

    private Optional<RelayDirectory.RelayLoad> relayFor(String stream, Function<String, Optional<RelayDirectory.RelayLoad>> feedRelay) {
        long now = System.nanoTime();
        Optional<RelayDirectory.RelayLoad> feeding = feedRelay.apply(stream);
        Sticky sticky = relays.get(stream);
        if (feeding.isPresent() && (sticky == null || sticky.relay != feeding.get())) {
            sticky = new Sticky(feeding.get(), now);
            relays.put(stream, sticky);
        } else if (sticky == null) {
            Optional<RelayDirectory.RelayLoad> chosen = directory.choose(stream);
            if (chosen.isEmpty()) {
                return chosen;
            }
            sticky = new Sticky(chosen.get(), now);
            relays.put(stream, sticky);
        }
        sticky.lastUsedNanos = now;
        return Optional.of(sticky.relay);
    }

    private void forward(String stream, String path, HttpServerRequest request, RelayDirectory.RelayLoad relay, int attemptsLeft) {
        HttpServerResponse response = request.response();
        String query = request.query();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
                .setHost(relay.url().getHost()).setPort(relay.url().getPort() > 0 ? relay.url().getPort() : 80)
                .setURI("/live/" + stream + path + (query == null || query.isEmpty() ? "" : "?" + query))
                .setIdleTimeout(limits.idleTimeout().toMillis());
        Future<HttpClientRequest> sent = client.request(options);
        sent.compose(upstream -> {
            // the player hung up while the relay held its request (or mid-body): the relay stops holding it.
            // Once the answer has ended, the connection to the relay is back in the pool, serving others: left alone.
            response.closeHandler(v -> {
                if (!response.ended()) {
                    upstream.reset();
                }
            });
            return upstream.send();
        }).onSuccess(answer -> relay(answer, response)).onFailure(e -> {
            if (response.closed() || response.ended()) {
                return;
            }
            if (e instanceof ConnectException && attemptsLeft > 1) {
                LOG.log(System.Logger.Level.INFO, "relay {0} unreachable for LL-HLS of {1}: {2}", relay.id(), LogField.stream(stream), e.getMessage());
                directory.suspect(relay.id());
                relays.remove(stream);
                directory.choose(stream).ifPresentOrElse(next -> {
                    relays.put(stream, new Sticky(next, System.nanoTime()));
                    forward(stream, path, request, next, attemptsLeft - 1);
                }, () -> error(response, 503, "no relay available"));
            } else if (e instanceof ConnectException) {
                error(response, 503, "no relay reachable");
            } else {
                LOG.log(System.Logger.Level.DEBUG, "stream {0}: LL-HLS from relay {1} failed: {2}", LogField.stream(stream), relay.id(), e.toString());
                error(response, 504, "the relay did not answer in time");
            }
        });
    }

    /** The relay's answer, passed on as it is: its status and end-to-end headers, its body streamed. */
    private static void relay(HttpClientResponse answer, HttpServerResponse response) {
        if (response.closed() || response.ended()) {
            answer.request().reset();
            return;
        }
        response.setStatusCode(answer.statusCode());
        MultiMap headers = answer.headers();
        headers.forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                response.headers().add(h.getKey(), h.getValue());
            }
        });
        if (!headers.contains("Content-Length")) {
            response.setChunked(true);
        }
        answer.pipeTo(response);
    }

    private static void error(HttpServerResponse response, int status, String message) {
        if (response.closed() || response.ended()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "text/plain").putHeader("Cache-Control", "no-store")
                .putHeader("Access-Control-Allow-Origin", "*").end(message + "\n");
    }
}
