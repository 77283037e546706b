package io.livestream.media.hls;

import io.livestream.media.MediaPacket;
import io.livestream.media.fmp4.Fmp4Test;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The known clip (15 fps, a keyframe a second, AAC) through the segmenter: golden playlist text, and ffprobe playing it from files. */
class MediaPlaylistTest {
    private static final long CLOCK = 1_796_000_000_000L;

    private static LlHlsSegmenter clipSegmenter() throws Exception {
        LlHlsSegmenter s = new LlHlsSegmenter(HlsConfig.DEFAULT, () -> CLOCK, p -> { });
        Fmp4Test.clip().forEach(s::accept);
        return s;
    }

    @Test
    void playlistOfTheClipIsItsGoldenText() throws Exception {
        assertThat(clipSegmenter().playlist("clip/")).isEqualTo("""
                #EXTM3U
                #EXT-X-VERSION:6
                #EXT-X-TARGETDURATION:1
                #EXT-X-PART-INF:PART-TARGET=0.50000
                #EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.50000
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-DISCONTINUITY-SEQUENCE:0
                #EXT-X-INDEPENDENT-SEGMENTS
                #EXT-X-MAP:URI="clip/init-0.mp4"
                #EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:20.000Z
                #EXT-X-PART:DURATION=0.46600,URI="clip/part-0.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.46700,URI="clip/part-1.m4s"
                #EXT-X-PART:DURATION=0.06700,URI="clip/part-2.m4s"
                #EXTINF:1.00000,
                clip/seg-0.m4s
                #EXT-X-PROGRAM-DATE-TIME:2026-11-30T00:53:21.000Z
                #EXT-X-PART:DURATION=0.46600,URI="clip/part-3.m4s",INDEPENDENT=YES
                #EXT-X-PART:DURATION=0.46700,URI="clip/part-4.m4s"
                #EXT-X-PRELOAD-HINT:TYPE=PART,URI="clip/part-5.m4s"
                """);
    }

    @Test
    void aQueryGoesOnEveryUri() throws Exception {
        String playlist = clipSegmenter().playlist("clip/", "?token=a.b-c");
        java.util.regex.Matcher uris = java.util.regex.Pattern.compile("URI=\"([^\"]+)\"|\n(clip/[^\n]+)").matcher(playlist);
        int n = 0;
        while (uris.find()) {
            String uri = uris.group(1) != null ? uris.group(1) : uris.group(2);
            assertThat(uri).startsWith("clip/").endsWith("?token=a.b-c");
            n++;
        }
        assertThat(n).as("map, 5 parts, a segment, the hint").isEqualTo(8);
    }

    @Test
    void ffprobePlaysTheEndedPlaylistFromFiles(@TempDir Path dir) throws Exception {
        LlHlsSegmenter s = clipSegmenter();
        s.end();
        String playlist = s.playlist("clip/");
        assertThat(playlist).endsWith("clip/seg-1.m4s\n#EXT-X-ENDLIST\n").doesNotContain("PRELOAD-HINT");
        Path media = Files.createDirectories(dir.resolve("clip"));
        Files.writeString(dir.resolve("clip.m3u8"), playlist);
        Files.write(media.resolve("init-0.mp4"), s.init(0).orElseThrow().bytes());
        for (Segment seg : s.segments()) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (Part p : seg.parts()) {
                bytes.write(p.bytes());
                Files.write(media.resolve("part-" + p.sequence() + ".m4s"), p.bytes());
            }
            Files.write(media.resolve("seg-" + seg.msn() + ".m4s"), bytes.toByteArray());
        }
        long videoFrames = Fmp4Test.clip().stream().filter(p -> p.kind() == MediaPacket.Kind.VIDEO && p.payload()[1] == 1).count();
        List<String> out = ffprobe(dir.resolve("clip.m3u8"));
        assertThat(out).containsExactlyInAnyOrder(
                "stream|codec_name=h264|width=160|height=90|nb_read_frames=" + videoFrames,
                "stream|codec_name=aac|sample_rate=44100|channels=1|nb_read_frames=88");
    }

    private static List<String> ffprobe(Path file) throws Exception {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-of", "compact", "-count_frames",
                "-show_entries", "stream=codec_name,width,height,sample_rate,channels,nb_read_frames", file.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().map(l -> l.replaceFirst("^program\\|", "")).filter(l -> l.startsWith("stream|")).distinct().toList(); // a program lists its streams again
    }
}
