package io.livestream.media.flv;

import io.livestream.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Incremental FLV parser (spec v10.1 annex E): header, then tags with their PreviousTagSize.
 * Feed it bytes as they arrive; "not enough bytes yet" is a normal return. A tag larger than
 * {@code maxTagSize} is rejected before anything is allocated for it.
 */
public final class FlvReader {
    private enum State { HEADER, PREVIOUS_TAG_SIZE, TAG }

    private final int maxTagSize;
    private State state = State.HEADER;
    private boolean hasAudio;
    private boolean hasVideo;
    private boolean headerSeen;
    private long expectedPreviousSize;
    private int headerSkip;

    public FlvReader(int maxTagSize) {
        this.maxTagSize = maxTagSize;
    }

    /** Parses every whole tag in {@code in}; a partial one stays unread there. */
    public void feed(ByteBuf in, Consumer<MediaPacket> out) {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!readHeader(in)) {
                        return;
                    }
                }
                case PREVIOUS_TAG_SIZE -> {
                    if (in.readableBytes() < Flv.PREVIOUS_TAG_SIZE) {
                        return;
                    }
                    long previous = in.readUnsignedInt();
                    if (previous != expectedPreviousSize) {
                        throw fail("PreviousTagSize " + previous + " where " + expectedPreviousSize + " was expected");
                    }
                    state = State.TAG;
                }
                case TAG -> {
                    MediaPacket p = readTag(in);
                    if (p == null) {
                        return;
                    }
                    out.accept(p);
                    state = State.PREVIOUS_TAG_SIZE;
                }
            }
        }
    }

    public boolean headerSeen() {
        return headerSeen;
    }

    public boolean hasAudio() {
        return hasAudio;
    }

    public boolean hasVideo() {
        return hasVideo;
    }

    /** Every tag of a whole FLV file. */
    public static List<MediaPacket> readAll(byte[] file, int maxTagSize) {
        FlvReader reader = new FlvReader(maxTagSize);
        List<MediaPacket> packets = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(file);
        reader.feed(in, packets::add);
        if (in.isReadable()) {
            throw new FlvFormatException("truncated FLV: " + in.readableBytes() + " bytes left after the last whole tag");
        }
        return packets;
    }

    /** E.2: signature, version, flags, DataOffset (9 or more, skipping any extra header bytes). */
    private boolean readHeader(ByteBuf in) {
        if (!headerSeen) {
            if (in.readableBytes() < 9) {
                return false;
            }
            int at = in.readerIndex();
            if (in.getByte(at) != 'F' || in.getByte(at + 1) != 'L' || in.getByte(at + 2) != 'V') {
                throw fail("not an FLV stream (no 'FLV' signature)");
            }
            if (in.getByte(at + 3) != 1) {
                throw fail("unsupported FLV version " + in.getByte(at + 3));
            }
            int flags = in.getByte(at + 4);
            long dataOffset = in.getUnsignedInt(at + 5);
            if (dataOffset < 9 || dataOffset > 1024) {
                throw fail("bad FLV DataOffset " + dataOffset);
            }
            hasAudio = (flags & 0x04) != 0;
            hasVideo = (flags & 0x01) != 0;
            headerSeen = true;
            headerSkip = (int) dataOffset;
        }
        if (in.readableBytes() < headerSkip) {
            int n = in.readableBytes();
            in.skipBytes(n);
            headerSkip -= n;
            return false;
        }
        in.skipBytes(headerSkip);
        headerSkip = 0;
        expectedPreviousSize = 0;
        state = State.PREVIOUS_TAG_SIZE;
        return true;
    }

    /** E.4.1: type, DataSize, Timestamp + TimestampExtended, StreamID, then the data. */
    private MediaPacket readTag(ByteBuf in) {
        if (in.readableBytes() < Flv.TAG_HEADER_SIZE) {
            return null;
        }
        int at = in.readerIndex();
        int type = in.getByte(at) & 0x1f; // the upper bits are reserved / the filter flag
        int size = in.getUnsignedMedium(at + 1);
        if (type != 8 && type != 9 && type != 18) {
            throw fail("unknown FLV tag type " + type);
        }
        if (size > maxTagSize) {
            throw fail("FLV tag of " + size + " bytes is over the limit of " + maxTagSize);
        }
        if (in.readableBytes() < Flv.TAG_HEADER_SIZE + size) {
            return null;
        }
        int timestamp = in.getUnsignedMedium(at + 4) | (in.getByte(at + 7) & 0xff) << 24;
        byte[] payload = new byte[size];
        in.getBytes(at + Flv.TAG_HEADER_SIZE, payload);
        in.skipBytes(Flv.TAG_HEADER_SIZE + size);
        expectedPreviousSize = Flv.TAG_HEADER_SIZE + size;
        return new MediaPacket(MediaPacket.Kind.ofTagType(type), timestamp, payload);
    }

    private static FlvFormatException fail(String message) {
        return new FlvFormatException(message);
    }
}
