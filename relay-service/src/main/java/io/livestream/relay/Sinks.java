package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

/** The two ways a viewer plays: WebSocket-FLV (one binary message per tag) and chunked HTTP-FLV. */
final class Sinks {
    private Sinks() {
    }

    static ViewerSink webSocket(ServerWebSocket ws, int queueBytes) {
        ws.setWriteQueueMaxSize(queueBytes);
        return new ViewerSink() {
            @Override
            public void write(Buffer data) {
                if (!ws.isClosed()) {
                    ws.writeBinaryMessage(data);
                }
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
        };
    }

    static ViewerSink httpFlv(HttpServerRequest request, int queueBytes) {
        HttpServerResponse response = request.response();
        response.setWriteQueueMaxSize(queueBytes);
        return new ViewerSink() {
            @Override
            public void write(Buffer data) {
                if (!response.closed()) {
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
                if (reason == CloseReason.STREAM_ENDED || reason == CloseReason.SHUTDOWN) {
                    response.end();
                } else {
                    request.connection().close();
                }
            }

            @Override
            public String describe() {
                return "http-flv " + request.remoteAddress();
            }
        };
    }
}
