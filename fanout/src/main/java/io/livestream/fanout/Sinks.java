package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

/** The two ways a viewer plays: WebSocket-FLV (binary messages of whole tags) and chunked HTTP-FLV. */
public final class Sinks {
    private Sinks() {
    }

    /**
     * A WebSocket viewer. Tags go straight to the connection's Netty pipeline as the frames
     * {@link FlvTag} encoded once (a view per viewer, no copy, no frame encoding), and wait there
     * until {@link ViewerSink#flush()}: the hub flushes each viewer once per batch of tags, one
     * syscall instead of one per tag. Vert.x's own write path ({@code writeBinaryMessage})
     * encodes a frame and flushes at every call; it is kept as the fallback for a WebSocket
     * whose channel cannot be reached.
     */
    public static ViewerSink webSocket(ServerWebSocket ws, int queueBytes) {
        ws.setWriteQueueMaxSize(queueBytes);
        ChannelHandlerContext chctx = NettyChannels.of(ws);
        return chctx != null ? new PipelineWebSocketSink(ws, chctx) : new WebSocketSink(ws);
    }

    /** WebSocket-FLV through Vert.x: one binary message per tag, flushed at once. */
    private static class WebSocketSink implements ViewerSink {
        final ServerWebSocket ws;

        WebSocketSink(ServerWebSocket ws) {
            this.ws = ws;
        }

        @Override
        public void write(Buffer data) {
            if (!ws.isClosed()) {
                ws.writeBinaryMessage(data);
            }
        }

        /** One binary message per tag, as the contract says (a window is not one message). */
        @Override
        public void write(TagWindow window) {
            window.tags().forEach(this::write);
        }

        @Override
        public boolean writeQueueFull() {
            return !ws.isClosed() && ws.writeQueueFull();
        }

        @Override
        public void drainHandler(Runnable onDrain) {
            ws.drainHandler(v -> onDrain.run());
        }

        @Override
        public void closeHandler(Runnable onClose) {
            ws.closeHandler(v -> onClose.run());
            if (ws.isClosed()) {
                onClose.run();
            }
        }

        @Override
        public boolean isClosed() {
            return ws.isClosed();
        }

        @Override
        public void close(CloseReason reason) {
            if (!ws.isClosed()) {
                ws.close(reason.code, reason.label);
            }
        }

        @Override
        public String describe() {
            return "ws-flv " + ws.remoteAddress();
        }

        @Override
        public String address() {
            return ws.remoteAddress() == null ? "" : ws.remoteAddress().hostAddress();
        }
    }

    /**
     * WebSocket-FLV written below Vert.x, into the channel at the connection's handler: the
     * frame encoder passes the pre-encoded frames through, TLS (WSS) still applies. The write
     * queue is the channel's outbound buffer, bounded by the water marks
     * {@code setWriteQueueMaxSize} sets, so "full" is the channel not being writable.
     */
    private static final class PipelineWebSocketSink extends WebSocketSink {
        private final ChannelHandlerContext chctx;
        private boolean unflushed;

        PipelineWebSocketSink(ServerWebSocket ws, ChannelHandlerContext chctx) {
            super(ws);
            this.chctx = chctx;
        }

        @Override
        public void write(Buffer data) {
            if (!ws.isClosed()) {
                chctx.write(WebSocketFrames.binaryFrame(((BufferInternal) data).getByteBuf()), chctx.voidPromise());
                unflushed = true;
            }
        }

        @Override
        public void write(FlvTag tag) {
            if (!ws.isClosed()) {
                // a view of its own: the outbound buffer moves the reader index as it writes
                chctx.write(tag.webSocketFrame().duplicate(), chctx.voidPromise());
                unflushed = true;
            }
        }

        @Override
        public void write(TagWindow window) {
            if (!ws.isClosed()) {
                chctx.write(window.webSocketFrames().duplicate(), chctx.voidPromise());
                unflushed = true;
            }
        }

        @Override
        public void flush() {
            if (unflushed) {
                unflushed = false;
                chctx.flush();
            }
        }

        @Override
        public boolean writeQueueFull() {
            return !ws.isClosed() && !chctx.channel().isWritable();
        }
    }

    /**
     * A chunked HTTP-FLV viewer. The response's head goes with the first bytes; one closed before
     * them (the stream was not found, its relay was lost) answers a status for the reason instead.
     */
    public static ViewerSink httpFlv(HttpServerRequest request, int queueBytes) {
        request.response().setWriteQueueMaxSize(queueBytes);
        return new HttpFlvSink(request);
    }

    private static final class HttpFlvSink implements ViewerSink {
        private final HttpServerRequest request;
        private final HttpServerResponse response;

        HttpFlvSink(HttpServerRequest request) {
            this.request = request;
            this.response = request.response();
        }

        @Override
        public void write(Buffer data) {
            if (!response.closed()) {
                if (!response.headWritten()) {
                    flvHead(response);
                }
                response.write(data);
            }
        }

        @Override
        public boolean writeQueueFull() {
            return !response.closed() && response.writeQueueFull();
        }

        @Override
        public void drainHandler(Runnable onDrain) {
            response.drainHandler(v -> onDrain.run());
        }

        @Override
        public void closeHandler(Runnable onClose) {
            response.closeHandler(v -> onClose.run());
            if (response.closed()) {
                onClose.run();
            }
        }

        @Override
        public boolean isClosed() {
            return response.closed();
        }

        /** HTTP has no close reason: a clean end when the stream ended, a reset otherwise. */
        @Override
        public void close(CloseReason reason) {
            if (response.closed()) {
                return;
            }
            if (!response.headWritten()) {
                response.setStatusCode(statusBefore(reason)).putHeader("Content-Type", "text/plain")
                        .putHeader("Access-Control-Allow-Origin", "*").end(reason.label + "\n");
            } else if (reason == CloseReason.STREAM_ENDED || reason == CloseReason.SHUTDOWN) {
                response.end();
            } else {
                request.connection().close();
            }
        }

        @Override
        public String describe() {
            return "http-flv " + request.remoteAddress();
        }

        @Override
        public String address() {
            return request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        }
    }

    /** The head of an HTTP-FLV response (the relay sets it before its checks; a gateway's feed with the first bytes). */
    public static void flvHead(HttpServerResponse response) {
        response.setChunked(true)
                .putHeader("Content-Type", "video/x-flv")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("Access-Control-Allow-Origin", "*");
    }

    /** The status of an HTTP-FLV viewer closed before its first bytes. */
    private static int statusBefore(CloseReason reason) {
        return switch (reason) {
            case STREAM_NOT_FOUND, STREAM_ENDED -> 404;
            case BAD_TOKEN -> 401;
            case SLOW_CONSUMER -> 429;
            default -> 503;
        };
    }
}
