package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.vertx.core.buffer.Buffer;

/** Where a viewer's FLV bytes go: a WebSocket, a chunked HTTP response, or a test double. */
interface ViewerSink {

    void write(Buffer data);

    /** True while more bytes are queued for this viewer than its bound allows. */
    boolean writeQueueFull();

    void drainHandler(Runnable onDrain);

    /** Runs {@code onClose} when the connection closes, or at once if it already has. */
    void closeHandler(Runnable onClose);

    boolean isClosed();

    /** Closes with a named reason the client can see (WebSocket close reason; HTTP: end or reset). */
    void close(CloseReason reason);

    String describe();
}
