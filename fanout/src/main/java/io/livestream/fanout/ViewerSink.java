package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.vertx.core.buffer.Buffer;

/** Where a viewer's FLV bytes go: a WebSocket, a chunked HTTP response, or a test double. */
public interface ViewerSink {

    /** Writes {@code data}; it may wait in the sink until {@link #flush()}. */
    void write(Buffer data);

    /** Writes a shared tag (a sink may write its pre-encoded form); it may wait until {@link #flush()}. */
    default void write(FlvTag tag) {
        write(tag.bytes());
    }

    /** Writes every tag of a flush window, concatenated once for all viewers (a sink may write its pre-encoded form). */
    default void write(TagWindow window) {
        write(window.flvBytes());
    }

    /** Sends what the writes since the last flush left waiting: one syscall for a batch of tags. */
    default void flush() {
    }

    /** True while more bytes are queued for this viewer than its bound allows. */
    boolean writeQueueFull();

    void drainHandler(Runnable onDrain);

    /** Runs {@code onClose} when the connection closes, or at once if it already has. */
    void closeHandler(Runnable onClose);

    boolean isClosed();

    /** Closes with a named reason the client can see (WebSocket close reason; HTTP: end or reset). */
    void close(CloseReason reason);

    String describe();

    /** The viewer's address (its TCP peer's host), for the logs' {@code client} field; "" when there is none. */
    default String address() {
        return "";
    }
}
