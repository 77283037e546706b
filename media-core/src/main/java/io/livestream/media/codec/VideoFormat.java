package io.livestream.media.codec;

import io.livestream.media.flv.FlvFormatException;
import io.livestream.media.flv.VideoTagHeader;
import io.livestream.media.flv.VideoTagHeader.VideoCodec;

/**
 * What a video sequence start says about a stream, whatever its codec: the codec's short name
 * ({@code h264}, {@code hevc}, {@code av1}, {@code vp9}), its RFC 6381 codec string (what
 * {@code MediaSource.isTypeSupported} takes), profile, picture size (0 when the record names none)
 * and frame rate (0 when unknown).
 */
public record VideoFormat(String codec, String codecString, String profile, int width, int height, double fps) {

    /** Reads a sequence start tag body, legacy AVC/HEVC or Enhanced RTMP. */
    public static VideoFormat of(byte[] sequenceStart) {
        VideoTagHeader h;
        try {
            h = VideoTagHeader.parse(sequenceStart);
        } catch (FlvFormatException e) {
            throw new CodecConfigException(e.getMessage());
        }
        if (!h.isSequenceStart()) {
            throw new CodecConfigException("not a video sequence start");
        }
        int at = h.dataOffset();
        return switch (h.codec()) {
            case AVC -> {
                AvcDecoderConfig c = AvcDecoderConfig.parse(sequenceStart, at);
                yield new VideoFormat(h.codec().label, c.codecString(), c.profileName(), c.width(), c.height(), c.frameRate());
            }
            case HEVC -> {
                HevcDecoderConfig c = HevcDecoderConfig.parse(sequenceStart, at);
                yield new VideoFormat(h.codec().label, c.codecString(), c.profileName(), c.width(), c.height(), 0);
            }
            case AV1 -> {
                if (h.packetType() == VideoTagHeader.PacketType.MPEG2TS_SEQUENCE_START) {
                    yield new VideoFormat(h.codec().label, "av01", "", 0, 0, 0); // an AV1 video descriptor, not a record
                }
                Av1CodecConfig c = Av1CodecConfig.parse(sequenceStart, at);
                yield new VideoFormat(h.codec().label, c.codecString(), c.profileName(), c.width(), c.height(), 0);
            }
            case VP9, VP8 -> {
                VpCodecConfig c = VpCodecConfig.parse(sequenceStart, at);
                yield new VideoFormat(h.codec().label, c.codecString(h.codec().fourCc), c.profileName(), 0, 0, 0);
            }
            case VVC -> new VideoFormat(h.codec().label, "vvc1", "", 0, 0, 0);
            case LEGACY_OTHER, UNKNOWN -> throw new CodecConfigException("no configuration record for " + describe(h));
        };
    }

    private static String describe(VideoTagHeader h) {
        return h.codec() == VideoCodec.UNKNOWN ? "FourCC '" + h.fourCc() + "'" : h.codec().label;
    }
}
