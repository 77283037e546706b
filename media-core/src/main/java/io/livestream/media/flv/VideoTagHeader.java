package io.livestream.media.flv;

import java.nio.charset.StandardCharsets;

/**
 * The header of an FLV video tag body: the legacy VideoTagHeader (FLV spec v10.1 E.4.3.1) or the
 * Enhanced RTMP v2 ExVideoTagHeader ("Enhanced Video": IsExHeader bit, 3-bit frame type,
 * VideoPacketType, ModEx entries, Multitrack, FourCC). {@code dataOffset} is where the codec's
 * bytes begin (the configuration record, the coded frames or the AMF metadata); for a multitrack
 * message it describes the first track. The static methods answer the questions a relay asks of
 * every packet (keyframe? sequence header?) without allocating.
 *
 * <p>An unknown FourCC parses with {@link VideoCodec#UNKNOWN}: whoever takes the stream decides
 * (the ingest refuses it by name); an enhanced header that cannot be read throws
 * {@link FlvFormatException}.
 */
public record VideoTagHeader(
        boolean enhanced,
        int frameType,
        VideoCodec codec,
        String fourCc,
        PacketType packetType,
        int compositionTime,
        int dataOffset,
        boolean multitrack,
        int trackId) {

    /** VideoFrameType: 1 key frame, 2 inter frame, 3 disposable, 4 generated key frame, 5 command. */
    public static final int KEY_FRAME = 1;
    public static final int COMMAND_FRAME = 5;

    private static final int EX_HEADER = 0x80;
    private static final int LEGACY_AVC = 7;
    private static final int LEGACY_HEVC = 12;
    private static final int MODEX = 7;
    private static final int MULTITRACK = 6;
    /** AvMultitrackType.ManyTracksManyCodecs: each track names its own FourCC. */
    private static final int MANY_TRACKS_MANY_CODECS = 2;

    /** The video codecs a stream may carry; the FourCCs are Enhanced RTMP's VideoFourCc. */
    public enum VideoCodec {
        AVC("avc1", "h264"), HEVC("hvc1", "hevc"), AV1("av01", "av1"), VP9("vp09", "vp9"), VP8("vp08", "vp8"),
        VVC("vvc1", "vvc"),
        /** Sorenson H.263, screen video, On2 VP6: legacy codec ids 2-6, relayed as they are. */
        LEGACY_OTHER("", "legacy"),
        UNKNOWN("", "unknown");

        public final String fourCc;
        /** The name {@code /api/streams} reports. */
        public final String label;

        VideoCodec(String fourCc, String label) {
            this.fourCc = fourCc;
            this.label = label;
        }

        static VideoCodec ofFourCc(String fourCc) {
            for (VideoCodec c : values()) {
                if (!c.fourCc.isEmpty() && c.fourCc.equals(fourCc)) {
                    return c;
                }
            }
            return UNKNOWN;
        }
    }

    /** VideoPacketType; the legacy AVCPacketType 0/1/2 maps onto the first three. */
    public enum PacketType {
        SEQUENCE_START, CODED_FRAMES, SEQUENCE_END, CODED_FRAMES_X, METADATA, MPEG2TS_SEQUENCE_START;

        static PacketType of(int wire) {
            return switch (wire) {
                case 0 -> SEQUENCE_START;
                case 1 -> CODED_FRAMES;
                case 2 -> SEQUENCE_END;
                case 3 -> CODED_FRAMES_X;
                case 4 -> METADATA;
                case 5 -> MPEG2TS_SEQUENCE_START;
                default -> throw new FlvFormatException("unknown video packet type " + wire);
            };
        }
    }

    /**
     * Parses the header at the start of a video tag body. Spec-shaped (Enhanced RTMP v2 ExVideoTagHeader
     * pseudocode), hence one method longer than usual.
     */
    public static VideoTagHeader parse(byte[] p) {
        if (p.length < 1) {
            throw new FlvFormatException("empty video tag");
        }
        int b0 = p[0] & 0xff;
        if ((b0 & EX_HEADER) == 0) {
            return parseLegacy(p, b0);
        }
        int frameType = (b0 >> 4) & 0x07;
        int at = 1;
        int wireType = b0 & 0x0f;
        while (wireType == MODEX) {
            at = skipModEx(p, at);
            wireType = p[at - 1] & 0x0f;
        }
        boolean multitrack = wireType == MULTITRACK;
        int multitrackType = 0;
        if (multitrack) {
            need(p, at + 1);
            multitrackType = (p[at] >> 4) & 0x0f;
            wireType = p[at] & 0x0f;
            at++;
            if (wireType == MULTITRACK || wireType == MODEX) {
                throw new FlvFormatException("multitrack video packet type " + wireType);
            }
        }
        PacketType type = PacketType.of(wireType);
        if (frameType == COMMAND_FRAME && type != PacketType.METADATA) {
            need(p, at + 1); // VideoCommand: no body follows
            return new VideoTagHeader(true, frameType, VideoCodec.UNKNOWN, "", type, 0, at + 1, false, 0);
        }
        String fourCc = "";
        if (!multitrack || multitrackType != MANY_TRACKS_MANY_CODECS) {
            fourCc = fourCc(p, at);
            at += 4;
        }
        int trackId = 0;
        if (multitrack) {
            if (multitrackType == MANY_TRACKS_MANY_CODECS) {
                fourCc = fourCc(p, at);
                at += 4;
            }
            need(p, at + 1);
            trackId = p[at++] & 0xff;
            if (multitrackType != 0) {
                need(p, at + 3);
                at += 3; // sizeOfVideoTrack
            }
        }
        VideoCodec codec = VideoCodec.ofFourCc(fourCc);
        int compositionTime = 0;
        boolean nalCodec = codec == VideoCodec.AVC || codec == VideoCodec.HEVC || codec == VideoCodec.VVC;
        if (type == PacketType.CODED_FRAMES && nalCodec) {
            need(p, at + 3);
            compositionTime = si24(p, at);
            at += 3;
        }
        return new VideoTagHeader(true, frameType, codec, fourCc, type, compositionTime, at, multitrack, trackId);
    }

    private static VideoTagHeader parseLegacy(byte[] p, int b0) {
        int frameType = b0 >> 4;
        int codecId = b0 & 0x0f;
        if (codecId == LEGACY_AVC || codecId == LEGACY_HEVC) {
            need(p, 5);
            int avcPacketType = p[1] & 0xff;
            if (avcPacketType > 2) {
                throw new FlvFormatException("unknown AVCPacketType " + avcPacketType);
            }
            VideoCodec codec = codecId == LEGACY_AVC ? VideoCodec.AVC : VideoCodec.HEVC;
            return new VideoTagHeader(false, frameType, codec, "", PacketType.of(avcPacketType), si24(p, 2), 5, false, 0);
        }
        return new VideoTagHeader(false, frameType, VideoCodec.LEGACY_OTHER, "", PacketType.CODED_FRAMES, 0, 1, false, 0);
    }

    /** A frame a decoder can start on: a key frame carrying coded frames (not a sequence start, end or metadata). */
    public boolean isKeyframe() {
        return frameType == KEY_FRAME && (packetType == PacketType.CODED_FRAMES || packetType == PacketType.CODED_FRAMES_X);
    }

    public boolean isSequenceStart() {
        return packetType == PacketType.SEQUENCE_START || packetType == PacketType.MPEG2TS_SEQUENCE_START;
    }

    // --- without allocating: what every relay asks of every packet ---

    /** The packet type of a video tag body, or -1 when it has none that can be read (legacy non-AVC codecs: coded frames). */
    public static int packetTypeOf(byte[] p) {
        if (p.length < 2) {
            return -1;
        }
        int b0 = p[0] & 0xff;
        if ((b0 & EX_HEADER) == 0) {
            int codecId = b0 & 0x0f;
            return codecId == LEGACY_AVC || codecId == LEGACY_HEVC ? p[1] & 0xff : PacketType.CODED_FRAMES.ordinal();
        }
        int wireType = b0 & 0x0f;
        int at = 1;
        try {
            while (wireType == MODEX) {
                at = skipModEx(p, at);
                wireType = p[at - 1] & 0x0f;
            }
        } catch (FlvFormatException truncated) {
            return -1;
        }
        if (wireType == MULTITRACK) {
            return at < p.length ? p[at] & 0x0f : -1;
        }
        return wireType;
    }

    /** The VideoFrameType of a video tag body (3 bits in an enhanced header, 4 in a legacy one). */
    public static int frameTypeOf(byte[] p) {
        if (p.length < 1) {
            return 0;
        }
        int b0 = p[0] & 0xff;
        return (b0 & EX_HEADER) != 0 ? (b0 >> 4) & 0x07 : b0 >> 4;
    }

    public static boolean isEnhanced(byte[] p) {
        return p.length > 0 && (p[0] & EX_HEADER) != 0;
    }

    /** True for a key frame of coded frames, legacy or enhanced. */
    public static boolean isKeyframe(byte[] p) {
        int type = packetTypeOf(p);
        return frameTypeOf(p) == KEY_FRAME && (type == 1 || type == 3);
    }

    /** ModEx entry at {@code at} (after its type byte); returns the offset just past the next packet-type byte. */
    private static int skipModEx(byte[] p, int at) {
        need(p, at + 1);
        int size = (p[at] & 0xff) + 1;
        at++;
        if (size == 256) {
            need(p, at + 2);
            size = ((p[at] & 0xff) << 8 | (p[at + 1] & 0xff)) + 1;
            at += 2;
        }
        need(p, at + size + 1);
        return at + size + 1; // the data, then UB[4] modExType and UB[4] packet type in one byte
    }

    private static String fourCc(byte[] p, int at) {
        need(p, at + 4);
        return new String(p, at, 4, StandardCharsets.ISO_8859_1);
    }

    static int si24(byte[] p, int at) {
        int v = (p[at] & 0xff) << 16 | (p[at + 1] & 0xff) << 8 | (p[at + 2] & 0xff);
        return (v << 8) >> 8;
    }

    private static void need(byte[] p, int length) {
        if (p.length < length) {
            throw new FlvFormatException("video tag header cut short at " + p.length + " bytes");
        }
    }
}
