package io.livestream.media.codec;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sequence headers taken from FLV files that ffmpeg (libx264, aac) wrote. */
class CodecConfigTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String HIGH_720P30 = "17000000000164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800";
    private static final String MAIN_1080P25 = "1700000000014d4028ffe1001a674d4028eca03c0113f2e022000003000200000300641e30632c01000568ebe3cb20";
    private static final String BASELINE_360P30 = "17000000000142c01effe100196742c01ed900a02ff970110000030001000003003c0f162e4801000568cb83cb20";

    @Test
    void highProfile720p() {
        AvcDecoderConfig c = AvcDecoderConfig.parse(HEX.parseHex(HIGH_720P30));
        assertThat(c.width()).isEqualTo(1280);
        assertThat(c.height()).isEqualTo(720);
        assertThat(c.profileName()).isEqualTo("High");
        assertThat(c.levelIdc()).isEqualTo(31);
        assertThat(c.codecString()).isEqualTo("avc1.64001F");
        assertThat(c.frameRate()).isEqualTo(30.0);
        assertThat(c.chromaFormat()).isEqualTo(1);
        assertThat(c.bitDepth()).isEqualTo(8);
        assertThat(c.nalLengthSize()).isEqualTo(4);
        assertThat(c.sps()).hasSize(1);
        assertThat(c.pps()).hasSize(1);
    }

    @Test
    void mainProfile1080pIsCroppedFrom1088() {
        AvcDecoderConfig c = AvcDecoderConfig.parse(HEX.parseHex(MAIN_1080P25));
        assertThat(c.width()).isEqualTo(1920);
        assertThat(c.height()).isEqualTo(1080);
        assertThat(c.profileName()).isEqualTo("Main");
        assertThat(c.level()).isEqualTo(4.0);
        assertThat(c.frameRate()).isEqualTo(25.0);
    }

    @Test
    void constrainedBaseline360p() {
        AvcDecoderConfig c = AvcDecoderConfig.parse(HEX.parseHex(BASELINE_360P30));
        assertThat(c.width()).isEqualTo(640);
        assertThat(c.height()).isEqualTo(360);
        assertThat(c.profileName()).isEqualTo("Constrained Baseline");
        assertThat(c.codecString()).isEqualTo("avc1.42C01E");
    }

    @Test
    void emulationPreventionBytesAreRemoved() {
        assertThat(AvcDecoderConfig.unescape(HEX.parseHex("6700000301000003"))).isEqualTo(HEX.parseHex("670000010000"));
    }

    @Test
    void truncatedOrForeignVideoConfigIsRejected() {
        byte[] full = HEX.parseHex(HIGH_720P30);
        for (int cut : new int[] {3, 12, 20, 30}) {
            byte[] truncated = java.util.Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> AvcDecoderConfig.parse(truncated)).isInstanceOf(CodecConfigException.class);
        }
        assertThatThrownBy(() -> AvcDecoderConfig.parse(HEX.parseHex("2701000000"))).isInstanceOf(CodecConfigException.class);
    }

    @Test
    void aacLcStereo44100() {
        AacConfig c = AacConfig.parse(HEX.parseHex("af00121056e500"));
        assertThat(c.objectType()).isEqualTo(2);
        assertThat(c.sampleRate()).isEqualTo(44100);
        assertThat(c.channels()).isEqualTo(2);
        assertThat(c.codecString()).isEqualTo("mp4a.40.2");
        assertThat(c.objectTypeName()).isEqualTo("AAC-LC");
    }

    @Test
    void aacMono48000And22050Stereo() {
        assertThat(AacConfig.parse(HEX.parseHex("af00118856e500"))).isEqualTo(new AacConfig(2, 48000, 1));
        assertThat(AacConfig.parse(HEX.parseHex("af00139056e500"))).isEqualTo(new AacConfig(2, 22050, 2));
    }

    @Test
    void aacEscapedObjectTypeAndExplicitRate() {
        // object type 31 -> 32 + 6 bits (= 42), index 15 -> 24-bit rate 0x00ac44 (44100), 1 channel
        // bits: 11111 001010 1111 000000001010110001000100 0001 (+ padding)
        assertThat(AacConfig.parse(HEX.parseHex("af00" + "f95e01588820")))
                .isEqualTo(new AacConfig(42, 44100, 1));
    }

    @Test
    void truncatedAudioConfigIsRejected() {
        assertThatThrownBy(() -> AacConfig.parse(HEX.parseHex("af0012"))).isInstanceOf(CodecConfigException.class);
        assertThatThrownBy(() -> AacConfig.parse(HEX.parseHex("2f001210"))).isInstanceOf(CodecConfigException.class);
        assertThatThrownBy(() -> AacConfig.parse(HEX.parseHex("af00f8"))).isInstanceOf(CodecConfigException.class);
    }
}
