package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reassembles RTMP messages from the chunk stream (RTMP spec 5.3) and decodes them into
 * {@link RtmpMessage}s. Works on whole chunks: a chunk whose bytes have not all arrived stays
 * unread in the input until they have. Each chunk is read through explicit stages (basic header,
 * message header, extended timestamp, payload); the stage reached is kept between calls, so a header
 * is parsed once however its bytes were cut. Every bound is checked before anything is allocated;
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
    /** The chunk being read. */
    private final Chunk chunk = new Chunk();

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
        while (readHeader(in) && hasPayload(in)) {
            RtmpMessage message = commit(in);
            if (message != null) {
                out.accept(message);
            }
        }
        pendingBytes = in.readableBytes();
        checkHeld(partialBytes + pendingBytes);
    }

    /** Where the decoder is in the chunk it is reading (5.3.1): the parts of a chunk, in wire order. */
    private enum Stage { BASIC_HEADER, MESSAGE_HEADER, EXTENDED_TIMESTAMP, PAYLOAD }

    /**
     * The chunk being read, as far as its bytes have arrived. Its bytes stay unread in the input
     * ({@code size} of them are parsed) until the whole chunk is there and {@link #commit} takes it.
     */
    private static final class Chunk {
        Stage stage = Stage.BASIC_HEADER;
        /** Bytes of this chunk parsed so far, counted from the input's reader index. */
        int size;
        int fmt;
        int csid;
        /** The chunk stream's state before this chunk; null for a chunk stream this chunk opens. */
        ChunkStream cs;
        long field;
        int length;
        int typeId;
        int streamId;
        boolean extended;
        /** A type 0-2 header, or a type 3 one with no message in progress, starts a message. */
        boolean newMessage;
        /** Payload bytes this chunk carries: the rest of the message, at most the chunk size. */
        int take;

        /** Ready for the chunk after this one. */
        void next() {
            stage = Stage.BASIC_HEADER;
            size = 0;
            cs = null;
        }
    }

    /** Reads the chunk's header as far as {@code in} allows; true once it is whole (the chunk is at its payload). */
    private boolean readHeader(ByteBuf in) {
        while (chunk.stage != Stage.PAYLOAD) {
            boolean read = switch (chunk.stage) {
                case BASIC_HEADER -> readBasicHeader(in);
                case MESSAGE_HEADER -> readMessageHeader(in);
                case EXTENDED_TIMESTAMP -> readExtendedTimestamp(in);
                case PAYLOAD -> true;
            };
            if (!read) {
                return false;
            }
        }
        return true;
    }

    /** 5.3.1.1 basic header: 1, 2 or 3 bytes, the format and the chunk stream id. */
    private boolean readBasicHeader(ByteBuf in) {
        int start = in.readerIndex();
        int available = in.readableBytes();
        if (available < 1) {
            return false;
        }
        int b0 = in.getUnsignedByte(start);
        int csid = b0 & 0x3f;
        int size = 1;
        if (csid == 0) {
            if (available < 2) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1);
            size = 2;
        } else if (csid == 1) {
            if (available < 3) {
                return false;
            }
            csid = 64 + in.getUnsignedByte(start + 1) + (in.getUnsignedByte(start + 2) << 8);
            size = 3;
        }
        chunk.fmt = b0 >>> 6;
        chunk.csid = csid;
        chunk.size = size;
        chunk.stage = Stage.MESSAGE_HEADER;
        return true;
    }

    /** 5.3.1.2 message header: 11, 7, 3 or 0 bytes; what a shorter one leaves out is the chunk stream's last. */
    private boolean readMessageHeader(ByteBuf in) {
        int fmt = chunk.fmt;
        int headerSize = switch (fmt) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
        int at = in.readerIndex() + chunk.size;
        if (in.writerIndex() < at + headerSize) {
            return false;
        }
        ChunkStream cs = streams.get(chunk.csid);
        if (cs == null) {
            if (fmt != 0) {
                throw violation("protocol-violation", "chunk stream " + chunk.csid + " starts with a type " + fmt + " header");
            }
            if (streams.size() >= limits.maxChunkStreams()) {
                throw violation("too-many-chunk-streams", "more than " + limits.maxChunkStreams() + " chunk streams");
            }
        }
        chunk.cs = cs;
        chunk.field = fmt <= 2 ? in.getUnsignedMedium(at) : -1;
        chunk.length = fmt <= 1 ? in.getUnsignedMedium(at + 3) : cs == null ? 0 : cs.length;
        chunk.typeId = fmt <= 1 ? in.getUnsignedByte(at + 6) : cs == null ? 0 : cs.typeId;
        chunk.streamId = fmt == 0 ? in.getIntLE(at + 7) : cs == null ? 0 : cs.streamId;
        chunk.extended = fmt <= 2 ? chunk.field == EXTENDED : cs.extended;
        chunk.size += headerSize;
        chunk.stage = Stage.EXTENDED_TIMESTAMP;
        return true;
    }

    /**
     * 5.3.1.3 extended timestamp: present when the field is 0xFFFFFF, and repeated in type 3
     * chunks that follow such a header. Then the length is checked and the chunk's payload sized.
     */
    private boolean readExtendedTimestamp(ByteBuf in) {
        if (chunk.extended) {
            int at = in.readerIndex() + chunk.size;
            if (in.writerIndex() < at + 4) {
                return false;
            }
            long ext = in.getUnsignedInt(at);
            chunk.size += 4;
            if (chunk.fmt <= 2) {
                chunk.field = ext;
            }
        }
        if (chunk.fmt <= 1 && chunk.length > limits.maxMessageLength()) {
            throw violation("message-too-large", "message of " + chunk.length + " bytes is over the limit of " + limits.maxMessageLength());
        }
        // A type 0-2 header always starts a message (a partial one on this chunk stream is dropped);
        // a type 3 header starts one only when none is in progress.
        ChunkStream cs = chunk.cs;
        chunk.newMessage = cs == null || cs.payload == null || chunk.fmt <= 2;
        int remaining = chunk.newMessage ? chunk.length : cs.length - cs.filled;
        chunk.take = Math.min(remaining, chunkSize);
        chunk.stage = Stage.PAYLOAD;
        return true;
    }

    private boolean hasPayload(ByteBuf in) {
        return in.readableBytes() >= chunk.size + chunk.take;
    }

    /**
     * The whole chunk is here: applies its header to the chunk stream, appends its data to the
     * message, takes its bytes from {@code in} and readies the decoder for the next chunk.
     * Returns the message this chunk completed, or null.
     */
    private RtmpMessage commit(ByteBuf in) {
        ChunkStream cs = chunk.cs;
        if (cs == null) {
            cs = new ChunkStream();
            streams.put(chunk.csid, cs);
        }
        applyHeader(cs);
        if (chunk.newMessage) {
            drop(cs);
        }
        int take = chunk.take;
        int at = in.readerIndex() + chunk.size;
        reserve(cs, cs.filled + take);
        in.getBytes(at, cs.payload, cs.filled, take);
        cs.filled += take;
        bytesReceived += chunk.size + take;
        in.readerIndex(at + take);
        chunk.next();
        if (cs.filled < cs.length) {
            return null;
        }
        byte[] payload = cs.payload; // grown to exactly cs.length by now
        drop(cs);
        RtmpMessage message = RtmpMessageDecoder.decode(cs.typeId, cs.timestamp, cs.streamId, payload, limits);
        apply(message);
        return message;
    }

    /** 5.3.1.2: a type 0 header's timestamp is absolute; types 1 and 2 carry a delta, which type 3 repeats. */
    private void applyHeader(ChunkStream cs) {
        int fmt = chunk.fmt;
        if (chunk.newMessage) {
            if (fmt == 0) {
                cs.timestamp = chunk.field;
                cs.timestampField = chunk.field;
            } else if (fmt <= 2) {
                cs.timestamp = (cs.timestamp + chunk.field) & 0xFFFFFFFFL;
                cs.timestampField = chunk.field;
            } else {
                cs.timestamp = (cs.timestamp + cs.timestampField) & 0xFFFFFFFFL;
            }
        }
        if (fmt <= 2) {
            cs.extended = chunk.extended;
        }
        cs.length = chunk.length;
        cs.typeId = chunk.typeId;
        cs.streamId = chunk.streamId;
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

    /** The message's effect on the decoder: a new chunk size (5.4.1), or a message dropped (5.4.2). */
    private void apply(RtmpMessage message) {
        if (message instanceof RtmpMessage.SetChunkSize set) {
            chunkSize = set.size();
        } else if (message instanceof RtmpMessage.Abort abort) {
            ChunkStream cs = streams.get(abort.chunkStreamId());
            if (cs != null) {
                drop(cs);
            }
        }
    }

    private static RtmpProtocolException violation(String reason, String message) {
        return new RtmpProtocolException(reason, message);
    }
}
