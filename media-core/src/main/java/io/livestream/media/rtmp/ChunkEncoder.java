package io.livestream.media.rtmp;

import io.livestream.media.amf.Amf0;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link RtmpMessage}s as chunks (RTMP spec 5.3), compressing headers against the last
 * message on the same chunk stream: type 0 for the first message or a new message stream, type 1
 * when only the stream id matches, type 2 when length and type match too, type 3 for
 * continuation chunks. Chunk streams: 2 control, 3 commands, 4 audio, 5 data, 6 video.
 */
public final class ChunkEncoder {
    public static final int CSID_CONTROL = 2;
    public static final int CSID_COMMAND = 3;
    public static final int CSID_AUDIO = 4;
    public static final int CSID_DATA = 5;
    public static final int CSID_VIDEO = 6;
    private static final int EXTENDED = 0xFFFFFF;

    private static final class Last {
        long timestamp;
        long delta;
        int length;
        int typeId;
        int streamId;
    }

    private final Map<Integer, Last> last = new HashMap<>();
    private int chunkSize = 128;

    /** Call after sending a SetChunkSize: later messages are split at the new size. */
    public void setChunkSize(int size) {
        if (size < 1 || size > RtmpLimits.SPEC_MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size " + size);
        }
        this.chunkSize = size;
    }

    public void encode(RtmpMessage message, ByteBuf out) {
        encode(chunkStreamOf(message), message.typeId(), message.timestamp(), message.streamId(), payloadOf(message), out);
    }

    /** Writes one message of {@code payload} bytes on chunk stream {@code csid}. */
    public void encode(int csid, int typeId, long timestamp, int streamId, byte[] payload, ByteBuf out) {
        Last prev = last.get(csid);
        int fmt;
        long field;
        if (prev == null || prev.streamId != streamId || timestamp < prev.timestamp) {
            fmt = 0;
            field = timestamp;
        } else {
            long delta = timestamp - prev.timestamp;
            field = delta;
            if (prev.length != payload.length || prev.typeId != typeId) {
                fmt = 1;
            } else if (delta != prev.delta) {
                fmt = 2;
            } else {
                fmt = 3;
            }
        }
        if (prev == null) {
            prev = new Last();
            last.put(csid, prev);
        }
        // after a type 0 header a type 3 one would repeat the absolute timestamp as a delta: never match
        prev.delta = fmt == 0 ? -1 : field;
        prev.timestamp = timestamp;
        prev.length = payload.length;
        prev.typeId = typeId;
        prev.streamId = streamId;

        boolean extended = field >= EXTENDED;
        writeBasicHeader(out, fmt, csid);
        if (fmt <= 2) {
            out.writeMedium(extended ? EXTENDED : (int) field);
        }
        if (fmt <= 1) {
            out.writeMedium(payload.length);
            out.writeByte(typeId);
        }
        if (fmt == 0) {
            out.writeIntLE(streamId);
        }
        boolean repeatExtended = extended || fmt == 3 && field >= EXTENDED;
        if (repeatExtended) {
            out.writeInt((int) field);
        }
        int written = Math.min(chunkSize, payload.length);
        out.writeBytes(payload, 0, written);
        while (written < payload.length) {
            writeBasicHeader(out, 3, csid);
            if (repeatExtended) {
                out.writeInt((int) field);
            }
            int n = Math.min(chunkSize, payload.length - written);
            out.writeBytes(payload, written, n);
            written += n;
        }
    }

    /** 5.3.1.1: one byte for chunk streams 2-63, two for 64-319, three above. */
    static void writeBasicHeader(ByteBuf out, int fmt, int csid) {
        if (csid < 64) {
            out.writeByte(fmt << 6 | csid);
        } else if (csid < 320) {
            out.writeByte(fmt << 6);
            out.writeByte(csid - 64);
        } else {
            out.writeByte(fmt << 6 | 1);
            out.writeByte((csid - 64) & 0xff);
            out.writeByte((csid - 64) >>> 8);
        }
    }

    static int chunkStreamOf(RtmpMessage m) {
        return switch (m.typeId()) {
            case RtmpMessage.TYPE_COMMAND_AMF0 -> CSID_COMMAND;
            case RtmpMessage.TYPE_AUDIO -> CSID_AUDIO;
            case RtmpMessage.TYPE_VIDEO -> CSID_VIDEO;
            case RtmpMessage.TYPE_DATA_AMF0 -> CSID_DATA;
            default -> m instanceof RtmpMessage.Unknown ? CSID_DATA : CSID_CONTROL;
        };
    }

    static byte[] payloadOf(RtmpMessage m) {
        if (m instanceof RtmpMessage.SetChunkSize s) {
            return u32(s.size());
        } else if (m instanceof RtmpMessage.Abort a) {
            return u32(a.chunkStreamId());
        } else if (m instanceof RtmpMessage.Acknowledgement a) {
            return u32(a.sequenceNumber());
        } else if (m instanceof RtmpMessage.WindowAckSize w) {
            return u32(w.size());
        } else if (m instanceof RtmpMessage.SetPeerBandwidth b) {
            byte[] p = new byte[5];
            System.arraycopy(u32(b.size()), 0, p, 0, 4);
            p[4] = (byte) b.limitType();
            return p;
        } else if (m instanceof RtmpMessage.UserControl u) {
            boolean twoValues = u.eventType() == RtmpMessage.UserControl.SET_BUFFER_LENGTH;
            byte[] p = new byte[twoValues ? 10 : 6];
            p[0] = (byte) (u.eventType() >>> 8);
            p[1] = (byte) u.eventType();
            System.arraycopy(u32(u.value()), 0, p, 2, 4);
            if (twoValues) {
                System.arraycopy(u32(u.value2()), 0, p, 6, 4);
            }
            return p;
        } else if (m instanceof RtmpMessage.Audio a) {
            return a.payload();
        } else if (m instanceof RtmpMessage.Video v) {
            return v.payload();
        } else if (m instanceof RtmpMessage.Data d) {
            return Amf0.encodeAll(d.values().toArray());
        } else if (m instanceof RtmpMessage.Command c) {
            List<Object> values = new ArrayList<>(c.args().size() + 2);
            values.add(c.name());
            values.add(c.transactionId());
            values.addAll(c.args());
            return Amf0.encodeAll(values.toArray());
        } else if (m instanceof RtmpMessage.Unknown u) {
            return u.payload();
        }
        throw new IllegalArgumentException("cannot encode " + m);
    }

    private static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
}
