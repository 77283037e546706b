package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.fanout.FlvTag;
import io.livestream.fanout.TagWindow;
import io.livestream.fanout.ViewerSink;
import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;

import java.util.function.Consumer;

/**
 * An LL-HLS session as one viewer of the stream's {@code FanOut}: it starts on the GOP the fan-out
 * keeps and takes each window's tags like any viewer, handing their packets to the segmenter
 * instead of a socket (the FLV header and raw bytes it ignores). It never reports a full queue: the
 * segmenter's window bounds its memory. Sequence headers after frames mean a new publishing session
 * (on the hub's one timeline), which {@code onPublisherChange} is told of first.
 */
final class HlsSink implements ViewerSink {
    private static final System.Logger LOG = System.getLogger(HlsSink.class.getName());
    private final String stream;
    private final Consumer<MediaPacket> packets;
    private final Runnable onPublisherChange;
    private final Consumer<CloseReason> onEnded;
    private Runnable closeHandler;
    private boolean closed;
    private boolean framesSeen;

    /** {@code onEnded}: the session can go on no more (the fan-out closed this sink, or the segmenter failed). */
    HlsSink(String stream, Consumer<MediaPacket> packets, Runnable onPublisherChange, Consumer<CloseReason> onEnded) {
        this.stream = stream;
        this.packets = packets;
        this.onPublisherChange = onPublisherChange;
        this.onEnded = onEnded;
    }

    @Override
    public void write(Buffer data) {
        // the FLV header a viewer starts with: nothing for HLS
    }

    @Override
    public void write(FlvTag tag) {
        take(tag.packet());
    }

    @Override
    public void write(TagWindow window) {
        for (FlvTag tag : window.tags()) {
            take(tag.packet());
        }
    }

    private void take(MediaPacket p) {
        if (closed) {
            return;
        }
        try {
            if (p.isSequenceHeader() && framesSeen) {
                framesSeen = false;
                onPublisherChange.run();
            } else if (!p.isSequenceHeader() && p.kind() != MediaPacket.Kind.SCRIPT) {
                framesSeen = true;
            }
            packets.accept(p);
        } catch (RuntimeException e) {
            // never the fan-out's problem: this session ends, the stream's other viewers go on
            LOG.log(System.Logger.Level.WARNING, "stream {0}: LL-HLS session failed on {1}: {2}", LogField.stream(stream), p, e.toString());
            leave();
            onEnded.accept(CloseReason.PROTOCOL_VIOLATION);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public void drainHandler(Runnable onDrain) {
    }

    @Override
    public void closeHandler(Runnable onClose) {
        if (closed) {
            onClose.run();
        } else {
            closeHandler = onClose;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** The fan-out closes it (the stream ended, the relay stops), and forgets it itself. */
    @Override
    public void close(CloseReason reason) {
        if (!closed) {
            closed = true;
            onEnded.accept(reason);
        }
    }

    /** Leaves the fan-out (its close handler removes this viewer): nobody has played the session for a while, or it failed. */
    void leave() {
        if (!closed) {
            closed = true;
            if (closeHandler != null) {
                closeHandler.run();
            }
        }
    }

    @Override
    public String describe() {
        return "LL-HLS " + stream;
    }
}
