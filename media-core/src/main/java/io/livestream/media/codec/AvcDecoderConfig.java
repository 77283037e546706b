package io.livestream.media.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1) of an FLV AVC sequence header,
 * with the picture size, chroma format, bit depth and frame rate read from its first SPS
 * (ITU-T H.264 7.3.2.1.1 and E.1.1).
 */
public record AvcDecoderConfig(
        int profileIdc,
        int profileCompatibility,
        int levelIdc,
        int nalLengthSize,
        List<byte[]> sps,
        List<byte[]> pps,
        int width,
        int height,
        int chromaFormat,
        int bitDepth,
        double frameRate) {

    private static final Set<Integer> HIGH_PROFILES = Set.of(100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135);

    /** Parses the whole FLV video tag body: 0x17, AVCPacketType 0, composition time, record. */
    public static AvcDecoderConfig parse(byte[] flvVideoPayload) {
        byte[] b = flvVideoPayload;
        if (b.length < 5 + 7 || (b[0] & 0x8f) != 7 || b[1] != 0) {
            throw new CodecConfigException("not an AVC sequence header");
        }
        return parse(b, 5);
    }

    /** Parses the record at {@code recordOffset} of a tag body (5 in a legacy one and in an Enhanced RTMP {@code avc1} SequenceStart). */
    public static AvcDecoderConfig parse(byte[] b, int recordOffset) {
        int at = recordOffset;
        if (at < 0 || b.length < at + 7) {
            throw new CodecConfigException("AVC record shorter than 7 bytes");
        }
        int start = at;
        if (b[at] != 1) {
            throw new CodecConfigException("unknown AVCDecoderConfigurationRecord version " + b[at]);
        }
        int nalLengthSize = (b[at + 4] & 0x03) + 1;
        int spsCount = b[at + 5] & 0x1f;
        at += 6;
        List<byte[]> sps = new ArrayList<>();
        for (int i = 0; i < spsCount; i++) {
            byte[] nal = readNal(b, at);
            sps.add(nal);
            at += 2 + nal.length;
        }
        List<byte[]> pps = new ArrayList<>();
        if (at < b.length) {
            int ppsCount = b[at++] & 0xff;
            for (int i = 0; i < ppsCount; i++) {
                byte[] nal = readNal(b, at);
                pps.add(nal);
                at += 2 + nal.length;
            }
        }
        if (sps.isEmpty()) {
            throw new CodecConfigException("AVC record without an SPS");
        }
        return fromSps(b[start + 1] & 0xff, b[start + 2] & 0xff, b[start + 3] & 0xff, nalLengthSize, List.copyOf(sps), List.copyOf(pps));
    }

    /** RFC 6381 codec string, e.g. {@code avc1.64001F}. */
    public String codecString() {
        return String.format(Locale.ROOT, "avc1.%02X%02X%02X", profileIdc, profileCompatibility, levelIdc);
    }

    public String profileName() {
        return switch (profileIdc) {
            case 66 -> (profileCompatibility & 0x40) != 0 ? "Constrained Baseline" : "Baseline";
            case 77 -> "Main";
            case 88 -> "Extended";
            case 100 -> "High";
            case 110 -> "High 10";
            case 122 -> "High 4:2:2";
            case 244 -> "High 4:4:4 Predictive";
            default -> "Profile " + profileIdc;
        };
    }

    /** Level as written, e.g. 3.1 for level_idc 31. */
    public double level() {
        return levelIdc / 10.0;
    }

    private static byte[] readNal(byte[] b, int at) {
        if (at + 2 > b.length) {
            throw new CodecConfigException("truncated AVC record");
        }
        int length = (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
        if (at + 2 + length > b.length || length == 0) {
            throw new CodecConfigException("AVC parameter set of " + length + " bytes overruns the record");
        }
        byte[] nal = new byte[length];
        System.arraycopy(b, at + 2, nal, 0, length);
        return nal;
    }

    /**
     * The picture size and chroma format from the SPS: spec-shaped (ITU-T H.264 7.3.2.1.1, field by
     * field in the spec's order), so one method, as the spec's table is one.
     */
    private static AvcDecoderConfig fromSps(int profile, int compat, int level, int nalLengthSize, List<byte[]> sps, List<byte[]> pps) {
        byte[] rbsp = unescape(sps.get(0));
        if (rbsp.length < 4 || (rbsp[0] & 0x1f) != 7) {
            throw new CodecConfigException("first parameter set is not an SPS");
        }
        BitReader r = new BitReader(rbsp, 1, rbsp.length - 1);
        int profileIdc = r.bits(8);
        r.skip(8); // constraint_set flags
        r.skip(8); // level_idc
        r.ue(); // seq_parameter_set_id
        int chromaFormat = 1;
        int bitDepth = 8;
        if (HIGH_PROFILES.contains(profileIdc)) {
            chromaFormat = r.ue();
            if (chromaFormat > 3) {
                throw new CodecConfigException("bad chroma_format_idc " + chromaFormat);
            }
            if (chromaFormat == 3) {
                r.skip(1); // separate_colour_plane_flag
            }
            bitDepth = 8 + r.ue();
            r.ue(); // bit_depth_chroma_minus8
            r.skip(1); // qpprime_y_zero_transform_bypass_flag
            if (r.flag()) { // seq_scaling_matrix_present_flag
                for (int i = 0; i < (chromaFormat != 3 ? 8 : 12); i++) {
                    if (r.flag()) {
                        skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.ue(); // log2_max_frame_num_minus4
        int pocType = r.ue();
        if (pocType == 0) {
            r.ue(); // log2_max_pic_order_cnt_lsb_minus4
        } else if (pocType == 1) {
            r.skip(1); // delta_pic_order_always_zero_flag
            r.se(); // offset_for_non_ref_pic
            r.se(); // offset_for_top_to_bottom_field
            int cycle = r.ue();
            if (cycle > 255) {
                throw new CodecConfigException("num_ref_frames_in_pic_order_cnt_cycle " + cycle);
            }
            for (int i = 0; i < cycle; i++) {
                r.se();
            }
        } else if (pocType != 2) {
            throw new CodecConfigException("bad pic_order_cnt_type " + pocType);
        }
        r.ue(); // max_num_ref_frames
        r.skip(1); // gaps_in_frame_num_value_allowed_flag
        int widthMbs = r.ue() + 1;
        int heightMapUnits = r.ue() + 1;
        boolean frameMbsOnly = r.flag();
        if (!frameMbsOnly) {
            r.skip(1); // mb_adaptive_frame_field_flag
        }
        r.skip(1); // direct_8x8_inference_flag
        int cropLeft = 0;
        int cropRight = 0;
        int cropTop = 0;
        int cropBottom = 0;
        if (r.flag()) { // frame_cropping_flag
            cropLeft = r.ue();
            cropRight = r.ue();
            cropTop = r.ue();
            cropBottom = r.ue();
        }
        // 7.4.2.1.1: crop units depend on the chroma subsampling and on field coding
        int subWidth = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1;
        int subHeight = chromaFormat == 1 ? 2 : 1;
        int cropUnitX = chromaFormat == 0 ? 1 : subWidth;
        int cropUnitY = (chromaFormat == 0 ? 1 : subHeight) * (frameMbsOnly ? 1 : 2);
        long width = widthMbs * 16L - (long) cropUnitX * (cropLeft + cropRight);
        long height = (frameMbsOnly ? 1 : 2) * heightMapUnits * 16L - (long) cropUnitY * (cropTop + cropBottom);
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384) {
            throw new CodecConfigException("implausible picture size " + width + "x" + height);
        }
        double fps = 0;
        if (r.flag()) { // vui_parameters_present_flag
            fps = readVuiFrameRate(r);
        }
        return new AvcDecoderConfig(profile, compat, level, nalLengthSize, sps, pps, (int) width, (int) height,
                chromaFormat, bitDepth, fps);
    }

    /** E.1.1 up to timing_info: frames per second = time_scale / (2 * num_units_in_tick). */
    private static double readVuiFrameRate(BitReader r) {
        try {
            if (r.flag()) { // aspect_ratio_info_present_flag
                if (r.bits(8) == 255) { // Extended_SAR
                    r.skip(32);
                }
            }
            if (r.flag()) { // overscan_info_present_flag
                r.skip(1);
            }
            if (r.flag()) { // video_signal_type_present_flag
                r.skip(4);
                if (r.flag()) { // colour_description_present_flag
                    r.skip(24);
                }
            }
            if (r.flag()) { // chroma_loc_info_present_flag
                r.ue();
                r.ue();
            }
            if (r.flag()) { // timing_info_present_flag
                long unitsInTick = r.bits(16) & 0xFFFFL;
                unitsInTick = unitsInTick << 16 | (r.bits(16) & 0xFFFFL);
                long timeScale = r.bits(16) & 0xFFFFL;
                timeScale = timeScale << 16 | (r.bits(16) & 0xFFFFL);
                if (unitsInTick > 0 && timeScale > 0) {
                    return Math.round(timeScale / (2.0 * unitsInTick) * 1000) / 1000.0;
                }
            }
            return 0;
        } catch (CodecConfigException truncatedVui) {
            return 0; // the picture size is what matters; some encoders cut the VUI short
        }
    }

    private static void skipScalingList(BitReader r, int size) {
        int last = 8;
        int next = 8;
        for (int j = 0; j < size; j++) {
            if (next != 0) {
                next = (last + r.se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    /** 7.4.1: drops each emulation_prevention_three_byte (00 00 03 -> 00 00). */
    static byte[] unescape(byte[] nal) {
        byte[] out = new byte[nal.length];
        int n = 0;
        int zeros = 0;
        for (byte v : nal) {
            if (zeros >= 2 && v == 3) {
                zeros = 0;
                continue;
            }
            out[n++] = v;
            zeros = v == 0 ? zeros + 1 : 0;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
