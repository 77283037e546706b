package io.livestream.launcher.bench;

import io.livestream.media.flv.FlvReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.buffer.BufferInternal;

import java.net.URI;

/** One measured player: parses the FLV it receives and notes bytes and time to first keyframe. */
final class BenchViewer {
    private final FlvReader reader = new FlvReader(16 * 1024 * 1024);
    private final ByteBuf pending = Unpooled.buffer();
    private long connectNanos;
    /** When the WebSocket upgrade (or the HTTP response head) arrived: the server's part starts there. */
    private volatile long openNanos = -1;
    volatile long firstKeyframeNanos = -1;
    volatile long bytes;
    volatile long bytesAtWindowStart;
    volatile String failure;
    volatile boolean closed;
    /** Measures delay from the clock cue points (parses every tag), or only counts bytes after the first keyframe. */
    final boolean probe;
    final java.util.List<Long> delaysMs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    volatile boolean measuring;

    BenchViewer(boolean probe) {
        this.probe = probe;
    }

    Future<Void> start(URI url, WebSocketClient ws, HttpClient http) {
        connectNanos = System.nanoTime();
        if (url.getScheme().startsWith("ws")) {
            ClientWebSocket socket = ws.webSocket();
            socket.binaryMessageHandler(this::onBytes);
            socket.closeHandler(v -> {
                closed = true;
                if (socket.closeStatusCode() != null && socket.closeStatusCode() != 1000) {
                    failure = "closed " + socket.closeStatusCode() + " " + socket.closeReason();
                }
            });
            return socket.connect(url.getPort(), url.getHost(), url.getRawPath()).<Void>mapEmpty()
                    .onSuccess(v -> opened())
                    .onFailure(e -> failure = "connect: " + e.getMessage());
        }
        return http.request(HttpMethod.GET, url.getPort(), url.getHost(), url.getRawPath())
                .compose(req -> req.send())
                .compose(resp -> {
                    opened();
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture("HTTP " + resp.statusCode());
                    }
                    resp.handler(this::onBytes);
                    resp.endHandler(v -> closed = true);
                    return Future.<Void>succeededFuture();
                })
                .onFailure(e -> failure = "connect: " + e.getMessage());
    }

    private void onBytes(Buffer data) {
        bytes += data.length();
        if (firstKeyframeNanos >= 0 && !probe) {
            return; // after the first keyframe only bytes are counted: parsing would cost the client, not the server
        }
        pending.writeBytes(((BufferInternal) data).getByteBuf());
        try {
            reader.feed(pending, p -> {
                if (p.isKeyframe() && firstKeyframeNanos < 0) {
                    firstKeyframeNanos = System.nanoTime();
                }
                if (measuring) {
                    io.livestream.media.flv.ScriptTags.serverTime(p)
                            .ifPresent(sent -> delaysMs.add(System.currentTimeMillis() - sent));
                }
            });
        } catch (RuntimeException e) {
            failure = "bad FLV: " + e.getMessage();
        }
        pending.discardReadBytes();
    }

    private void opened() {
        if (openNanos < 0) {
            openNanos = System.nanoTime();
        }
    }

    /** From starting the connect (TCP, upgrade, and the client's own queueing during a connect storm). */
    double firstKeyframeMs() {
        return firstKeyframeNanos < 0 ? Double.NaN : (firstKeyframeNanos - connectNanos) / 1e6;
    }

    /** From the upgrade response to the first keyframe: what the server's late-join path costs. */
    double firstKeyframeAfterOpenMs() {
        return firstKeyframeNanos < 0 || openNanos < 0 ? Double.NaN : Math.max(0, firstKeyframeNanos - openNanos) / 1e6;
    }
}
