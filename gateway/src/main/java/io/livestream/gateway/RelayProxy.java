package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * Plays {@code /live/<stream>.flv} through the relay the {@link RelayDirectory} chooses, piping
 * the bytes with back-pressure: when a viewer's queue at the gateway is full, the relay socket is
 * paused, TCP pushes back to the relay, and the relay makes that viewer skip to a keyframe. A
 * relay connection that dies without a close reason closes the viewer with {@code relay-lost}.
 * The viewer's query goes along: the relay checks a private stream's play token too. An HTTP-FLV
 * viewer whose relay has a public URL is redirected there instead (WebSocket clients do not follow
 * redirects: the watch page asks {@code /api/play} where to connect).
 */
public final class RelayProxy implements PlayBackend.Player {
    private static final System.Logger LOG = System.getLogger(RelayProxy.class.getName());
    private static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final int CONNECT_ATTEMPTS = 3;

    private final RelayDirectory directory;
    private final int viewerQueueBytes;
    private final WebSocketClient webSockets;
    private final HttpClient http;

    public RelayProxy(Vertx vertx, RelayDirectory directory, int viewerQueueBytes) {
        this.directory = directory;
        this.viewerQueueBytes = viewerQueueBytes;
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE).setMaxMessageSize(MAX_MESSAGE)
                .setMaxConnections(100_000).setTcpNoDelay(true));
        this.http = vertx.createHttpClient(new HttpClientOptions().setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(100_000));
    }

    @Override
    public void play(String stream, ServerWebSocket viewer) {
        pipeWebSocket(viewer, stream, path(stream, viewer.query()), CONNECT_ATTEMPTS);
    }

    @Override
    public void play(String stream, HttpServerRequest request) {
        var relay = directory.choose(stream);
        if (relay.isEmpty()) {
            request.response().setStatusCode(503).putHeader("Access-Control-Allow-Origin", "*").end("no relay available\n");
        } else if (relay.get().publicUrl().isPresent()) {
            redirect(request, relay.get(), relay.get().publicUrl().get() + path(stream, request.query()));
        } else {
            pipeHttp(request, relay.get(), path(stream, request.query()));
        }
    }

    /**
     * Sends an HTTP-FLV viewer to a relay that viewers can reach (ffplay, VLC, mpv and mpegts.js
     * follow a 302): the bytes then cost this gateway nothing. The query (a play token) goes along.
     */
    private void redirect(HttpServerRequest request, RelayDirectory.RelayLoad relay, String location) {
        LOG.log(System.Logger.Level.DEBUG, "http viewer {0} redirected to relay {1}", request.remoteAddress(), relay.id());
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

    /** Connects the viewer to a relay; a relay that cannot be reached is suspected and another tried. */
    private void pipeWebSocket(ServerWebSocket viewer, String stream, String path, int attemptsLeft) {
        var chosen = directory.choose(stream);
        if (chosen.isEmpty() || viewer.isClosed()) {
            if (!viewer.isClosed()) {
                viewer.close(CloseReason.RELAY_LOST.code, CloseReason.RELAY_LOST.label);
            }
            return;
        }
        RelayDirectory.RelayLoad relay = chosen.get();
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: viewer {1} -> relay {2} ({3} viewers)", stream, viewer.remoteAddress(), relay.id(), relay.viewers());
        Runnable unpipe = pipingOnce(relay);
        viewer.setWriteQueueMaxSize(viewerQueueBytes);
        ClientWebSocket upstream = webSockets.webSocket();
        upstream.binaryMessageHandler(message -> {
            if (viewer.isClosed()) {
                return; // closing: the relay socket follows
            }
            viewer.writeBinaryMessage(message);
            if (viewer.writeQueueFull()) {
                upstream.pause();
                viewer.drainHandler(v -> upstream.resume());
            }
        });
        boolean[] opened = {false};
        upstream.closeHandler(v -> {
            if (viewer.isClosed() || !opened[0]) {
                return;
            }
            Short code = upstream.closeStatusCode();
            if (code == null || code == 1006 || code == 1001 || code < 4000) {
                viewer.close(CloseReason.RELAY_LOST.code, CloseReason.RELAY_LOST.label);
            } else {
                viewer.close(code, upstream.closeReason()); // the relay's named reason, passed on
            }
        });
        upstream.exceptionHandler(e -> LOG.log(System.Logger.Level.DEBUG, "relay {0}: {1}", relay.id(), e.toString()));
        viewer.closeHandler(v -> {
            unpipe.run();
            if (!upstream.isClosed()) {
                upstream.close();
            }
        });
        upstream.connect(port(relay), relay.url().getHost(), path).onSuccess(ws -> {
            opened[0] = true;
            if (viewer.isClosed()) {
                upstream.close(); // the viewer left while the relay was being reached
            }
        }).onFailure(e -> {
            LOG.log(System.Logger.Level.INFO, "relay {0} unreachable: {1}", relay.id(), e.getMessage());
            directory.suspect(relay.id());
            unpipe.run();
            if (attemptsLeft > 1) {
                pipeWebSocket(viewer, stream, path, attemptsLeft - 1);
            } else if (!viewer.isClosed()) {
                viewer.close(CloseReason.RELAY_LOST.code, CloseReason.RELAY_LOST.label);
            }
        });
    }

    private void pipeHttp(HttpServerRequest request, RelayDirectory.RelayLoad relay, String path) {
        HttpServerResponse response = request.response();
        LOG.log(System.Logger.Level.DEBUG, "{0}: http viewer {1} -> relay {2} ({3} viewers)", path, request.remoteAddress(), relay.id(), relay.viewers());
        Runnable unpipe = pipingOnce(relay);
        response.closeHandler(v -> unpipe.run());
        response.endHandler(v -> unpipe.run());
        response.setWriteQueueMaxSize(viewerQueueBytes);
        request.pause();
        http.request(HttpMethod.GET, port(relay), relay.url().getHost(), path)
                .compose(upstream -> upstream.send())
                .onSuccess(upstream -> {
                    response.setStatusCode(upstream.statusCode());
                    upstream.headers().forEach((name, value) -> {
                        if (!name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("content-length")
                                && !name.equalsIgnoreCase("connection")) {
                            response.putHeader(name, value);
                        }
                    });
                    if (upstream.statusCode() == 200) {
                        response.setChunked(true);
                    }
                    // Piped by hand rather than with pipeTo: a viewer that hangs up must close the relay
                    // connection at once (the relay then drops that viewer), whatever the pipe was doing.
                    Runnable hangUp = () -> {
                        unpipe.run();
                        upstream.request().connection().close();
                    };
                    if (response.closed()) {
                        hangUp.run();
                        return;
                    }
                    response.closeHandler(v -> hangUp.run());
                    upstream.handler(chunk -> {
                        if (response.closed() || response.ended()) {
                            hangUp.run();
                            return;
                        }
                        response.write(chunk);
                        if (response.writeQueueFull()) {
                            upstream.pause();
                            response.drainHandler(v -> upstream.resume());
                        }
                    });
                    upstream.endHandler(v -> {
                        if (!response.closed() && !response.ended()) {
                            response.end();
                        }
                    });
                    upstream.exceptionHandler(e -> request.connection().close());
                })
                .onFailure(e -> {
                    LOG.log(System.Logger.Level.INFO, "relay {0} unreachable: {1}", relay.id(), e.getMessage());
                    directory.suspect(relay.id());
                    if (!response.ended()) {
                        response.setStatusCode(502).end(CloseReason.RELAY_LOST.label + "\n");
                    }
                });
    }

    /** Counts a viewer against {@code relay}; the returned action uncounts it, once. */
    private Runnable pipingOnce(RelayDirectory.RelayLoad relay) {
        directory.piping(relay);
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                directory.unpiped(relay);
            }
        };
    }

    private static int port(RelayDirectory.RelayLoad relay) {
        return relay.url().getPort() > 0 ? relay.url().getPort() : 80;
    }
}
