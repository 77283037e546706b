package io.livestream.media.flv;

import io.livestream.media.GopCache;
import io.livestream.media.MediaPacket;
import io.livestream.media.codec.Av1CodecConfig;
import io.livestream.media.codec.HevcDecoderConfig;
import io.livestream.media.codec.VideoFormat;
import io.livestream.media.codec.VpCodecConfig;
import io.livestream.media.flv.VideoTagHeader.PacketType;
import io.livestream.media.flv.VideoTagHeader.VideoCodec;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden parses of real Enhanced RTMP video: FLV files FFmpeg 7.1 wrote with libx265, SVT-AV1 and
 * libvpx-vp9 ({@code src/test/resources/enhanced-rtmp/make-fixtures.sh} makes them). Each holds
 * onMetaData, the SequenceStart, the Metadata packet (colorInfo), then four frames with a key
 * frame every two.
 */
class EnhancedRtmpTest {

    static List<MediaPacket> fixture(String name) throws IOException {
        try (InputStream in = EnhancedRtmpTest.class.getResourceAsStream("/enhanced-rtmp/" + name)) {
            List<MediaPacket> out = new ArrayList<>();
            new FlvReader(1 << 20).feed(Unpooled.wrappedBuffer(in.readAllBytes()), out::add);
            return out;
        }
    }

    private static List<MediaPacket> video(String name) throws IOException {
        return fixture(name).stream().filter(p -> p.kind() == MediaPacket.Kind.VIDEO).toList();
    }

    private static List<VideoTagHeader> headers(List<MediaPacket> video) {
        return video.stream().map(p -> VideoTagHeader.parse(p.payload())).toList();
    }

    @Test
    void hevcPacketsParseAsEnhancedHvc1WithCompositionTimes() throws IOException {
        List<VideoTagHeader> h = headers(video("hevc-320x180.flv"));
        assertThat(h).extracting(VideoTagHeader::packetType).containsExactly(PacketType.SEQUENCE_START, PacketType.METADATA,
                PacketType.CODED_FRAMES, PacketType.CODED_FRAMES, PacketType.CODED_FRAMES, PacketType.CODED_FRAMES);
        assertThat(h).allSatisfy(x -> {
            assertThat(x.enhanced()).isTrue();
            assertThat(x.codec()).isEqualTo(VideoCodec.HEVC);
            assertThat(x.fourCc()).isEqualTo("hvc1");
        });
        assertThat(h.get(0).dataOffset()).isEqualTo(5);
        assertThat(h.get(1).frameType()).isEqualTo(VideoTagHeader.COMMAND_FRAME); // FFmpeg marks Metadata as a command frame
        assertThat(h.get(2).dataOffset()).isEqualTo(8); // FourCC, then the SI24 composition time
        assertThat(h).extracting(VideoTagHeader::compositionTime).containsExactly(0, 0, 80, 120, 40, 80);
        assertThat(h).extracting(VideoTagHeader::isKeyframe).containsExactly(false, false, true, true, false, false);
    }

    @Test
    void hevcRecordGivesProfileLevelAndTheCroppedSize() throws IOException {
        MediaPacket start = video("hevc-320x180.flv").get(0);
        HevcDecoderConfig c = HevcDecoderConfig.parse(start.payload(), 5);
        assertThat(c.profileIdc()).isEqualTo(1);
        assertThat(c.profileName()).isEqualTo("Main");
        assertThat(c.levelIdc()).isEqualTo(60);
        assertThat(c.level()).isEqualTo(2.0);
        assertThat(c.highTier()).isFalse();
        assertThat(c.nalLengthSize()).isEqualTo(4);
        assertThat(c.vps()).hasSize(1);
        assertThat(c.sps()).hasSize(1);
        assertThat(c.pps()).hasSize(1);
        assertThat(c.width()).isEqualTo(320);
        assertThat(c.height()).isEqualTo(180); // coded as 184 with a conformance window
        assertThat(c.chromaFormat()).isEqualTo(1);
        assertThat(c.bitDepth()).isEqualTo(8);
        assertThat(c.codecString()).isEqualTo("hvc1.1.6.L60.90");
        assertThat(VideoFormat.of(start.payload())).isEqualTo(new VideoFormat("hevc", "hvc1.1.6.L60.90", "Main", 320, 180, 0));
    }

    @Test
    void av1PacketsAreCodedFramesWithoutCompositionTime() throws IOException {
        List<VideoTagHeader> h = headers(video("av1-320x180.flv"));
        assertThat(h).extracting(VideoTagHeader::packetType).containsExactly(PacketType.SEQUENCE_START, PacketType.METADATA,
                PacketType.CODED_FRAMES, PacketType.CODED_FRAMES, PacketType.CODED_FRAMES, PacketType.CODED_FRAMES);
        assertThat(h).allSatisfy(x -> assertThat(x.codec()).isEqualTo(VideoCodec.AV1));
        assertThat(h.get(2).dataOffset()).isEqualTo(5); // no composition time for AV1
        assertThat(h).extracting(VideoTagHeader::isKeyframe).containsExactly(false, false, true, false, true, false);
    }

    @Test
    void av1RecordAndSequenceHeaderGiveProfileLevelAndSize() throws IOException {
        MediaPacket start = video("av1-320x180.flv").get(0);
        Av1CodecConfig c = Av1CodecConfig.parse(start.payload(), 5);
        assertThat(c.seqProfile()).isZero();
        assertThat(c.seqLevelIdx()).isZero();
        assertThat(c.bitDepth()).isEqualTo(8);
        assertThat(c.chromaSubsamplingX()).isEqualTo(1);
        assertThat(c.chromaSubsamplingY()).isEqualTo(1);
        assertThat(c.monochrome()).isFalse();
        assertThat(c.width()).isEqualTo(320);
        assertThat(c.height()).isEqualTo(180);
        assertThat(c.codecString()).isEqualTo("av01.0.00M.08");
        assertThat(VideoFormat.of(start.payload()).codec()).isEqualTo("av1");
    }

    @Test
    void vp9RecordIsReadThroughTheFullBoxHeaderFfmpegWrites() throws IOException {
        List<MediaPacket> v = video("vp9-320x180.flv");
        assertThat(headers(v)).extracting(VideoTagHeader::codec).containsOnly(VideoCodec.VP9);
        assertThat(headers(v)).extracting(VideoTagHeader::isKeyframe).containsExactly(false, false, true, false, true, false);
        VpCodecConfig c = VpCodecConfig.parse(v.get(0).payload(), 5);
        assertThat(c.profile()).isZero();
        assertThat(c.bitDepth()).isEqualTo(8);
        assertThat(c.chromaSubsampling()).isEqualTo(1);
        assertThat(c.codecString("vp09")).isEqualTo("vp09.00.11.08");
        assertThat(VideoFormat.of(v.get(0).payload()).codec()).isEqualTo("vp9");
    }

    @Test
    void mediaPacketClassifiesEnhancedPacketsWithoutParsingThemWhole() throws IOException {
        for (String name : List.of("hevc-320x180.flv", "av1-320x180.flv", "vp9-320x180.flv")) {
            List<MediaPacket> v = video(name);
            assertThat(v.get(0).isVideoSequenceHeader()).as(name).isTrue();
            assertThat(v.get(0).isKeyframe()).as(name).isFalse();
            assertThat(v.get(1).isVideoMetadata()).as(name).isTrue();
            assertThat(v.get(1).isVideoSequenceHeader()).as(name).isFalse();
            assertThat(v.get(2).isKeyframe()).as(name).isTrue();
            assertThat(v.get(3).isKeyframe() || v.get(3).isSequenceHeader() || v.get(3).isEndOfSequence())
                    .as(name).isEqualTo(name.startsWith("hevc")); // x265's second frame is its second key frame
        }
    }

    @Test
    void lateJoinerOfAnAv1StreamStartsOnItsLatestKeyframeWithHeaders() throws IOException {
        GopCache<MediaPacket> gop = new GopCache<>(Function.identity(), 100, 1 << 20);
        List<MediaPacket> all = fixture("av1-320x180.flv");
        all.forEach(gop::add);
        List<MediaPacket> v = video("av1-320x180.flv");
        List<MediaPacket> snapshot = gop.snapshot();
        assertThat(snapshot.get(0).isMetadata()).isTrue();
        assertThat(snapshot.get(1).payload()).isEqualTo(v.get(0).payload()); // SequenceStart
        assertThat(snapshot.get(2).payload()).isEqualTo(v.get(1).payload()); // Metadata (colorInfo) kept for late joiners
        assertThat(snapshot.get(3).payload()).isEqualTo(v.get(4).payload()); // the second key frame
        assertThat(snapshot.get(3).isKeyframe()).isTrue();
        assertThat(snapshot).hasSize(5);
    }

    @Test
    void legacyAvcStillParsesAsBefore() {
        byte[] key = {0x17, 1, 0, 0, 0x28, 0, 0, 0, 1, 0x65};
        VideoTagHeader h = VideoTagHeader.parse(key);
        assertThat(h.enhanced()).isFalse();
        assertThat(h.codec()).isEqualTo(VideoCodec.AVC);
        assertThat(h.compositionTime()).isEqualTo(40);
        assertThat(h.dataOffset()).isEqualTo(5);
        assertThat(h.isKeyframe()).isTrue();
        assertThat(MediaPacket.video(0, key).isKeyframe()).isTrue();
        assertThat(MediaPacket.video(0, new byte[] {0x17, 0, 0, 0, 0}).isVideoSequenceHeader()).isTrue();
        assertThat(MediaPacket.video(0, new byte[] {0x17, 2, 0, 0, 0}).isEndOfSequence()).isTrue();
        assertThat(MediaPacket.video(0, new byte[] {0x27, 1, 0, 0, 0}).isKeyframe()).isFalse();
        // a legacy codec without packet types: the frame type alone
        assertThat(MediaPacket.video(0, new byte[] {0x12, 0}).isKeyframe()).isTrue();
    }
}
