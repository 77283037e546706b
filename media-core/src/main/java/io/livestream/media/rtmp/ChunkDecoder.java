package io.livestream.media.rtmp;

import io.livestream.media.amf.Amf0;
import io.livestream.media.amf.Amf0Exception;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from the chunk stream (RTMP spec 5.3) and decodes them into
 * {@link RtmpMessage}s. Works on whole chunks: a chunk whose bytes have not all arrived stays
 * unread in the input until they have. Every bound is checked before anything is allocated;
 * every violation raises {@link RtmpProtocolException} with a named reason.
 *
 * <p>Memory follows the bytes received, not the lengths announced: a message's buffer starts at
 * its first chunk's size and doubles (never past the announced length) as further chunks need
 * room, so a peer that announces many large messages and sends a chunk of each makes the decoder
 * hold about what it sent. {@link #heldBytes()} says how much that is; past
 * {@link RtmpLimits#maxPartialBytes()} the connection is refused as {@code partial-messages-too-large}.
 */
public final class ChunkDecoder {
    private static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int EXTENDED = 0xFFFFFF;

    /** Per chunk stream: the last header's fields (5.3.1.2) and the message being assembled. */
    private static final class ChunkStream {
        long timestamp;
        long timestampField;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        /** The message being assembled (null: none); its capacity grows with the chunks received. */
        byte[] payload;
        int filled;
    }

    private final RtmpLimits limits;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long bytesReceived;
    /** Capacity of every payload being assembled, over all chunk streams. */
    private long partialBytes;
    /** Bytes of a chunk that has not all arrived, left unread in the input by the last {@link #decode}. */
    private int pendingBytes;

    public ChunkDecoder(RtmpLimits limits) {
        this.limits = limits;
    }

    public long bytesReceived() {
        return bytesReceived;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /**
     * Bytes held for messages not finished yet: the buffers of partial messages on every chunk
     * stream, plus the part of a chunk still arriving that the last {@link #decode} left in its input.
     */
    public long heldBytes() {
        return partialBytes + pendingBytes;
    }

    /** Decodes every whole chunk in {@code in}, handing each completed message to {@code out}. */
    public void decode(ByteBuf in, Consumer<RtmpMessage> out) {
        while (true) {
            RtmpMessage message = readChunk(in);
            if (message == ChunkResult.NEED_MORE) {
                pendingBytes = in.readableBytes();
                checkHeld(partialBytes + pendingBytes);
                return;
            }
            if (message != ChunkResult.PARTIAL) {
                out.accept(message);
            }
        }
    }

    /** Markers for "not a whole chunk yet" and "a chunk that did not complete a message". */
    private static final class ChunkResult {
        static final RtmpMessage NEED_MORE = new RtmpMessage.Abort(-1);
        static final RtmpMessage PARTIAL = new RtmpMessage.Abort(-2);
    }

    private RtmpMessage readChunk(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) {
            return ChunkResult.NEED_MORE;
        }
        // 5.3.1.1 basic header: 1, 2 or 3 bytes
        int b0 = in.getUnsignedByte(start);
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3f;
        int at = start + 1;
        if (csid == 0) {
            if (available < 2) {
                return ChunkResult.NEED_MORE;
            }
            csid = 64 + in.getUnsignedByte(at);
            at += 1;
        } else if (csid == 1) {
            if (available < 3) {
                return ChunkResult.NEED_MORE;
            }
            csid = 64 + in.getUnsignedByte(at) + (in.getUnsignedByte(at + 1) << 8);
            at += 2;
        }
        // 5.3.1.2 message header: 11, 7, 3 or 0 bytes
        int headerSize = switch (fmt) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
        if (in.writerIndex() < at + headerSize) {
            return ChunkResult.NEED_MORE;
        }
        ChunkStream cs = streams.get(csid);
        if (cs == null) {
            if (fmt != 0) {
                throw violation("protocol-violation", "chunk stream " + csid + " starts with a type " + fmt + " header");
            }
            if (streams.size() >= limits.maxChunkStreams()) {
                throw violation("too-many-chunk-streams", "more than " + limits.maxChunkStreams() + " chunk streams");
            }
        }
        long field = fmt <= 2 ? in.getUnsignedMedium(at) : -1;
        int length = fmt <= 1 ? in.getUnsignedMedium(at + 3) : cs == null ? 0 : cs.length;
        int typeId = fmt <= 1 ? in.getUnsignedByte(at + 6) : cs == null ? 0 : cs.typeId;
        int streamId = fmt == 0 ? in.getIntLE(at + 7) : cs == null ? 0 : cs.streamId;
        at += headerSize;
        // 5.3.1.3 extended timestamp: present when the field is 0xFFFFFF, and repeated in type 3
        // chunks that follow such a header
        boolean extended = fmt <= 2 ? field == EXTENDED : cs.extended;
        if (extended) {
            if (in.writerIndex() < at + 4) {
                return ChunkResult.NEED_MORE;
            }
            long ext = in.getUnsignedInt(at);
            at += 4;
            if (fmt <= 2) {
                field = ext;
            }
        }
        if (fmt <= 1 && length > limits.maxMessageLength()) {
            throw violation("message-too-large", "message of " + length + " bytes is over the limit of " + limits.maxMessageLength());
        }
        // A type 0-2 header always starts a message (a partial one on this chunk stream is dropped);
        // a type 3 header starts one only when none is in progress.
        boolean newMessage = cs == null || cs.payload == null || fmt <= 2;
        int remaining = newMessage ? length : cs.length - cs.filled;
        int take = Math.min(remaining, chunkSize);
        if (in.writerIndex() < at + take) {
            return ChunkResult.NEED_MORE;
        }
        // The whole chunk is here: commit the header, then the data.
        if (cs == null) {
            cs = new ChunkStream();
            streams.put(csid, cs);
        }
        if (newMessage) {
            if (fmt == 0) {
                cs.timestamp = field;
                cs.timestampField = field;
            } else if (fmt <= 2) {
                cs.timestamp = (cs.timestamp + field) & 0xFFFFFFFFL;
                cs.timestampField = field;
            } else {
                cs.timestamp = (cs.timestamp + cs.timestampField) & 0xFFFFFFFFL;
            }
        }
        if (fmt <= 2) {
            cs.extended = extended;
        }
        cs.length = length;
        cs.typeId = typeId;
        cs.streamId = streamId;
        if (newMessage) {
            drop(cs);
        }
        reserve(cs, cs.filled + take);
        in.getBytes(at, cs.payload, cs.filled, take);
        cs.filled += take;
        at += take;
        bytesReceived += at - start;
        in.readerIndex(at);
        if (cs.filled < cs.length) {
            return ChunkResult.PARTIAL;
        }
        byte[] payload = cs.payload; // grown to exactly cs.length by now
        drop(cs);
        return decodeMessage(cs.typeId, cs.timestamp, cs.streamId, payload);
    }

    /**
     * Makes room for {@code needed} bytes of the message on {@code cs}: doubling its buffer (for a
     * linear number of copies) but never past the announced length, and only as far as the bound on
     * held bytes allows.
     */
    private void reserve(ChunkStream cs, int needed) {
        int capacity = cs.payload == null ? 0 : cs.payload.length;
        if (cs.payload != null && capacity >= needed) {
            return;
        }
        long others = partialBytes - capacity;
        int grown = (int) Math.min(cs.length, Math.max(needed, 2L * capacity));
        if (others + grown > limits.maxPartialBytes()) {
            grown = needed; // no doubling past the bound: room for what has arrived is enough
        }
        checkHeld(others + grown);
        cs.payload = cs.payload == null ? new byte[grown] : Arrays.copyOf(cs.payload, grown);
        partialBytes = others + grown;
    }

    /** Forgets the message being assembled on {@code cs}, finished or not. */
    private void drop(ChunkStream cs) {
        if (cs.payload != null) {
            partialBytes -= cs.payload.length;
            cs.payload = null;
        }
        cs.filled = 0;
    }

    private void checkHeld(long held) {
        if (held > limits.maxPartialBytes()) {
            throw violation("partial-messages-too-large", held + " bytes of unfinished messages is over the limit of "
                    + limits.maxPartialBytes());
        }
    }

    private RtmpMessage decodeMessage(int typeId, long timestamp, int streamId, byte[] payload) {
        ByteBuf p = Unpooled.wrappedBuffer(payload);
        switch (typeId) {
            case RtmpMessage.TYPE_SET_CHUNK_SIZE -> {
                long size = u32(p, typeId);
                if (size == 0 || size > limits.maxChunkSize() || (size & 0x80000000L) != 0) {
                    throw violation("bad-chunk-size", "chunk size " + size + " outside 1.." + limits.maxChunkSize());
                }
                chunkSize = (int) size;
                return new RtmpMessage.SetChunkSize(chunkSize);
            }
            case RtmpMessage.TYPE_ABORT -> {
                int csid = (int) u32(p, typeId);
                ChunkStream cs = streams.get(csid);
                if (cs != null) {
                    drop(cs);
                }
                return new RtmpMessage.Abort(csid);
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
