package io.livestream.launcher.bench;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class HlsPlaylistPartsTest {
    private static final String OPEN_SEGMENT = """
            #EXTM3U
            #EXT-X-TARGETDURATION:1
            #EXT-X-MEDIA-SEQUENCE:7
            #EXT-X-MAP:URI="s1/init-0.mp4"
            #EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:00.000Z
            #EXTINF:1.00000,
            s1/seg-7.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:01.000Z
            #EXT-X-PART:DURATION=0.50000,URI="s1/part-2.m4s",INDEPENDENT=YES
            #EXT-X-PART:DURATION=0.50000,URI="s1/part-3.m4s"
            #EXTINF:1.00000,
            s1/seg-8.m4s
            #EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:02.000Z
            #EXT-X-PART:DURATION=0.46700,URI="s1/part-4.m4s",INDEPENDENT=YES
            #EXT-X-PRELOAD-HINT:TYPE=PART,URI="s1/part-5.m4s"
            """;

    @Test
    void partsCarryTheirSegmentIndexAndMediaEndAndTheNextIsInTheOpenSegment() {
        HlsPlaylistParts parts = HlsPlaylistParts.parse(OPEN_SEGMENT);
        long start = Instant.parse("2026-12-06T10:00:01.000Z").toEpochMilli();
        assertThat(parts.parts()).containsExactly(
                new HlsPlaylistParts.Part(8, 0, "s1/part-2.m4s", start + 500),
                new HlsPlaylistParts.Part(8, 1, "s1/part-3.m4s", start + 1000),
                new HlsPlaylistParts.Part(9, 0, "s1/part-4.m4s", start + 1467));
        assertThat(parts.next()).containsExactly(9, 1);
        assertThat(parts.find(8, 1).uri()).isEqualTo("s1/part-3.m4s");
        assertThat(parts.find(8, 2)).isNull();
    }

    @Test
    void afterACompleteSegmentTheNextPartOpensTheNextSegment() {
        String complete = OPEN_SEGMENT.substring(0, OPEN_SEGMENT.indexOf("#EXT-X-PROGRAM-DATE-TIME:2026-12-06T10:00:02"));
        assertThat(HlsPlaylistParts.parse(complete).next()).containsExactly(9, 0);
        assertThat(HlsPlaylistParts.parse("#EXTM3U\n").next()).isNull();
    }
}
