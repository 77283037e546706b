package io.livestream.media.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * Writes ISO BMFF boxes (ISO/IEC 14496-12 4.2): {@link #open} reserves the 32-bit size and writes
 * the four-character type, {@link #close} fills the size in once the box's content is written, so
 * boxes nest the way the file does without measuring anything twice.
 */
public final class BoxWriter {
    private final ByteBuf out;

    public BoxWriter(int initialCapacity) {
        this.out = Unpooled.buffer(initialCapacity);
    }

    /** Starts a box; returns its offset for {@link #close}. */
    public int open(String type) {
        int at = out.writerIndex();
        out.writeInt(0);
        fourCc(type);
        return at;
    }

    /** Starts a FullBox (4.2): version and 24-bit flags after the type. */
    public int openFull(String type, int version, int flags) {
        int at = open(type);
        out.writeInt(version << 24 | flags & 0xFFFFFF);
        return at;
    }

    public void close(int at) {
        out.setInt(at, out.writerIndex() - at);
    }

    public BoxWriter fourCc(String type) {
        if (type.length() != 4) {
            throw new IllegalArgumentException("not a four-character code: " + type);
        }
        out.writeBytes(type.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public BoxWriter u8(int v) {
        out.writeByte(v);
        return this;
    }

    public BoxWriter u16(int v) {
        out.writeShort(v);
        return this;
    }

    public BoxWriter u24(int v) {
        out.writeMedium(v);
        return this;
    }

    public BoxWriter u32(long v) {
        out.writeInt((int) v);
        return this;
    }

    public BoxWriter u64(long v) {
        out.writeLong(v);
        return this;
    }

    public BoxWriter zeros(int count) {
        out.writeZero(count);
        return this;
    }

    public BoxWriter bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public BoxWriter bytes(byte[] b, int offset, int length) {
        out.writeBytes(b, offset, length);
        return this;
    }

    /** A null-terminated UTF-8 string (the {@code hdlr} name). */
    public BoxWriter cString(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
        return this;
    }

    /** The unity matrix of {@code mvhd} and {@code tkhd} (8.2.2.3). */
    public BoxWriter unityMatrix() {
        int[] m = {0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000};
        for (int v : m) {
            out.writeInt(v);
        }
        return this;
    }

    public int position() {
        return out.writerIndex();
    }

    /** Overwrites a 32-bit field written earlier (a {@code trun} data offset known only once the {@code moof} is closed). */
    public void setU32(int at, long v) {
        out.setInt(at, (int) v);
    }

    public byte[] toByteArray() {
        return ByteBufUtil.getBytes(out);
    }
}
