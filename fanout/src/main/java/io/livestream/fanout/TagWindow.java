package io.livestream.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The tags a stream delivered between two flushes. A viewer that took every one of them (nearly
 * all viewers, nearly always) gets them at the flush as one buffer, concatenated once for all
 * such viewers: one write and one flush per viewer per window, however many tags it holds. The
 * buffers live off-heap like {@link FlvTag}'s and are never reused: a window is replaced, not
 * cleared, since sockets may still be sending its bytes.
 */
public final class TagWindow {
    private final List<FlvTag> tags = new ArrayList<>(8);
    private int size;
    private boolean hasFrames;
    private ByteBuf frames;
    private Buffer bytes;

    void add(FlvTag tag) {
        tags.add(tag);
        size += tag.size();
        hasFrames |= !tag.isHeader();
    }

    /** The FLV bytes of its tags. */
    public int size() {
        return size;
    }

    /** Whether it holds audio or video frames, not only metadata and sequence headers. */
    public boolean hasFrames() {
        return hasFrames;
    }

    public List<FlvTag> tags() {
        return tags;
    }

    public boolean isEmpty() {
        return tags.isEmpty();
    }

    /** Every tag's WebSocket frame, back to back (one frame per tag, as {@link FlvTag#webSocketFrame}). */
    ByteBuf webSocketFrames() {
        if (frames == null) {
            frames = concat(FlvTag::webSocketFrame);
        }
        return frames;
    }

    /** Every tag's FLV bytes, back to back, for HTTP-FLV viewers. */
    public Buffer flvBytes() {
        if (bytes == null) {
            bytes = BufferInternal.buffer(concat(tag -> ((BufferInternal) tag.bytes()).getByteBuf()));
        }
        return bytes;
    }

    private ByteBuf concat(Function<FlvTag, ByteBuf> part) {
        if (tags.size() == 1) {
            return part.apply(tags.get(0));
        }
        int size = 0;
        for (FlvTag tag : tags) {
            size += part.apply(tag).readableBytes();
        }
        ByteBuf out = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)).clear());
        for (FlvTag tag : tags) {
            ByteBuf b = part.apply(tag);
            out.writeBytes(b, b.readerIndex(), b.readableBytes());
        }
        return out;
    }
}
