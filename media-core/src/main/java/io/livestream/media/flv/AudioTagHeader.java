package io.livestream.media.flv;

import java.nio.charset.StandardCharsets;

/**
 * The header of an FLV audio tag body: the legacy AudioTagHeader (FLV spec v10.1 E.4.2.1) or the
 * Enhanced RTMP v2 ExAudioTagHeader (SoundFormat 9: AudioPacketType, ModEx entries, Multitrack,
 * FourCC). {@code dataOffset} is where the codec's bytes begin (for AAC, after the AACPacketType).
 * An unknown FourCC parses with {@link AudioCodec#UNKNOWN}; a header that cannot be read throws
 * {@link FlvFormatException}.
 */
public record AudioTagHeader(boolean enhanced, AudioCodec codec, String fourCc, PacketType packetType, int dataOffset,
                             boolean multitrack, int trackId) {

    private static final int EX_HEADER = 9;
    private static final int LEGACY_AAC = 10;
    private static final int LEGACY_MP3 = 2;
    private static final int MODEX = 7;
    private static final int MULTITRACK = 5;
    private static final int MANY_TRACKS_MANY_CODECS = 2;

    /** Audio codecs; the FourCCs are Enhanced RTMP's AudioFourCc. */
    public enum AudioCodec {
        AAC("mp4a", "aac"), OPUS("Opus", "opus"), FLAC("fLaC", "flac"), AC3("ac-3", "ac-3"), EAC3("ec-3", "ec-3"),
        MP3(".mp3", "mp3"),
        /** PCM, ADPCM, Nellymoser, G.711, Speex: legacy sound formats, relayed as they are. */
        LEGACY_OTHER("", "legacy"),
        UNKNOWN("", "unknown");

        public final String fourCc;
        public final String label;

        AudioCodec(String fourCc, String label) {
            this.fourCc = fourCc;
            this.label = label;
        }

        static AudioCodec ofFourCc(String fourCc) {
            for (AudioCodec c : values()) {
                if (!c.fourCc.isEmpty() && c.fourCc.equals(fourCc)) {
                    return c;
                }
            }
            return UNKNOWN;
        }
    }

    /** AudioPacketType; the legacy AACPacketType 0/1 maps onto the first two. */
    public enum PacketType {
        SEQUENCE_START, CODED_FRAMES, SEQUENCE_END, MULTICHANNEL_CONFIG;

        static PacketType of(int wire) {
            return switch (wire) {
                case 0 -> SEQUENCE_START;
                case 1 -> CODED_FRAMES;
                case 2 -> SEQUENCE_END;
                case 4 -> MULTICHANNEL_CONFIG;
                default -> throw new FlvFormatException("unknown audio packet type " + wire);
            };
        }
    }

    /** Parses the header at the start of an audio tag body (spec-shaped, as {@link VideoTagHeader#parse}). */
    public static AudioTagHeader parse(byte[] p) {
        if (p.length < 1) {
            throw new FlvFormatException("empty audio tag (an RTMP silence message)");
        }
        int soundFormat = (p[0] & 0xff) >> 4;
        if (soundFormat != EX_HEADER) {
            if (soundFormat == LEGACY_AAC) {
                need(p, 2);
                int aacPacketType = p[1] & 0xff;
                if (aacPacketType > 1) {
                    throw new FlvFormatException("unknown AACPacketType " + aacPacketType);
                }
                return new AudioTagHeader(false, AudioCodec.AAC, "", PacketType.of(aacPacketType), 2, false, 0);
            }
            AudioCodec codec = soundFormat == LEGACY_MP3 ? AudioCodec.MP3 : AudioCodec.LEGACY_OTHER;
            return new AudioTagHeader(false, codec, "", PacketType.CODED_FRAMES, 1, false, 0);
        }
        int wireType = p[0] & 0x0f;
        int at = 1;
        while (wireType == MODEX) {
            need(p, at + 1);
            int size = (p[at] & 0xff) + 1;
            at++;
            if (size == 256) {
                need(p, at + 2);
                size = ((p[at] & 0xff) << 8 | (p[at + 1] & 0xff)) + 1;
                at += 2;
            }
            need(p, at + size + 1);
            at += size + 1;
            wireType = p[at - 1] & 0x0f;
        }
        boolean multitrack = wireType == MULTITRACK;
        int multitrackType = 0;
        if (multitrack) {
            need(p, at + 1);
            multitrackType = (p[at] >> 4) & 0x0f;
            wireType = p[at] & 0x0f;
            at++;
        }
        PacketType type = PacketType.of(wireType);
        String fourCc = "";
        if (!multitrack || multitrackType != MANY_TRACKS_MANY_CODECS) {
            fourCc = fourCc(p, at);
            at += 4;
        }
        int trackId = 0;
        if (multitrack) {
            if (multitrackType == MANY_TRACKS_MANY_CODECS) {
                fourCc = fourCc(p, at); // no shared FourCC: the first track's own
                at += 4;
            }
            need(p, at + 1);
            trackId = p[at++] & 0xff;
            if (multitrackType != 0) {
                need(p, at + 3);
                at += 3; // sizeOfAudioTrack
            }
        }
        return new AudioTagHeader(true, AudioCodec.ofFourCc(fourCc), fourCc, type, at, multitrack, trackId);
    }

    public boolean isSequenceStart() {
        return packetType == PacketType.SEQUENCE_START;
    }

    /** Without allocating: an AAC AudioSpecificConfig (legacy) or any codec's SequenceStart (enhanced). */
    public static boolean isSequenceStart(byte[] p) {
        if (p.length < 2) {
            return false;
        }
        int soundFormat = (p[0] & 0xff) >> 4;
        if (soundFormat == LEGACY_AAC) {
            return p[1] == 0;
        }
        return soundFormat == EX_HEADER && (p[0] & 0x0f) == 0;
    }

    private static String fourCc(byte[] p, int at) {
        need(p, at + 4);
        return new String(p, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static void need(byte[] p, int length) {
        if (p.length < length) {
            throw new FlvFormatException("audio tag header cut short at " + p.length + " bytes");
        }
    }
}
