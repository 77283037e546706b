package io.livestream.common.record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A recording's media playlist (RFC 8216bis 4.4): {@code EXT-X-PLAYLIST-TYPE:EVENT} while it is being
 * written (segments are only ever added), {@code VOD} with {@code EXT-X-ENDLIST} once the stream has ended.
 * Each segment names its init section ({@code EXT-X-MAP} where it changes, after a discontinuity) and its
 * program date-time; URIs are relative to {@code /vod/<name>.m3u8}.
 */
public final class VodPlaylist {
    /** One written segment: its number, duration in seconds, init section, whether a discontinuity precedes it, its wall-clock start. */
    public record Entry(long msn, double duration, int init, boolean discontinuity, long programDateTime) {
    }

    private final String name;
    private final List<Entry> entries = new ArrayList<>();
    private double duration;

    public VodPlaylist(String name) {
        this.name = name;
    }

    public void add(Entry entry) {
        entries.add(entry);
        duration += entry.duration();
    }

    /** Seconds recorded so far. */
    public double duration() {
        return duration;
    }

    public int segments() {
        return entries.size();
    }

    public String render(boolean ended) {
        int target = 1;
        for (Entry e : entries) {
            target = Math.max(target, (int) Math.ceil(e.duration() - 0.0005));
        }
        StringBuilder out = new StringBuilder(128 + entries.size() * 64)
                .append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:").append(target).append('\n')
                .append("#EXT-X-PLAYLIST-TYPE:").append(ended ? "VOD" : "EVENT").append('\n')
                .append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        int init = -1;
        for (Entry e : entries) {
            if (e.discontinuity() && init >= 0) {
                out.append("#EXT-X-DISCONTINUITY\n");
            }
            if (e.init() != init) {
                init = e.init();
                out.append("#EXT-X-MAP:URI=\"").append(name).append("/init-").append(init).append(".mp4\"\n");
            }
            if (e.programDateTime() > 0) {
                out.append("#EXT-X-PROGRAM-DATE-TIME:").append(Instant.ofEpochMilli(e.programDateTime())).append('\n');
            }
            out.append("#EXTINF:").append(String.format(Locale.ROOT, "%.5f", e.duration())).append(",\n")
                    .append(name).append("/seg-").append(e.msn()).append(".m4s\n");
        }
        if (ended) {
            out.append("#EXT-X-ENDLIST\n");
        }
        return out.toString();
    }
}
