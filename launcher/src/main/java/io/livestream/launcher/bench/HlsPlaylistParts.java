package io.livestream.launcher.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts an LL-HLS media playlist lists (RFC 8216bis 4.4.4.9), each with the media sequence
 * number of its segment, its index there and the wall-clock time its media ends: the segment's
 * {@code EXT-X-PROGRAM-DATE-TIME} plus the durations of the parts up to it. On this platform the
 * date-time is the ingest's receive time of the segment's first frame, so that end is when the
 * frame after the part arrived, the moment the part could be cut.
 */
record HlsPlaylistParts(List<Part> parts, boolean lastSegmentComplete) {
    private static final Pattern PART = Pattern.compile("^#EXT-X-PART:DURATION=([0-9.]+),URI=\"([^\"]+)\"");

    record Part(long msn, int index, String uri, long endMillis) {
    }

    static HlsPlaylistParts parse(String text) {
        List<Part> parts = new ArrayList<>();
        long msn = 0;
        int index = 0;
        long segmentStart = 0;
        double elapsed = 0;
        boolean complete = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()).trim());
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                segmentStart = Instant.parse(line.substring("#EXT-X-PROGRAM-DATE-TIME:".length()).trim()).toEpochMilli();
                elapsed = 0;
            } else if (line.startsWith("#EXT-X-PART:")) {
                Matcher m = PART.matcher(line);
                if (m.find()) {
                    elapsed += Double.parseDouble(m.group(1));
                    parts.add(new Part(msn, index++, m.group(2), segmentStart + Math.round(elapsed * 1000)));
                    complete = false;
                }
            } else if (!line.isBlank() && !line.startsWith("#")) {
                msn++; // a segment's URI closes it
                index = 0;
                complete = true;
            }
        }
        return new HlsPlaylistParts(List.copyOf(parts), complete);
    }

    /** The newest part listed, or null. */
    Part last() {
        return parts.isEmpty() ? null : parts.get(parts.size() - 1);
    }

    /** The part {@code msn}.{@code index}, or null when not listed. */
    Part find(long msn, int index) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            Part p = parts.get(i);
            if (p.msn() == msn && p.index() == index) {
                return p;
            }
        }
        return null;
    }

    /** The {@code _HLS_msn} and {@code _HLS_part} of the part after the newest: {msn, part}. */
    long[] next() {
        Part last = last();
        if (last == null) {
            return null;
        }
        return lastSegmentComplete ? new long[] {last.msn() + 1, 0} : new long[] {last.msn(), last.index() + 1};
    }
}
