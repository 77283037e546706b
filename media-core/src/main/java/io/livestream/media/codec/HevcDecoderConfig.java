package io.livestream.media.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1) of an HEVC sequence start, with
 * the picture size and chroma format read from its first SPS (ITU-T H.265 7.3.2.2.1).
 *
 * @param recordOffset where the record starts in the tag body: 5 after the FLV header of an
 *                     Enhanced RTMP {@code hvc1} SequenceStart, also 5 for the legacy codec id 12
 */
public record HevcDecoderConfig(
        int profileSpace,
        boolean highTier,
        int profileIdc,
        long profileCompatibility,
        long constraintFlags,
        int levelIdc,
        int chromaFormat,
        int bitDepth,
        int nalLengthSize,
        List<byte[]> vps,
        List<byte[]> sps,
        List<byte[]> pps,
        int width,
        int height) {

    private static final int RECORD_FIXED = 23;
    private static final int NAL_VPS = 32;
    private static final int NAL_SPS = 33;
    private static final int NAL_PPS = 34;

    /** Parses the record at {@code recordOffset} of an FLV video tag body. */
    public static HevcDecoderConfig parse(byte[] body, int recordOffset) {
        byte[] b = body;
        int at = recordOffset;
        if (recordOffset < 0 || b.length < at + RECORD_FIXED) {
            throw new CodecConfigException("HEVC record shorter than " + RECORD_FIXED + " bytes");
        }
        if (b[at] != 1) {
            throw new CodecConfigException("unknown HEVCDecoderConfigurationRecord version " + b[at]);
        }
        int ptl = b[at + 1] & 0xff;
        long compat = readUnsigned(b, at + 2, 4);
        long constraints = readUnsigned(b, at + 6, 6);
        int level = b[at + 12] & 0xff;
        int nalLengthSize = (b[at + 21] & 0x03) + 1;
        int arrays = b[at + 22] & 0xff;
        at += RECORD_FIXED;
        List<byte[]> vps = new ArrayList<>();
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (int i = 0; i < arrays; i++) {
            need(b, at + 3);
            int type = b[at] & 0x3f;
            int count = (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff);
            at += 3;
            for (int n = 0; n < count; n++) {
                need(b, at + 2);
                int length = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
                need(b, at + 2 + length);
                byte[] nal = java.util.Arrays.copyOfRange(b, at + 2, at + 2 + length);
                at += 2 + length;
                switch (type) {
                    case NAL_VPS -> vps.add(nal);
                    case NAL_SPS -> sps.add(nal);
                    case NAL_PPS -> pps.add(nal);
                    default -> { } // SEI and others: carried, not read
                }
            }
        }
        if (sps.isEmpty()) {
            throw new CodecConfigException("HEVC record without an SPS");
        }
        int[] picture = readSps(sps.get(0));
        return new HevcDecoderConfig(ptl >> 6, (ptl & 0x20) != 0, ptl & 0x1f, compat, constraints, level,
                picture[2], picture[3], nalLengthSize, List.copyOf(vps), List.copyOf(sps), List.copyOf(pps), picture[0], picture[1]);
    }

    /** RFC 6381 / ISO/IEC 14496-15 E.3 codec string, e.g. {@code hvc1.1.6.L93.B0}. */
    public String codecString() {
        StringBuilder s = new StringBuilder("hvc1.");
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(profileIdc).append('.').append(Long.toHexString(Long.reverse(profileCompatibility) >>> 32).toUpperCase(Locale.ROOT));
        s.append('.').append(highTier ? 'H' : 'L').append(levelIdc);
        long c = constraintFlags;
        int bytes = 6;
        while (bytes > 0 && (c & 0xff) == 0) { // trailing zero bytes are left out
            c >>>= 8;
            bytes--;
        }
        for (int i = bytes - 1; i >= 0; i--) {
            s.append('.').append(String.format(Locale.ROOT, "%02X", (c >>> (8 * i)) & 0xff));
        }
        return s.toString();
    }

    public String profileName() {
        return switch (profileIdc) {
            case 1 -> "Main";
            case 2 -> "Main 10";
            case 3 -> "Main Still Picture";
            case 4 -> "Range Extensions";
            default -> "Profile " + profileIdc;
        };
    }

    /** Level as written, e.g. 3.1 for general_level_idc 93. */
    public double level() {
        return levelIdc / 30.0;
    }

    /** H.265 7.3.2.2.1 up to the conformance window and bit depth: {width, height, chroma, bitDepth}. */
    private static int[] readSps(byte[] nal) {
        byte[] rbsp = AvcDecoderConfig.unescape(nal);
        if (rbsp.length < 4 || ((rbsp[0] >> 1) & 0x3f) != NAL_SPS) {
            throw new CodecConfigException("HEVC parameter set is not an SPS");
        }
        BitReader r = new BitReader(rbsp, 2, rbsp.length - 2);
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        r.skip(1); // sps_temporal_id_nesting_flag
        skipProfileTierLevel(r, maxSubLayersMinus1);
        r.ue(); // sps_seq_parameter_set_id
        int chroma = r.ue();
        if (chroma > 3) {
            throw new CodecConfigException("bad chroma_format_idc " + chroma);
        }
        boolean separatePlanes = chroma == 3 && r.flag();
        long width = r.ue();
        long height = r.ue();
        if (r.flag()) { // conformance_window_flag
            int chromaArrayType = separatePlanes ? 0 : chroma;
            int subWidth = chromaArrayType == 1 || chromaArrayType == 2 ? 2 : 1;
            int subHeight = chromaArrayType == 1 ? 2 : 1;
            width -= (long) subWidth * ((long) r.ue() + r.ue());
            height -= (long) subHeight * ((long) r.ue() + r.ue());
        }
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new CodecConfigException("implausible picture size " + width + "x" + height);
        }
        int bitDepth = 8 + r.ue();
        return new int[] {(int) width, (int) height, chroma, bitDepth};
    }

    /** H.265 7.3.3 profile_tier_level(1, maxNumSubLayersMinus1). */
    private static void skipProfileTierLevel(BitReader r, int maxSubLayersMinus1) {
        r.skip(88); // general profile space .. general constraint flags
        r.skip(8); // general_level_idc
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.flag();
            levelPresent[i] = r.flag();
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skip(88);
            }
            if (levelPresent[i]) {
                r.skip(8);
            }
        }
    }

    private static long readUnsigned(byte[] b, int at, int bytes) {
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = v << 8 | (b[at + i] & 0xff);
        }
        return v;
    }

    private static void need(byte[] b, int length) {
        if (b.length < length) {
            throw new CodecConfigException("HEVC record cut short at " + b.length + " bytes");
        }
    }
}
