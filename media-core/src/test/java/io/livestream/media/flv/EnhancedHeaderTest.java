package io.livestream.media.flv;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.AudioFormat;
import io.livestream.media.codec.CodecConfigException;
import io.livestream.media.codec.VideoFormat;
import io.livestream.media.flv.AudioTagHeader.AudioCodec;
import io.livestream.media.flv.VideoTagHeader.PacketType;
import io.livestream.media.flv.VideoTagHeader.VideoCodec;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Enhanced RTMP v2 header forms FFmpeg 7.1 does not write (CodedFramesX, SequenceEnd,
 * MPEG2TSSequenceStart, ModEx, Multitrack, commands, the FourCC audio), built byte by byte from
 * the spec's ExVideoTagHeader and ExAudioTagHeader tables.
 */
class EnhancedHeaderTest {
    private static final HexFormat HEX = HexFormat.of();

    private static VideoTagHeader video(String hex) {
        return VideoTagHeader.parse(HEX.parseHex(hex));
    }

    private static AudioTagHeader audio(String hex) {
        return AudioTagHeader.parse(HEX.parseHex(hex));
    }

    @Test
    void codedFramesXCarriesNoCompositionTime() {
        VideoTagHeader h = video("93" + "68766331" + "00000004" + "26010000"); // key frame, CodedFramesX, hvc1, one NAL
        assertThat(h.packetType()).isEqualTo(PacketType.CODED_FRAMES_X);
        assertThat(h.compositionTime()).isZero();
        assertThat(h.dataOffset()).isEqualTo(5);
        assertThat(h.isKeyframe()).isTrue();
        assertThat(MediaPacket.video(0, HEX.parseHex("9368766331000000042601")).isKeyframe()).isTrue();
        assertThat(MediaPacket.video(0, HEX.parseHex("a368766331000000042601")).isKeyframe()).isFalse();
    }

    @Test
    void negativeCompositionTimeIsSigned() {
        assertThat(video("a1" + "68766331" + "ffffd8" + "00").compositionTime()).isEqualTo(-40);
    }

    @Test
    void sequenceEndAndMpeg2TsSequenceStart() {
        VideoTagHeader end = video("92" + "61763031");
        assertThat(end.packetType()).isEqualTo(PacketType.SEQUENCE_END);
        assertThat(end.isKeyframe()).isFalse();
        assertThat(MediaPacket.video(0, HEX.parseHex("9261763031")).isEndOfSequence()).isTrue();
        VideoTagHeader ts = video("95" + "61763031" + "80");
        assertThat(ts.isSequenceStart()).isTrue();
        assertThat(MediaPacket.video(0, HEX.parseHex("956176303180")).isVideoSequenceHeader()).isTrue();
        assertThat(VideoFormat.of(HEX.parseHex("956176303180")).codec()).isEqualTo("av1");
    }

    @Test
    void modExEntriesAreSkippedToThePacketTypeTheyModify() {
        // ModEx: size 3 (UI8 2), a TimestampOffsetNano, then modExType 0 | packet type CodedFramesX
        VideoTagHeader h = video("97" + "02" + "0f4240" + "03" + "68766331" + "00");
        assertThat(h.packetType()).isEqualTo(PacketType.CODED_FRAMES_X);
        assertThat(h.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(h.dataOffset()).isEqualTo(10);
        assertThat(MediaPacket.video(0, HEX.parseHex("97020f42400368766331")).isKeyframe()).isTrue();
        AudioTagHeader a = audio("97" + "02" + "0f4240" + "01" + "4f707573" + "fc");
        assertThat(a.packetType()).isEqualTo(AudioTagHeader.PacketType.CODED_FRAMES);
        assertThat(a.codec()).isEqualTo(AudioCodec.OPUS);
    }

    @Test
    void multitrackHeaderDescribesTheFirstTrack() {
        // Multitrack, OneTrack | CodedFramesX, av01, track 2
        VideoTagHeader one = video("96" + "03" + "61763031" + "02" + "12");
        assertThat(one.multitrack()).isTrue();
        assertThat(one.trackId()).isEqualTo(2);
        assertThat(one.codec()).isEqualTo(VideoCodec.AV1);
        assertThat(one.dataOffset()).isEqualTo(7);
        // ManyTracksManyCodecs | SequenceStart: per track FourCC, track id, UI24 size
        VideoTagHeader many = video("96" + "20" + "68766331" + "00" + "000001" + "01");
        assertThat(many.codec()).isEqualTo(VideoCodec.HEVC);
        assertThat(many.isSequenceStart()).isTrue();
        assertThat(many.dataOffset()).isEqualTo(10);
        assertThatThrownBy(() -> video("96" + "06" + "61763031")).isInstanceOf(FlvFormatException.class);
        AudioTagHeader audio = audio("95" + "21" + "4f707573" + "00" + "000001" + "00");
        assertThat(audio.multitrack()).isTrue();
        assertThat(audio.codec()).isEqualTo(AudioCodec.OPUS);
        assertThat(audio.dataOffset()).isEqualTo(10);
    }

    @Test
    void commandFrameHasNoBodyAndIsNoKeyframe() {
        VideoTagHeader h = video("d1" + "00"); // frame type 5, CodedFrames: a VideoCommand byte, no FourCC
        assertThat(h.frameType()).isEqualTo(VideoTagHeader.COMMAND_FRAME);
        assertThat(h.isKeyframe()).isFalse();
        assertThat(h.dataOffset()).isEqualTo(2);
    }

    @Test
    void unknownFourCcParsesAsUnknownForTheTakerToRefuse() {
        VideoTagHeader h = video("90" + "78797a31" + "01");
        assertThat(h.codec()).isEqualTo(VideoCodec.UNKNOWN);
        assertThat(h.fourCc()).isEqualTo("xyz1");
        assertThatThrownBy(() -> VideoFormat.of(HEX.parseHex("9078797a3101")))
                .isInstanceOf(CodecConfigException.class).hasMessageContaining("'xyz1'");
        assertThat(audio("90" + "61626364").codec()).isEqualTo(AudioCodec.UNKNOWN);
    }

    @Test
    void unreadableEnhancedHeadersAreRefusedByType() {
        for (String hex : new String[] {"98" + "68766331", "9168", "97", "97ff", "9f68766331", "d1"}) {
            assertThatThrownBy(() -> video(hex)).as(hex).isInstanceOf(FlvFormatException.class);
        }
        for (String hex : new String[] {"", "93" + "4f707573", "90" + "4f70", "97", "af02"}) {
            assertThatThrownBy(() -> audio(hex)).as(hex).isInstanceOf(FlvFormatException.class);
        }
    }

    @Test
    void fourCcAudioFormsAreRecognised() {
        String[][] forms = {{"4f707573", "OPUS"}, {"664c6143", "FLAC"}, {"61632d33", "AC3"}, {"65632d33", "EAC3"},
                {"2e6d7033", "MP3"}, {"6d703461", "AAC"}};
        for (String[] f : forms) {
            AudioTagHeader start = audio("90" + f[0]);
            assertThat(start.enhanced()).isTrue();
            assertThat(start.codec()).isEqualTo(AudioCodec.valueOf(f[1]));
            assertThat(start.isSequenceStart()).isTrue();
            assertThat(start.dataOffset()).isEqualTo(5);
            assertThat(MediaPacket.audio(0, HEX.parseHex("90" + f[0] + "00")).isAudioSequenceHeader()).isTrue();
            assertThat(MediaPacket.audio(0, HEX.parseHex("91" + f[0] + "00")).isAudioSequenceHeader()).isFalse();
        }
    }

    @Test
    void audioFormatsOfFourCcSequenceStarts() {
        // Opus: OpusHead version 1, 2 channels, pre-skip 312, 48000 Hz, gain 0, mapping family 0
        String opusHead = "4f707573486561640102380180bb0000000000";
        assertThat(AudioFormat.of(HEX.parseHex("90" + "4f707573" + opusHead))).isEqualTo(new AudioFormat("opus", "opus", 48000, 2));
        // mp4a: the AudioSpecificConfig of AAC-LC, 44.1 kHz, stereo
        assertThat(AudioFormat.of(HEX.parseHex("90" + "6d703461" + "1210"))).isEqualTo(new AudioFormat("aac", "mp4a.40.2", 44100, 2));
        assertThat(AudioFormat.of(HEX.parseHex("af00" + "1210"))).isEqualTo(new AudioFormat("aac", "mp4a.40.2", 44100, 2));
        assertThat(AudioFormat.of(HEX.parseHex("90" + "65632d33")).codec()).isEqualTo("ec-3");
        assertThatThrownBy(() -> AudioFormat.of(HEX.parseHex("90" + "4f707573" + "4f707573"))).isInstanceOf(CodecConfigException.class);
    }

    @Test
    void legacyAudioStaysLegacy() {
        AudioTagHeader aac = audio("af01" + "21");
        assertThat(aac.enhanced()).isFalse();
        assertThat(aac.codec()).isEqualTo(AudioCodec.AAC);
        assertThat(aac.dataOffset()).isEqualTo(2);
        assertThat(audio("2f" + "ff").codec()).isEqualTo(AudioCodec.MP3);
        assertThat(MediaPacket.audio(0, HEX.parseHex("af001210")).isAudioSequenceHeader()).isTrue();
        assertThat(MediaPacket.audio(0, HEX.parseHex("af011210")).isAudioSequenceHeader()).isFalse();
    }
}
