package io.livestream.media.rtmp;

import io.livestream.media.amf.Amf0;
import io.livestream.media.amf.Amf0Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

/**
 * Turns one reassembled message's payload into its {@link RtmpMessage} by type id; the chunk
 * layer ({@link ChunkDecoder}) applies what a control message changes there. Violations raise
 * {@link RtmpProtocolException} with a named reason.
 */
final class RtmpMessageDecoder {
    private RtmpMessageDecoder() {
    }

    /** Protocol control messages (5.4) and user control (6.2) here, the rest by {@link #decodeStreamMessage}. */
    static RtmpMessage decode(int typeId, long timestamp, int streamId, byte[] payload, RtmpLimits limits) {
        ByteBuf p = Unpooled.wrappedBuffer(payload);
        switch (typeId) {
            case RtmpMessage.TYPE_SET_CHUNK_SIZE -> {
                long size = u32(p, typeId);
                if (size == 0 || size > limits.maxChunkSize() || (size & 0x80000000L) != 0) {
                    throw violation("bad-chunk-size", "chunk size " + size + " outside 1.." + limits.maxChunkSize());
                }
                return new RtmpMessage.SetChunkSize((int) size);
            }
            case RtmpMessage.TYPE_ABORT -> {
                return new RtmpMessage.Abort((int) u32(p, typeId));
            }
            case RtmpMessage.TYPE_ACKNOWLEDGEMENT -> {
                return new RtmpMessage.Acknowledgement(u32(p, typeId));
            }
            case RtmpMessage.TYPE_WINDOW_ACK_SIZE -> {
                return new RtmpMessage.WindowAckSize(u32(p, typeId));
            }
            case RtmpMessage.TYPE_SET_PEER_BANDWIDTH -> {
                long size = u32(p, typeId);
                return new RtmpMessage.SetPeerBandwidth(size, p.isReadable() ? p.readUnsignedByte() : 2);
            }
            case RtmpMessage.TYPE_USER_CONTROL -> {
                if (p.readableBytes() < 2) {
                    throw violation("protocol-violation", "user control message of " + payload.length + " bytes");
                }
                int event = p.readUnsignedShort();
                long value = p.readableBytes() >= 4 ? p.readUnsignedInt() : 0;
                long value2 = event == RtmpMessage.UserControl.SET_BUFFER_LENGTH && p.readableBytes() >= 4 ? p.readUnsignedInt() : 0;
                return new RtmpMessage.UserControl(event, value, value2);
            }
            default -> {
                return decodeStreamMessage(typeId, timestamp, streamId, payload, p);
            }
        }
    }

    /** Media, data and command messages (7.1), and any type this server does not know. */
    private static RtmpMessage decodeStreamMessage(int typeId, long timestamp, int streamId, byte[] payload, ByteBuf p) {
        switch (typeId) {
            case RtmpMessage.TYPE_AUDIO -> {
                return new RtmpMessage.Audio(timestamp, streamId, payload);
            }
            case RtmpMessage.TYPE_VIDEO -> {
                return new RtmpMessage.Video(timestamp, streamId, payload);
            }
            case RtmpMessage.TYPE_DATA_AMF0 -> {
                return new RtmpMessage.Data(timestamp, streamId, amf(p));
            }
            case RtmpMessage.TYPE_COMMAND_AMF0, 17 -> {
                if (typeId == 17) {
                    p.skipBytes(Math.min(1, p.readableBytes())); // AMF3 command: a format byte, then AMF0
                }
                List<Object> values = amf(p);
                if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Number tx)) {
                    throw violation("bad-amf", "command without a name and transaction id");
                }
                return new RtmpMessage.Command(streamId, name, tx.doubleValue(), List.copyOf(values.subList(2, values.size())));
            }
            default -> {
                return new RtmpMessage.Unknown(typeId, timestamp, streamId, payload);
            }
        }
    }

    private static List<Object> amf(ByteBuf p) {
        try {
            return Amf0.decodeAll(p);
        } catch (Amf0Exception e) {
            throw violation("bad-amf", e.getMessage());
        }
    }

    private static long u32(ByteBuf p, int typeId) {
        if (p.readableBytes() < 4) {
            throw violation("protocol-violation", "control message type " + typeId + " of " + p.readableBytes() + " bytes");
        }
        return p.readUnsignedInt();
    }

    private static RtmpProtocolException violation(String reason, String message) {
        return new RtmpProtocolException(reason, message);
    }
}
