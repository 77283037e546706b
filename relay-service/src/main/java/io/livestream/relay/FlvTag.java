package io.livestream.relay;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;

/**
 * A packet encoded once as FLV tag bytes; the same buffer is written to every viewer. The bytes
 * live off-heap, so the socket writes them as they are instead of copying them into a direct
 * buffer once per viewer; the memory is the JDK's (freed when the tag is collected), and the
 * Netty wrapper ignores the release each write does.
 */
record FlvTag(MediaPacket packet, Buffer bytes) {

    static FlvTag of(MediaPacket packet) {
        ByteBuffer direct = ByteBuffer.allocateDirect(Flv.encodedSize(packet));
        ByteBuf buf = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).clear());
        Flv.writeTag(buf, packet);
        return new FlvTag(packet, BufferInternal.buffer(buf));
    }

    boolean isKeyframe() {
        return packet.isKeyframe();
    }

    boolean isHeader() {
        return packet.isMetadata() || packet.isSequenceHeader();
    }

    int size() {
        return bytes.length();
    }
}
