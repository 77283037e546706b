package io.livestream.media.codec;

/** Reads bits MSB first, with the Exp-Golomb codes of H.264 (ITU-T H.264 9.1). Bounds-checked. */
public final class BitReader {
    private final byte[] data;
    private final int end;
    private long position;

    public BitReader(byte[] data, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new CodecConfigException("bad bit range");
        }
        this.data = data;
        this.position = (long) offset * 8;
        this.end = offset + length;
    }

    public int bit() {
        if (position >= (long) end * 8) {
            throw new CodecConfigException("read past the end of " + (end * 8) + " bits");
        }
        int b = (data[(int) (position >>> 3)] >> (7 - (int) (position & 7))) & 1;
        position++;
        return b;
    }

    public int bits(int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 1) | bit();
        }
        return v;
    }

    public void skip(int n) {
        for (int i = 0; i < n; i++) {
            bit();
        }
    }

    public boolean flag() {
        return bit() == 1;
    }

    /** ue(v). */
    public int ue() {
        int zeros = 0;
        while (bit() == 0) {
            if (++zeros > 31) {
                throw new CodecConfigException("Exp-Golomb code longer than 32 bits");
            }
        }
        long value = (1L << zeros) - 1 + (zeros == 0 ? 0 : bits(zeros) & 0xFFFFFFFFL);
        if (value > Integer.MAX_VALUE) {
            throw new CodecConfigException("Exp-Golomb value out of range");
        }
        return (int) value;
    }

    /** se(v). */
    public int se() {
        int k = ue();
        return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }
}
