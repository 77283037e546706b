package io.livestream.media.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The media playlist text (RFC 8216bis section 4 with the low-latency tags): segments of the
 * window with their init sections, discontinuities and program date-times, the parts of the
 * segments within three target durations of the end (4.4.4.9: older ones may go), and the preload
 * hint of the next part. Section numbers below are RFC 8216bis-16's.
 */
final class MediaPlaylist {
    /** 4.4.3.1: EXT-X-MAP without EXT-X-I-FRAMES-ONLY needs version 6; nothing here needs more. */
    private static final int VERSION = 6;
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private MediaPlaylist() {
    }

    static String render(LlHlsSegmenter s, String prefix, String query) {
        if (!s.ready()) {
            throw new IllegalStateException("no segment complete yet: the target duration is unknown");
        }
        List<Segment> segments = s.segments();
        HlsConfig config = s.config();
        StringBuilder out = new StringBuilder(256 + 160 * segments.size());
        out.append("#EXTM3U\n");
        out.append("#EXT-X-VERSION:").append(VERSION).append('\n');
        out.append("#EXT-X-TARGETDURATION:").append(s.targetDuration()).append('\n');
        out.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(config.partTarget().toMillis() / 1000.0)).append('\n');
        out.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=")
                .append(seconds(config.partHoldBackSeconds())).append('\n');
        out.append("#EXT-X-MEDIA-SEQUENCE:").append(segments.get(0).msn()).append('\n');
        out.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(s.discontinuitySequence()).append('\n');
        out.append("#EXT-X-INDEPENDENT-SEGMENTS\n"); // 4.4.2.1: every segment starts on a keyframe
        double partsFrom = totalDuration(segments) - 3.0 * s.targetDuration();
        double at = 0;
        InitSection map = null;
        for (Segment seg : segments) {
            if (seg.partCount() == 0) {
                continue; // just opened: its tags come with its first part
            }
            if (seg.discontinuity()) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            if (seg.init() != map || seg.discontinuity()) {
                map = seg.init();
                out.append("#EXT-X-MAP:URI=\"").append(prefix).append("init-").append(map.id()).append(".mp4").append(query).append("\"\n");
            }
            out.append("#EXT-X-PROGRAM-DATE-TIME:").append(DATE_TIME.format(Instant.ofEpochMilli(seg.programDateTime()))).append('\n');
            if (at + seg.duration() > partsFrom || !seg.isComplete()) {
                for (Part p : seg.parts()) {
                    out.append("#EXT-X-PART:DURATION=").append(seconds(p.duration())).append(",URI=\"").append(prefix)
                            .append("part-").append(p.sequence()).append(".m4s").append(query).append('"').append(p.independent() ? ",INDEPENDENT=YES" : "").append('\n');
                }
            }
            at += seg.duration();
            if (seg.isComplete()) {
                out.append("#EXTINF:").append(seconds(seg.duration())).append(",\n");
                out.append(prefix).append("seg-").append(seg.msn()).append(".m4s").append(query).append('\n');
            }
        }
        if (s.ended()) {
            return out.append("#EXT-X-ENDLIST\n").toString();
        }
        // 4.4.5.3: the part the server is producing; a request for it is held until it exists
        out.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(prefix).append("part-").append(s.nextPartSequence()).append(".m4s").append(query).append("\"\n");
        return out.toString();
    }

    private static double totalDuration(List<Segment> segments) {
        double d = 0;
        for (Segment s : segments) {
            d += s.duration();
        }
        return d;
    }

    private static String seconds(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }
}
