package io.livestream.ingest;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.AudioTagHeader;
import io.livestream.media.flv.FlvFormatException;
import io.livestream.media.flv.VideoTagHeader;
import io.livestream.media.rtmp.RtmpProtocolException;

/**
 * What the ingest accepts of a publisher's tags: legacy tags as they come (as before Enhanced
 * RTMP), Enhanced RTMP tags only with a readable header and a FourCC of the spec (video
 * {@code avc1 hvc1 av01 vp09 vp08 vvc1}, audio {@code mp4a Opus fLaC ac-3 ec-3 .mp3}). Anything
 * else would reach players as a stream nobody can decode, so the publish is refused by name.
 */
final class MediaCheck {
    static final String UNSUPPORTED_CODEC = "unsupported-codec";
    static final String BAD_MEDIA_HEADER = "bad-media-header";

    private MediaCheck() {
    }

    static void requireKnownCodec(MediaPacket packet) {
        byte[] p = packet.payload();
        try {
            if (packet.kind() == MediaPacket.Kind.VIDEO && VideoTagHeader.isEnhanced(p)) {
                VideoTagHeader h = VideoTagHeader.parse(p);
                if (h.codec() == VideoTagHeader.VideoCodec.UNKNOWN && h.frameType() != VideoTagHeader.COMMAND_FRAME) {
                    throw new RtmpProtocolException(UNSUPPORTED_CODEC, "video FourCC '" + printable(h.fourCc()) + "' is not one this server relays");
                }
            } else if (packet.kind() == MediaPacket.Kind.AUDIO && p.length > 0 && (p[0] & 0xf0) == 0x90) {
                AudioTagHeader h = AudioTagHeader.parse(p);
                if (h.codec() == AudioTagHeader.AudioCodec.UNKNOWN) {
                    throw new RtmpProtocolException(UNSUPPORTED_CODEC, "audio FourCC '" + printable(h.fourCc()) + "' is not one this server relays");
                }
            }
        } catch (FlvFormatException e) {
            throw new RtmpProtocolException(BAD_MEDIA_HEADER, e.getMessage());
        }
    }

    /** The FourCC as text a log can hold: anything outside printable ASCII shown as '?'. */
    private static String printable(String fourCc) {
        return fourCc.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
