package io.livestream.media.hls;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.ScriptTags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.livestream.media.hls.TestStream.av;
import static org.assertj.core.api.Assertions.assertThat;

/** The segmenter against RFC 8216bis's rules (with the low-latency extensions), on synthetic streams with a hand-set clock. */
class LlHlsSegmenterTest {
    private static final long T0 = 1_796_000_000_000L; // 2026-11-30T...Z
    private final AtomicLong clock = new AtomicLong(T0);
    private final List<Part> announced = new ArrayList<>();

    private LlHlsSegmenter segmenter(HlsConfig config) {
        return new LlHlsSegmenter(config, clock::get, announced::add);
    }

    private static List<Part> parts(LlHlsSegmenter s) {
        return s.segments().stream().flatMap(seg -> seg.parts().stream()).toList();
    }

    @ParameterizedTest(name = "{0} fps, keyframe every {1} frames")
    @CsvSource({"30, 30", "30, 60", "25, 50", "24, 48", "60, 60", "29.97, 60", "10, 20", "30, 15", "15, 15"})
    void partsStayWithinThePartTargetAndOnlyIndependentOrLastPartsAreShort(double fps, int gop) {
        LlHlsSegmenter s = segmenter(new HlsConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 100, 1L << 30));
        av(fps, gop, 0, 12, true).forEach(s::accept);
        s.end();
        for (Segment seg : s.segments()) {
            List<Part> parts = seg.parts();
            for (Part p : parts) {
                assertThat(p.duration()).as("part %d.%d", p.msn(), p.index()).isLessThanOrEqualTo(0.5);
                if (!p.independent() && p.index() != parts.size() - 1) {
                    // 4.4.4.9 EXT-X-PART-INF: at least 85% of PART-TARGET but for independent and last parts
                    assertThat(p.duration()).as("part %d.%d", p.msn(), p.index()).isGreaterThanOrEqualTo(0.85 * 0.5);
                }
            }
            assertThat(seg.duration()).isCloseTo(parts.stream().mapToDouble(Part::duration).sum(), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(s.segments().stream().mapToDouble(Segment::duration).sum()).as("every frame in a part").isCloseTo(12, org.assertj.core.data.Offset.offset(0.1));
    }

    @ParameterizedTest(name = "{0} fps, keyframe every {1} frames")
    @CsvSource({"30, 30", "30, 45", "25, 13", "30, 15"})
    void everySegmentStartsOnAKeyframeAndAPartIsIndependentExactlyWhenItDoes(double fps, int gop) {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        av(fps, gop, 0, 8, true).forEach(s::accept);
        for (Segment seg : s.segments().stream().filter(seg -> seg.partCount() > 0).toList()) {
            assertThat(seg.parts().get(0).independent()).as("segment %d's first part", seg.msn()).isTrue();
            assertThat(TestStream.startsOnSyncSample(seg.parts().get(0).bytes())).isTrue();
            assertThat(seg.duration()).as("at least the minimum segment, unless open").matches(d -> d >= 1.0 || !seg.isComplete());
            for (Part p : seg.parts()) {
                assertThat(p.independent()).as("part %d.%d", p.msn(), p.index()).isEqualTo(TestStream.startsOnSyncSample(p.bytes()));
            }
        }
        if (gop == 13) {
            assertThat(parts(s)).as("keyframes every 0.52 s fall inside parts too, not only at their starts").anyMatch(p -> !p.independent());
        }
    }

    @Test
    void targetDurationComesFromTheGopAndNoPlaylistIsGivenBeforeASegmentIsComplete() {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        List<MediaPacket> stream = av(30, 60, 0, 6, true);
        int firstGopEnd = 2 + 60 + 87; // headers, 60 frames, the audio of 2 s
        stream.subList(0, firstGopEnd).forEach(s::accept);
        assertThat(s.ready()).isFalse();
        assertThat(parts(s)).as("parts are cut before the first segment completes").hasSizeGreaterThanOrEqualTo(3);
        stream.subList(firstGopEnd, stream.size()).forEach(s::accept);
        assertThat(s.ready()).isTrue();
        assertThat(s.targetDuration()).isEqualTo(2);
        assertThat(s.playlist("x/")).contains("#EXT-X-TARGETDURATION:2\n");
        assertThat(s.segments().get(0).duration()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.001));
    }

    /**
     * A part's audio reaches its video's end: a player's buffer (the tracks' intersection) then ends
     * where the playlist says the part does. Audio held for its successor and left for the next part
     * ended parts up to a frame early, and hls.js joining a new stream reloaded them until it stalled.
     */
    @ParameterizedTest
    @CsvSource({"30, 30", "25, 50", "29.97, 60"})
    void everyPartEndsWithBothTracks(double fps, int gop) {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        av(fps, gop, 0, 6, true).forEach(s::accept);
        List<Part> parts = parts(s);
        assertThat(parts).hasSizeGreaterThan(8);
        for (Part p : parts) {
            double[] ends = trackEnds(p.bytes());
            // within the millisecond FLV timestamps round to: an audio frame stamped at the very millisecond the part
            // ends comes after the video frame of that millisecond (as FFmpeg interleaves them), into the next part
            assertThat(ends[1]).as("part %d.%d: where its audio ends, against its video's %.4f s", p.msn(), p.index(), ends[0])
                    .isGreaterThanOrEqualTo(ends[0] - 0.0011);
        }
    }

    /** Where each track of a fragment ends, in seconds: its tfdt plus its samples' durations (video at 90 kHz, AAC at 44.1 kHz). */
    private static double[] trackEnds(byte[] fragment) {
        List<io.livestream.media.fmp4.BoxTree> boxes = io.livestream.media.fmp4.BoxTree.read(fragment);
        List<Long> decodeTimes = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        for (io.livestream.media.fmp4.BoxTree box : boxes) {
            java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(box.body(fragment));
            if (box.path().equals("moof/traf/tfdt")) {
                decodeTimes.add(body.get(0) == 1 ? body.getLong(4) : body.getInt(4) & 0xffffffffL);
            } else if (box.path().equals("moof/traf/trun")) { // 8.8.8: the fields each flag adds, in order
                int flags = body.getInt(0) & 0xffffff;
                int count = body.getInt(4);
                int at = 8 + ((flags & 0x1) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 4 : 0);
                int perSample = Integer.bitCount(flags & 0xf00) * 4;
                assertThat(flags & 0x100).as("durations per sample").isNotZero();
                long sum = 0;
                for (int i = 0; i < count; i++) {
                    sum += body.getInt(at + i * perSample) & 0xffffffffL;
                }
                durations.add(sum);
            }
        }
        assertThat(decodeTimes).hasSize(2);
        return new double[] {(decodeTimes.get(0) + durations.get(0)) / 90_000.0, (decodeTimes.get(1) + durations.get(1)) / 44_100.0};
    }

    @Test
    void framesBeforeTheFirstKeyframeAreDropped() {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        s.accept(TestStream.VIDEO_HEADER);
        s.accept(TestStream.AUDIO_HEADER);
        s.accept(TestStream.videoFrame(0, false));
        s.accept(TestStream.audioFrame(10));
        s.accept(TestStream.videoFrame(33, false));
        assertThat(s.segments()).isEmpty();
        av(30, 30, 67, 3, false).forEach(s::accept);
        assertThat(s.segments().get(0).parts().get(0).bytes()).satisfies(b -> assertThat(TestStream.startsOnSyncSample(b)).isTrue());
    }

    @Test
    void theWindowSlidesWithContinuousSequenceNumbersAndBoundedMemory() {
        LlHlsSegmenter s = segmenter(new HlsConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 4, 1L << 30));
        av(30, 30, 0, 30, true).forEach(s::accept);
        List<Segment> window = s.segments();
        assertThat(window).hasSize(5).as("4 complete and the open one");
        assertThat(window).extracting(Segment::msn).containsExactly(25L, 26L, 27L, 28L, 29L);
        assertThat(window.get(4).isComplete()).isFalse();
        List<Part> parts = parts(s);
        for (int i = 1; i < parts.size(); i++) {
            assertThat(parts.get(i).sequence()).isEqualTo(parts.get(i - 1).sequence() + 1);
        }
        assertThat(announced).extracting(Part::sequence).as("every part announced once, in order")
                .containsExactlyElementsOf(java.util.stream.LongStream.range(0, parts.get(parts.size() - 1).sequence() + 1).boxed().toList());
        assertThat(s.playlist("x/")).contains("#EXT-X-MEDIA-SEQUENCE:25\n");
        assertThat(s.part(parts.get(0).sequence() - 1)).as("parts of segments gone are gone").isEmpty();

        long segmentBytes = window.get(0).bytes();
        LlHlsSegmenter small = segmenter(new HlsConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 100, 3 * segmentBytes));
        av(30, 30, 0, 30, true).forEach(small::accept);
        assertThat(small.segments().stream().filter(Segment::isComplete).mapToLong(Segment::bytes).sum()).isLessThanOrEqualTo(3 * segmentBytes);
        assertThat(small.segments().get(0).msn()).isGreaterThan(20);
    }

    @Test
    void aPublisherSwitchPutsADiscontinuityBeforeTheNextSegmentAndANewMapWhenTheHeadersChange() {
        LlHlsSegmenter s = segmenter(new HlsConfig(Duration.ofMillis(500), Duration.ofSeconds(1), 3, 1L << 30));
        av(30, 30, 0, 3.5, true).forEach(s::accept);
        s.publisherChanged();
        av(30, 30, 5000, 2.5, false).forEach(s::accept); // the same encoder settings: the same init section
        Segment afterSwitch = s.segment(4).orElseThrow();
        assertThat(afterSwitch.discontinuity()).isTrue();
        assertThat(afterSwitch.init().id()).isZero();
        assertThat(s.segment(3).orElseThrow().duration()).as("the last segment before the switch ends with what it had").isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.04));
        String playlist = s.playlist("x/");
        assertThat(playlist).contains("#EXT-X-DISCONTINUITY-SEQUENCE:0\n");
        assertThat(playlist).contains("x/seg-3.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"x/init-0.mp4\"\n#EXT-X-PROGRAM-DATE-TIME:");

        // a new publisher whose encoder differs: its sequence header ends the segment and brings a new init section
        byte[] header = TestStream.VIDEO_HEADER.payload().clone();
        header[header.length - 1] ^= 1; // another PPS byte: still a valid record
        s.accept(MediaPacket.video(7600, header));
        av(30, 30, 7600, 2.5, false).forEach(s::accept);
        Segment changed = s.segments().stream().filter(seg -> seg.init().id() == 1).findFirst().orElseThrow();
        assertThat(changed.discontinuity()).isTrue();
        assertThat(s.init(1)).isPresent();
        assertThat(s.discontinuitySequence()).as("segment 4's discontinuity has left the 3-segment window").isEqualTo(1);
        assertThat(s.playlist("x/")).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"x/init-1.mp4\"\n");
    }

    @Test
    void programDateTimeFollowsTheIngestClockCuePoints() {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        List<MediaPacket> stream = new ArrayList<>(av(30, 30, 1000, 3, true));
        stream.add(3, ScriptTags.clock(1000, T0 + 5_000)); // after the first keyframe, as ingest puts it
        stream.forEach(s::accept);
        assertThat(s.segments()).extracting(Segment::programDateTime).containsExactly(T0 + 5_000, T0 + 6_000, T0 + 7_000);
        assertThat(s.playlist("")).contains("#EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:25.000Z\n");

        LlHlsSegmenter noCue = segmenter(HlsConfig.DEFAULT);
        clock.set(T0 + 42);
        av(30, 30, 1000, 2.5, true).forEach(noCue::accept);
        assertThat(noCue.segments().stream().filter(seg -> seg.partCount() > 0)).extracting(Segment::programDateTime).as("without cue points, the clock at the first frame")
                .containsExactly(T0 + 42, T0 + 1042);
    }

    @Test
    void aBlockingReloadTargetIsReachedByItsPartNotBeforeAndNotAPartLate() {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        List<MediaPacket> stream = av(30, 30, 0, 4, true);
        int i = 0;
        while (!s.ready() || s.lastPart().orElseThrow().msn() == 0) {
            s.accept(stream.get(i++)); // until the second segment has its first part
        }
        Part last = s.lastPart().orElseThrow();
        long msn = last.msn();
        int wanted = last.index() + 1;
        assertThat(s.reached(msn, wanted)).isFalse();
        long hinted = s.nextPartSequence();
        assertThat(s.playlist("x/")).endsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"x/part-" + hinted + ".m4s\"\n");
        int before = announced.size();
        while (announced.size() == before) {
            assertThat(s.reached(msn, wanted)).isFalse();
            s.accept(stream.get(i++));
        }
        assertThat(announced.get(announced.size() - 1)).satisfies(p -> {
            assertThat(p.sequence()).as("the hinted part").isEqualTo(hinted);
            assertThat(p.msn() * 100 + p.index()).isEqualTo(msn * 100 + wanted);
        });
        assertThat(s.reached(msn, wanted)).isTrue();
        assertThat(s.reached(msn, -1)).as("the whole segment: once complete").isEqualTo(s.segment(msn).orElseThrow().isComplete());
        assertThat(s.reached(msn - 1, -1)).isTrue();
    }

    @Test
    void aListenerToldOfAPartReadsAPlaylistThatHoldsItAndTheSegmentItCompleted() {
        List<String> seen = new ArrayList<>();
        LlHlsSegmenter[] holder = new LlHlsSegmenter[1];
        holder[0] = new LlHlsSegmenter(HlsConfig.DEFAULT, clock::get, part -> {
            LlHlsSegmenter s = holder[0];
            assertThat(s.reached(part.msn(), part.index())).isTrue();
            if (s.ready()) {
                String playlist = s.playlist("x/");
                assertThat(playlist).contains("URI=\"x/part-" + part.sequence() + ".m4s\"");
                assertThat(playlist).contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"x/part-" + (part.sequence() + 1) + ".m4s\"");
                Segment seg = s.segment(part.msn()).orElseThrow();
                if (seg.isComplete()) {
                    assertThat(playlist).contains("x/seg-" + part.msn() + ".m4s\n");
                    seen.add("segment " + part.msn());
                }
            }
        });
        av(30, 30, 0, 4, true).forEach(holder[0]::accept);
        assertThat(seen).as("the part that ends a segment is announced with the segment complete")
                .containsExactly("segment 0", "segment 1", "segment 2");
    }

    @Test
    void framesThatAreNotTheirTracksCodecAreDroppedAndTheStreamGoesOn() {
        LlHlsSegmenter s = segmenter(HlsConfig.DEFAULT);
        List<MediaPacket> stream = new ArrayList<>(av(30, 30, 0, 3, true));
        stream.add(2, MediaPacket.video(0, new byte[] {0x17, 1, 0})); // a keyframe cut short, first of all
        stream.add(40, MediaPacket.audio(500, new byte[] {0x2f, 1, 2, 3})); // MP3 after an AAC header
        stream.add(60, MediaPacket.video(700, new byte[] {0x27, 1, 0, 0})); // truncated
        stream.add(80, MediaPacket.video(900, new byte[] {0x1c, 1, 0, 0, 0, 0})); // HEVC frame in an AVC stream
        stream.forEach(s::accept);
        assertThat(s.dropped()).isEqualTo(4);
        assertThat(s.segments()).extracting(Segment::msn).containsExactly(0L, 1L, 2L);
        assertThat(s.segments().get(0).duration()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
    }
}
