package io.livestream.media.codec;

import java.util.Locale;

/**
 * The AV1CodecConfigurationRecord (AV1 ISOBMFF binding 2.3.3) of an {@code av01} sequence start,
 * with the maximum frame size and the colour fields read from its sequence header OBU (AV1
 * bitstream spec 5.5). {@code width}/{@code height} are 0 when the record carries no sequence
 * header (the spec allows it; the header then comes with the first key frame).
 */
public record Av1CodecConfig(
        int seqProfile,
        int seqLevelIdx,
        int seqTier,
        int bitDepth,
        boolean monochrome,
        int chromaSubsamplingX,
        int chromaSubsamplingY,
        int width,
        int height) {

    private static final int OBU_SEQUENCE_HEADER = 1;

    /** Parses the record at {@code recordOffset} of an FLV video tag body. */
    public static Av1CodecConfig parse(byte[] body, int recordOffset) {
        if (recordOffset < 0 || body.length < recordOffset + 4) {
            throw new CodecConfigException("AV1 record shorter than 4 bytes");
        }
        BitReader r = new BitReader(body, recordOffset, 4);
        if (r.bits(1) != 1 || r.bits(7) != 1) {
            throw new CodecConfigException("not an AV1CodecConfigurationRecord version 1");
        }
        int profile = r.bits(3);
        int level = r.bits(5);
        int tier = r.bits(1);
        boolean highBitdepth = r.flag();
        boolean twelveBit = r.flag();
        boolean mono = r.flag();
        int subX = r.bits(1);
        int subY = r.bits(1);
        int bitDepth = highBitdepth ? (twelveBit ? 12 : 10) : 8;
        int[] size = sequenceHeaderSize(body, recordOffset + 4);
        return new Av1CodecConfig(profile, level, tier, bitDepth, mono, subX, subY, size[0], size[1]);
    }

    /** The codec string of the AV1 ISOBMFF binding (section 5), e.g. {@code av01.0.04M.08}. */
    public String codecString() {
        return String.format(Locale.ROOT, "av01.%d.%02d%c.%02d", seqProfile, seqLevelIdx, seqTier == 0 ? 'M' : 'H', bitDepth);
    }

    public String profileName() {
        return switch (seqProfile) {
            case 0 -> "Main";
            case 1 -> "High";
            case 2 -> "Professional";
            default -> "Profile " + seqProfile;
        };
    }

    /** The first sequence header OBU among the configOBUs: {max width, max height}, or {0, 0} if there is none. */
    private static int[] sequenceHeaderSize(byte[] b, int at) {
        while (at < b.length) {
            int header = b[at] & 0xff;
            int type = (header >> 3) & 0x0f;
            boolean extension = (header & 0x04) != 0;
            boolean hasSize = (header & 0x02) != 0;
            int p = at + 1 + (extension ? 1 : 0);
            long size;
            if (hasSize) {
                long[] leb = leb128(b, p);
                size = leb[0];
                p = (int) leb[1];
            } else {
                size = b.length - p;
            }
            if (size < 0 || p + size > b.length) {
                throw new CodecConfigException("AV1 OBU of " + size + " bytes overruns the record");
            }
            if (type == OBU_SEQUENCE_HEADER) {
                return readSequenceHeader(new BitReader(b, p, (int) size));
            }
            at = (int) (p + size);
        }
        return new int[] {0, 0};
    }

    /** AV1 spec 4.10.5: leb128(); returns {value, position after it}. */
    private static long[] leb128(byte[] b, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            if (at >= b.length) {
                throw new CodecConfigException("AV1 OBU size cut short");
            }
            int v = b[at++] & 0xff;
            value |= (long) (v & 0x7f) << (i * 7);
            if ((v & 0x80) == 0) {
                return new long[] {value, at};
            }
        }
        throw new CodecConfigException("AV1 OBU size longer than 8 bytes");
    }

    /** AV1 spec 5.5.1 sequence_header_obu() up to max_frame_height_minus_1 (spec-shaped). */
    private static int[] readSequenceHeader(BitReader r) {
        r.skip(3); // seq_profile
        r.skip(1); // still_picture
        boolean reduced = r.flag();
        if (reduced) {
            r.skip(5); // seq_level_idx[0]
        } else {
            boolean decoderModelInfo = false;
            int bufferDelayLength = 0;
            if (r.flag()) { // timing_info_present_flag
                r.skip(64); // num_units_in_display_tick, time_scale
                if (r.flag()) { // equal_picture_interval
                    uvlc(r); // num_ticks_per_picture_minus_1
                }
                decoderModelInfo = r.flag();
                if (decoderModelInfo) {
                    bufferDelayLength = r.bits(5) + 1;
                    r.skip(32 + 5 + 5); // num_units_in_decoding_tick, removal/presentation time lengths
                }
            }
            boolean initialDisplayDelay = r.flag();
            int operatingPoints = r.bits(5) + 1;
            for (int i = 0; i < operatingPoints; i++) {
                r.skip(12); // operating_point_idc
                if (r.bits(5) > 7) { // seq_level_idx
                    r.skip(1); // seq_tier
                }
                if (decoderModelInfo && r.flag()) { // decoder_model_present_for_this_op
                    r.skip(2 * bufferDelayLength + 1); // decoder/encoder buffer delay, low_delay_mode_flag
                }
                if (initialDisplayDelay && r.flag()) {
                    r.skip(4); // initial_display_delay_minus_1
                }
            }
        }
        int widthBits = r.bits(4) + 1;
        int heightBits = r.bits(4) + 1;
        long width = (r.bits(widthBits) & 0xFFFFFFFFL) + 1;
        long height = (r.bits(heightBits) & 0xFFFFFFFFL) + 1;
        if (width > 65536 || height > 65536) {
            throw new CodecConfigException("implausible AV1 frame size " + width + "x" + height);
        }
        return new int[] {(int) width, (int) height};
    }

    /** AV1 spec 4.10.3 uvlc(). */
    private static void uvlc(BitReader r) {
        int zeros = 0;
        while (r.bit() == 0) {
            if (++zeros >= 32) {
                throw new CodecConfigException("AV1 uvlc longer than 32 bits");
            }
        }
        r.skip(zeros);
    }
}
