package io.livestream.common.bus;

import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary event-bus codecs for media: no JSON, no base64. Within one JVM {@code transform}
 * hands over the same immutable object, so local consumers get it without a copy.
 */
public final class MediaCodecs {
    private MediaCodecs() {
    }

    /** Registers the media codecs as the default codecs of their types; safe to call twice. */
    public static void register(EventBus bus) {
        registerOnce(bus, MediaEvent.Packet.class, new PacketCodec());
        registerOnce(bus, MediaEvent.Ended.class, new EndedCodec());
        registerOnce(bus, MediaSnapshot.class, new SnapshotCodec());
    }

    private static <T> void registerOnce(EventBus bus, Class<T> type, MessageCodec<T, T> codec) {
        try {
            bus.registerDefaultCodec(type, codec);
        } catch (IllegalStateException alreadyRegistered) {
            // another verticle of this Vert.x instance registered it first
        }
    }

    static void writePacket(Buffer out, MediaPacket p) {
        out.appendByte((byte) p.kind().tagType).appendInt(p.timestamp()).appendInt(p.size()).appendBytes(p.payload());
    }

    /** Reads a packet at {@code pos}; returns the position after it through {@code next[0]}. */
    static MediaPacket readPacket(Buffer in, int pos, int[] next) {
        MediaPacket.Kind kind = MediaPacket.Kind.ofTagType(in.getByte(pos));
        int timestamp = in.getInt(pos + 1);
        int size = in.getInt(pos + 5);
        byte[] payload = in.getBytes(pos + 9, pos + 9 + size);
        next[0] = pos + 9 + size;
        return new MediaPacket(kind, timestamp, payload);
    }

    private abstract static class SameObjectCodec<T> implements MessageCodec<T, T> {
        @Override
        public T transform(T value) {
            return value;
        }

        @Override
        public String name() {
            return "livestream." + getClass().getSimpleName();
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }

    static final class PacketCodec extends SameObjectCodec<MediaEvent.Packet> {
        @Override
        public void encodeToWire(Buffer out, MediaEvent.Packet p) {
            out.appendLong(p.epoch()).appendLong(p.seq());
            writePacket(out, p.packet());
        }

        @Override
        public MediaEvent.Packet decodeFromWire(int pos, Buffer in) {
            int[] next = new int[1];
            return new MediaEvent.Packet(in.getLong(pos), in.getLong(pos + 8), readPacket(in, pos + 16, next));
        }
    }

    static final class EndedCodec extends SameObjectCodec<MediaEvent.Ended> {
        @Override
        public void encodeToWire(Buffer out, MediaEvent.Ended e) {
            byte[] reason = e.reason().getBytes(StandardCharsets.UTF_8);
            out.appendLong(e.epoch()).appendInt(reason.length).appendBytes(reason);
        }

        @Override
        public MediaEvent.Ended decodeFromWire(int pos, Buffer in) {
            int length = in.getInt(pos + 8);
            return new MediaEvent.Ended(in.getLong(pos), in.getString(pos + 12, pos + 12 + length, "UTF-8"));
        }
    }

    static final class SnapshotCodec extends SameObjectCodec<MediaSnapshot> {
        @Override
        public void encodeToWire(Buffer out, MediaSnapshot s) {
            out.appendLong(s.epoch()).appendLong(s.lastSeq()).appendInt(s.packets().size());
            s.packets().forEach(p -> writePacket(out, p));
        }

        @Override
        public MediaSnapshot decodeFromWire(int pos, Buffer in) {
            long epoch = in.getLong(pos);
            long lastSeq = in.getLong(pos + 8);
            int count = in.getInt(pos + 16);
            List<MediaPacket> packets = new ArrayList<>(count);
            int[] next = {pos + 20};
            for (int i = 0; i < count; i++) {
                packets.add(readPacket(in, next[0], next));
            }
            return new MediaSnapshot(epoch, lastSeq, List.copyOf(packets));
        }
    }
}
