package io.livestream.media;

/**
 * One unit of a live stream as it travels from ingest to viewers: the body of an FLV tag
 * (the same bytes as an RTMP audio, video or data message) and its timestamp.
 *
 * <p>The payload array is never modified after construction; it is shared, not copied.
 */
public record MediaPacket(Kind kind, int timestamp, byte[] payload) {

    /** The FLV tag types (FLV spec E.4.1), which are also the RTMP message type ids 8, 9 and 18. */
    public enum Kind {
        AUDIO(8), VIDEO(9), SCRIPT(18);

        public final int tagType;

        Kind(int tagType) {
            this.tagType = tagType;
        }

        public static Kind ofTagType(int tagType) {
            return switch (tagType) {
                case 8 -> AUDIO;
                case 9 -> VIDEO;
                case 18 -> SCRIPT;
                default -> throw new IllegalArgumentException("not an FLV tag type: " + tagType);
            };
        }
    }

    private static final int CODEC_AVC = 7;
    private static final int CODEC_HEVC = 12;
    private static final int SOUND_AAC = 10;

    public static MediaPacket video(int timestamp, byte[] payload) {
        return new MediaPacket(Kind.VIDEO, timestamp, payload);
    }

    public static MediaPacket audio(int timestamp, byte[] payload) {
        return new MediaPacket(Kind.AUDIO, timestamp, payload);
    }

    public static MediaPacket script(int timestamp, byte[] payload) {
        return new MediaPacket(Kind.SCRIPT, timestamp, payload);
    }

    public int size() {
        return payload.length;
    }

    /**
     * A video frame a decoder can start on (FLV VideoTagHeader frame type 1). For AVC/HEVC only
     * coded pictures (AVCPacketType 1) count, not sequence headers or end-of-sequence.
     */
    public boolean isKeyframe() {
        if (kind != Kind.VIDEO || payload.length < 2 || (payload[0] & 0xf0) != 0x10) {
            return false;
        }
        return !isAvcFamily() || payload[1] == 1;
    }

    /** AVC/HEVC end of sequence (AVCPacketType 2), as ffmpeg writes at the end of a file. */
    public boolean isEndOfSequence() {
        return kind == Kind.VIDEO && payload.length >= 2 && isAvcFamily() && payload[1] == 2;
    }

    private boolean isAvcFamily() {
        int codec = payload[0] & 0x0f;
        return codec == CODEC_AVC || codec == CODEC_HEVC;
    }

    /** AVC/HEVC decoder configuration record (AVCPacketType 0). */
    public boolean isVideoSequenceHeader() {
        if (kind != Kind.VIDEO || payload.length < 2) {
            return false;
        }
        return isAvcFamily() && payload[1] == 0;
    }

    /** AAC AudioSpecificConfig (AACPacketType 0). */
    public boolean isAudioSequenceHeader() {
        return kind == Kind.AUDIO && payload.length >= 2 && ((payload[0] & 0xf0) >> 4) == SOUND_AAC && payload[1] == 0;
    }

    public boolean isSequenceHeader() {
        return isVideoSequenceHeader() || isAudioSequenceHeader();
    }

    /** The stream's {@code onMetaData} script tag (other script tags, such as clocks, are not metadata). */
    public boolean isMetadata() {
        return io.livestream.media.flv.ScriptTags.isNamed(this, io.livestream.media.flv.ScriptTags.ON_METADATA);
    }

    /** The same packet on another timeline; the payload is shared. */
    public MediaPacket withTimestamp(int newTimestamp) {
        return newTimestamp == timestamp ? this : new MediaPacket(kind, newTimestamp, payload);
    }

    @Override
    public String toString() {
        return "MediaPacket[" + kind + " ts=" + timestamp + " size=" + payload.length
                + (isKeyframe() ? " key" : "") + (isSequenceHeader() ? " seqhdr" : "") + "]";
    }
}
