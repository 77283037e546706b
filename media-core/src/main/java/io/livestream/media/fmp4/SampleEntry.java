package io.livestream.media.fmp4;

import io.livestream.media.MediaPacket;

/**
 * A codec's sample entry in {@code stsd} (ISO/IEC 14496-12 8.5.2) and what the track around it
 * needs to know of the codec. One implementation per codec: {@code avc1} ({@link AvcSampleEntry})
 * and {@code mp4a} ({@link AacSampleEntry}) today; {@code hvc1} (ISO/IEC 14496-15 8.4.1) and
 * {@code av01} (AV1-ISOBMFF 2.2) are further implementations, the boxes around them unchanged.
 */
public interface SampleEntry {

    /** True for a video track ({@code vide} handler, {@code vmhd}), false for audio ({@code soun}, {@code smhd}). */
    boolean isVideo();

    /** Ticks per second of the track's media timeline ({@code mdhd}). */
    int timescale();

    /** Picture size for {@code tkhd}; 0 for audio. */
    int width();

    int height();

    /** RFC 6381 codec string for the playlist's {@code CODECS}, e.g. {@code avc1.4D400C}. */
    String codecString();

    /** The whole sample entry box, with its codec configuration box inside. */
    void write(BoxWriter out);

    /**
     * One coded frame of this codec as a sample: where the FLV payload's frame data starts, its
     * composition offset and whether it is a sync sample are the codec's to know.
     *
     * @throws IllegalArgumentException for a packet that is not a coded frame of this codec
     */
    Sample sample(MediaPacket packet, int duration);

    /** Milliseconds (FLV timestamps) on this track's timeline. */
    default long ticks(long millis) {
        return Math.floorDiv(millis * timescale(), 1000);
    }

    /** Fields common to every sample entry (8.5.2.2): six reserved bytes, data_reference_index 1. */
    static void writeHeader(BoxWriter out) {
        out.zeros(6).u16(1);
    }

    /** VisualSampleEntry's fields (12.1.3.2) before the codec's own boxes. */
    static void writeVisualFields(BoxWriter out, int width, int height) {
        writeHeader(out);
        out.u16(0).u16(0).zeros(12); // pre_defined, reserved, pre_defined[3]
        out.u16(width).u16(height);
        out.u32(0x00480000).u32(0x00480000); // 72 dpi
        out.u32(0).u16(1); // reserved, frame_count
        out.zeros(32); // compressorname
        out.u16(0x0018).u16(0xFFFF); // depth, pre_defined = -1
    }
}
