package io.livestream.media.fmp4;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.FlvReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ISO/IEC 14496-12 fragmented MP4 from FLV packets: golden bytes of the init segment and of a
 * fragment of a known clip (ffmpeg, libx264 main with B-frames, AAC-LC mono), a fragment written
 * by hand from the spec's tables, and ffprobe reading what the writer made.
 * Golden files are rewritten with {@code -Dfmp4.golden.write=true} (then check them with ffprobe).
 */
public class Fmp4Test {
    private static final HexFormat HEX = HexFormat.of();
    private static final String CLIP = "/av-160x90.flv";

    public static List<MediaPacket> clip() throws IOException {
        try (InputStream in = Fmp4Test.class.getResourceAsStream(CLIP)) {
            return FlvReader.readAll(in.readAllBytes(), 1 << 20);
        }
    }

    static List<Track> tracksOf(List<MediaPacket> packets) {
        MediaPacket video = packets.stream().filter(MediaPacket::isVideoSequenceHeader).findFirst().orElseThrow();
        MediaPacket audio = packets.stream().filter(MediaPacket::isAudioSequenceHeader).findFirst().orElseThrow();
        return List.of(new Track(1, AvcSampleEntry.of(video)), new Track(2, AacSampleEntry.of(audio)));
    }

    /** The clip as fragments, one per GOP: each starts on a keyframe. */
    static List<byte[]> fragmentsPerGop(List<MediaPacket> packets) {
        List<Track> tracks = tracksOf(packets);
        TrackSamples video = new TrackSamples(tracks.get(0));
        TrackSamples audio = new TrackSamples(tracks.get(1));
        List<byte[]> fragments = new ArrayList<>();
        for (MediaPacket p : packets) {
            if (p.isSequenceHeader() || p.isEndOfSequence() || p.kind() == MediaPacket.Kind.SCRIPT) {
                continue;
            }
            if (p.isKeyframe() && video.hasPending()) {
                fragments.add(Fmp4.fragment(fragments.size() + 1, List.of(video.take(), audio.take())));
            }
            (p.kind() == MediaPacket.Kind.VIDEO ? video : audio).add(p);
        }
        video.finish();
        audio.finish();
        fragments.add(Fmp4.fragment(fragments.size() + 1, List.of(video.take(), audio.take())));
        return fragments;
    }

    @Test
    void initSegmentOfTheClipIsItsGoldenBytes() throws IOException {
        byte[] init = Fmp4.initSegment(tracksOf(clip()));
        assertThat(BoxTree.paths(init)).containsExactly("ftyp", "moov", "moov/mvhd",
                "moov/trak", "moov/trak/tkhd", "moov/trak/mdia", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr",
                "moov/trak/mdia/minf", "moov/trak/mdia/minf/vmhd", "moov/trak/mdia/minf/dinf",
                "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/dinf/dref/url ", "moov/trak/mdia/minf/stbl",
                "moov/trak/mdia/minf/stbl/stsd", "moov/trak/mdia/minf/stbl/stsd/avc1", "moov/trak/mdia/minf/stbl/stsd/avc1/avcC",
                "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc", "moov/trak/mdia/minf/stbl/stsz",
                "moov/trak/mdia/minf/stbl/stco",
                "moov/trak", "moov/trak/tkhd", "moov/trak/mdia", "moov/trak/mdia/mdhd", "moov/trak/mdia/hdlr",
                "moov/trak/mdia/minf", "moov/trak/mdia/minf/smhd", "moov/trak/mdia/minf/dinf",
                "moov/trak/mdia/minf/dinf/dref", "moov/trak/mdia/minf/dinf/dref/url ", "moov/trak/mdia/minf/stbl",
                "moov/trak/mdia/minf/stbl/stsd", "moov/trak/mdia/minf/stbl/stsd/mp4a", "moov/trak/mdia/minf/stbl/stsd/mp4a/esds",
                "moov/trak/mdia/minf/stbl/stts", "moov/trak/mdia/minf/stbl/stsc", "moov/trak/mdia/minf/stbl/stsz",
                "moov/trak/mdia/minf/stbl/stco",
                "moov/mvex", "moov/mvex/trex", "moov/mvex/trex");
        Golden.check("fmp4/av-160x90-init.mp4", init);
    }

    @Test
    void firstFragmentOfTheClipIsItsGoldenBytes() throws IOException {
        byte[] first = fragmentsPerGop(clip()).get(0);
        assertThat(BoxTree.paths(first)).containsExactly("moof", "moof/mfhd", "moof/traf", "moof/traf/tfhd", "moof/traf/tfdt",
                "moof/traf/trun", "moof/traf", "moof/traf/tfhd", "moof/traf/tfdt", "moof/traf/trun", "mdat");
        Golden.check("fmp4/av-160x90-fragment1.m4s", first);
    }

    @Test
    void avcCIsTheFlvRecordAndEsdsCarriesTheAudioSpecificConfig() throws IOException {
        List<MediaPacket> packets = clip();
        byte[] init = Fmp4.initSegment(tracksOf(packets));
        byte[] videoHeader = packets.stream().filter(MediaPacket::isVideoSequenceHeader).findFirst().orElseThrow().payload();
        byte[] avcC = BoxTree.find(init, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC").body(init);
        assertThat(avcC).isEqualTo(java.util.Arrays.copyOfRange(videoHeader, 5, videoHeader.length));
        // 14496-1: ES_Descriptor(3) > DecoderConfigDescriptor(4: AAC 0x40, audio stream) > DecSpecificInfo(5) = the ASC, SLConfig(6)
        byte[] esds = BoxTree.find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a/esds").body(init);
        assertThat(HEX.formatHex(esds)).isEqualTo("00000000" + "031c" + "000000" + "0414" + "40" + "15" + "000000" + "00000000" + "00000000"
                + "0505" + "120856e500" + "060102");
        AacSampleEntry aac = (AacSampleEntry) tracksOf(packets).get(1).entry();
        assertThat(aac.audioSpecificConfig()).as("AAC-LC, 44.1 kHz, mono, then ffmpeg's sync extension: no SBR")
                .isEqualTo(HEX.parseHex("120856e500"));
        assertThat(aac.timescale()).isEqualTo(44_100);
        assertThat(aac.codecString()).isEqualTo("mp4a.40.2");
        // tkhd carries the picture size in 16.16 fixed point, the last 8 bytes of its body
        byte[] tkhd = BoxTree.find(init, "moov/trak/tkhd").body(init);
        assertThat(HEX.formatHex(tkhd, tkhd.length - 8, tkhd.length)).isEqualTo("00a00000" + "005a0000");
    }

    /** 8.8.7, 8.8.12, 8.8.8: tfhd, tfdt v1 and trun written from the spec's field tables, one video and one audio run. */
    @Test
    void fragmentIsMoofThenMdatWithDataOffsetsFromTheMoof() throws IOException {
        List<Track> tracks = tracksOf(clip());
        byte[] data = HEX.parseHex("aabbccdd");
        TrackRun video = new TrackRun(tracks.get(0), 0x1_0000_0000L, List.of(
                new Sample(3000, -3000, true, data, 0, 2), new Sample(3000, 6000, false, data, 2, 1)));
        TrackRun audio = new TrackRun(tracks.get(1), 0, List.of(new Sample(1024, 0, true, data, 3, 1)));
        TrackRun none = new TrackRun(tracks.get(1), 5, List.of());
        String expected = "000000c4" + "6d6f6f66"
                + "00000010" + "6d666864" + "00000000" + "00000007"
                + "00000060" + "74726166"
                + "00000010" + "74666864" + "00020000" + "00000001"
                + "00000014" + "74666474" + "01000000" + "0000000100000000"
                + "00000034" + "7472756e" + "01000f01" + "00000002" + "000000cc"
                + "00000bb8" + "00000002" + "02000000" + "fffff448"
                + "00000bb8" + "00000001" + "01010000" + "00001770"
                + "0000004c" + "74726166"
                + "00000010" + "74666864" + "00020000" + "00000002"
                + "00000014" + "74666474" + "01000000" + "0000000000000000"
                + "00000020" + "7472756e" + "00000701" + "00000001" + "000000cf"
                + "00000400" + "00000001" + "02000000"
                + "0000000c" + "6d646174" + "aabbccdd";
        assertThat(HEX.formatHex(Fmp4.fragment(7, List.of(video, none, audio)))).isEqualTo(expected);
    }

    @Test
    void samplesTakeTheirDurationFromTheNextFrameAndTheLastKeepsTheLastDuration() throws IOException {
        Track video = tracksOf(clip()).get(0);
        TrackSamples samples = new TrackSamples(video);
        samples.add(MediaPacket.video(1000, HEX.parseHex("1701000042" + "00000001" + "65")));
        samples.add(MediaPacket.video(1033, HEX.parseHex("27010000ff" + "00000001" + "41")));
        assertThat(samples.completedDuration()).isEqualTo(33 * 90);
        samples.add(MediaPacket.video(1067, HEX.parseHex("2701ffffdf" + "00000001" + "41")));
        samples.finish();
        TrackRun run = samples.take();
        assertThat(run.baseDecodeTime()).isEqualTo(90_000);
        assertThat(run.samples()).extracting(Sample::duration).containsExactly(2970, 3060, 3060);
        assertThat(run.samples()).extracting(Sample::compositionOffset).as("SI24 composition times").containsExactly(66 * 90, 255 * 90, -33 * 90);
        assertThat(run.samples()).extracting(Sample::sync).containsExactly(true, false, false);
        assertThat(run.samples()).extracting(Sample::length).containsExactly(5, 5, 5);
        assertThat(samples.take().samples()).isEmpty();
    }

    @Test
    void packetsThatAreNotCodedFramesOfTheTrackAreRefused() throws IOException {
        List<MediaPacket> packets = clip();
        List<Track> tracks = tracksOf(packets);
        MediaPacket videoHeader = packets.stream().filter(MediaPacket::isVideoSequenceHeader).findFirst().orElseThrow();
        MediaPacket audioFrame = packets.stream().filter(p -> p.kind() == MediaPacket.Kind.AUDIO && !p.isSequenceHeader()).findFirst().orElseThrow();
        TrackSamples video = new TrackSamples(tracks.get(0));
        assertThatThrownBy(() -> video.add(videoHeader)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> video.add(audioFrame)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tracks.get(1).entry().sample(MediaPacket.audio(0, new byte[] {(byte) 0xaf}), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(video.hasPending()).isFalse();
    }

    @Test
    void ffprobeReadsTheInitAndFragmentsWithEveryFrameAtItsPresentationTime(@TempDir Path dir) throws Exception {
        List<MediaPacket> packets = clip();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(Fmp4.initSegment(tracksOf(packets)));
        for (byte[] fragment : fragmentsPerGop(packets)) {
            file.write(fragment);
        }
        Path mp4 = dir.resolve("clip.mp4");
        Files.write(mp4, file.toByteArray());
        assertThat(ffprobe(mp4, "-count_frames", "-show_entries", "stream=codec_name,profile,width,height,sample_rate,channels,nb_read_frames"))
                .containsExactly("stream|codec_name=h264|profile=Main|width=160|height=90|nb_read_frames=30",
                        "stream|codec_name=aac|profile=LC|sample_rate=44100|channels=1|nb_read_frames=88");
        List<String> expectedPts = packets.stream().filter(p -> p.kind() == MediaPacket.Kind.VIDEO && !p.isSequenceHeader() && !p.isEndOfSequence())
                .map(p -> "packet|pts=" + (p.timestamp() + (p.payload()[2] << 16 | (p.payload()[3] & 0xff) << 8 | (p.payload()[4] & 0xff))) * 90
                        + "|flags=" + (p.isKeyframe() ? "K_" : "__"))
                .toList();
        assertThat(ffprobe(mp4, "-select_streams", "v", "-show_entries", "packet=pts,flags")).as("B-frames keep their order").isEqualTo(expectedPts);
    }

    private static List<String> ffprobe(Path file, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-of", "compact"));
        command.addAll(List.of(args));
        command.add(file.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }
}
