package io.livestream.media.flv;

import io.livestream.media.MediaPacket;
import io.netty.buffer.ByteBuf;

/** The FLV file format's writer side (FLV spec v10.1, annex E). */
public final class Flv {
    /** Tag header (E.4.1) before the data. */
    public static final int TAG_HEADER_SIZE = 11;
    /** PreviousTagSize after each tag (E.3). */
    public static final int PREVIOUS_TAG_SIZE = 4;
    /** Header (E.2) plus PreviousTagSize0. */
    public static final int HEADER_SIZE = 13;

    private Flv() {
    }

    /** The 9-byte FLV header (E.2) followed by PreviousTagSize0 = 0. */
    public static byte[] header(boolean hasAudio, boolean hasVideo) {
        byte flags = (byte) ((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
        return new byte[] {'F', 'L', 'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0};
    }

    public static int encodedSize(MediaPacket p) {
        return TAG_HEADER_SIZE + p.size() + PREVIOUS_TAG_SIZE;
    }

    /** One tag with its trailing PreviousTagSize, in one array of the exact size. */
    public static byte[] encodeTag(MediaPacket p) {
        byte[] out = new byte[encodedSize(p)];
        int size = p.size();
        int ts = p.timestamp();
        out[0] = (byte) p.kind().tagType;
        out[1] = (byte) (size >>> 16);
        out[2] = (byte) (size >>> 8);
        out[3] = (byte) size;
        // E.4.1: the lower 24 bits of the timestamp, then the upper 8 bits (TimestampExtended)
        out[4] = (byte) (ts >>> 16);
        out[5] = (byte) (ts >>> 8);
        out[6] = (byte) ts;
        out[7] = (byte) (ts >>> 24);
        // bytes 8-10: StreamID, always 0
        System.arraycopy(p.payload(), 0, out, TAG_HEADER_SIZE, size);
        int previous = TAG_HEADER_SIZE + size;
        int at = TAG_HEADER_SIZE + size;
        out[at] = (byte) (previous >>> 24);
        out[at + 1] = (byte) (previous >>> 16);
        out[at + 2] = (byte) (previous >>> 8);
        out[at + 3] = (byte) previous;
        return out;
    }

    public static void writeTag(ByteBuf out, MediaPacket p) {
        int size = p.size();
        int ts = p.timestamp();
        out.writeByte(p.kind().tagType);
        out.writeMedium(size);
        out.writeMedium(ts & 0xFFFFFF);
        out.writeByte(ts >>> 24);
        out.writeMedium(0);
        out.writeBytes(p.payload());
        out.writeInt(TAG_HEADER_SIZE + size);
    }
}
