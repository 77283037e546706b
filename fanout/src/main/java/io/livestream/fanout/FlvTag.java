package io.livestream.fanout;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;

/**
 * A packet encoded once as FLV tag bytes; the same memory is written to every viewer: as it is
 * to HTTP-FLV viewers ({@link #bytes}), and with a WebSocket binary frame header in front to
 * WebSocket viewers ({@link #webSocketFrame}), so neither copies nor re-frames per viewer. The
 * bytes live off-heap (the socket writes them without a copy into a direct buffer); the memory
 * is the JDK's, freed when the tag is collected, and the wrappers ignore the release each write does.
 * {@code isHeader}: metadata, a sequence header or an Enhanced RTMP video Metadata packet, which a viewer that skips keeps to send first.
 */
public record FlvTag(MediaPacket packet, Buffer bytes, ByteBuf webSocketFrame, boolean isHeader) {

    static FlvTag of(MediaPacket packet) {
        int size = Flv.encodedSize(packet);
        int header = WebSocketFrames.headerSize(size);
        int start = WebSocketFrames.MAX_HEADER;
        ByteBuf buf = Unpooled.unreleasableBuffer(
                Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(start + size)).clear().writerIndex(start));
        Flv.writeTag(buf, packet);
        WebSocketFrames.setBinaryHeader(buf, start - header, size);
        return new FlvTag(packet, BufferInternal.buffer(buf.slice(start, size)), buf.slice(start - header, header + size),
                packet.isMetadata() || packet.isSequenceHeader() || packet.isVideoMetadata());
    }

    boolean isKeyframe() {
        return packet.isKeyframe();
    }

    int size() {
        return bytes.length();
    }
}
