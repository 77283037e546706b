package io.livestream.relay;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.vertx.core.buffer.Buffer;

/** A packet encoded once as FLV tag bytes; the same buffer is written to every viewer. */
record FlvTag(MediaPacket packet, Buffer bytes) {

    static FlvTag of(MediaPacket packet) {
        return new FlvTag(packet, Buffer.buffer(Flv.encodeTag(packet)));
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
