package io.livestream.media;

import io.livestream.media.flv.AudioTagHeader;
import io.livestream.media.flv.VideoTagHeader;

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
     * A video frame a decoder can start on: FLV frame type 1 on coded frames (legacy AVCPacketType 1,
     * Enhanced RTMP CodedFrames or CodedFramesX), not a sequence start, end, metadata or command;
     * the same rule for every codec ({@link VideoTagHeader}).
     */
    public boolean isKeyframe() {
        return kind == Kind.VIDEO && VideoTagHeader.isKeyframe(payload);
    }

    /** End of sequence (AVC/HEVC AVCPacketType 2, Enhanced RTMP SequenceEnd), as ffmpeg writes at the end of a file. */
    public boolean isEndOfSequence() {
        return kind == Kind.VIDEO && hasVideoPacketType(2);
    }

    /** A decoder configuration record: AVC/HEVC AVCPacketType 0, Enhanced RTMP SequenceStart or MPEG2TSSequenceStart. */
    public boolean isVideoSequenceHeader() {
        return kind == Kind.VIDEO && (hasVideoPacketType(0) || VideoTagHeader.isEnhanced(payload) && hasVideoPacketType(5));
    }

    /** An Enhanced RTMP video Metadata packet (AMF {@code colorInfo}: HDR colour information). */
    public boolean isVideoMetadata() {
        return kind == Kind.VIDEO && VideoTagHeader.isEnhanced(payload) && hasVideoPacketType(4);
    }

    private boolean hasVideoPacketType(int type) {
        if (payload.length < 2) {
            return false;
        }
        int codecId = payload[0] & 0x0f;
        boolean legacyWithType = codecId == 7 || codecId == 12;
        return (VideoTagHeader.isEnhanced(payload) || legacyWithType) && VideoTagHeader.packetTypeOf(payload) == type;
    }

    /** An audio sequence start: the AAC AudioSpecificConfig (AACPacketType 0), or an Enhanced RTMP SequenceStart of any codec. */
    public boolean isAudioSequenceHeader() {
        return kind == Kind.AUDIO && AudioTagHeader.isSequenceStart(payload);
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
