package io.livestream.launcher.bench;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlvClipTest {
    /** libx264's sequence header for 1280x720 30 fps High profile, 4-byte NAL lengths. */
    private static final byte[] AVC = HexFormat.of().parseHex(
            "17000000000164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800");
    private static final byte[] AAC = HexFormat.of().parseHex("af001210");
    private static final byte[] FRAME = {0x27, 1, 0, 0, 0, 0, 0, 0, 2, 0x41, 0};
    private static final byte[] SOUND = {(byte) 0xaf, 1, 0x21};

    @Test
    void mediaStartsAtZeroAndAPassLastsUntilOneFramePastTheTrackThatEndsLater() {
        FlvClip clip = FlvClip.of("test", flv(
                MediaPacket.video(1000, AVC), MediaPacket.audio(1000, AAC),
                MediaPacket.video(1000, FRAME), MediaPacket.audio(1000, SOUND), MediaPacket.audio(1023, SOUND),
                MediaPacket.video(1033, FRAME), MediaPacket.audio(1046, SOUND), MediaPacket.video(1067, FRAME),
                MediaPacket.audio(1069, SOUND), MediaPacket.audio(1092, SOUND), MediaPacket.video(1100, FRAME),
                MediaPacket.video(1100, new byte[] {0x17, 2, 0, 0, 0}))); // end of sequence: not replayed each pass

        assertThat(clip.sequenceHeaders()).hasSize(2);
        assertThat(clip.media()).hasSize(9);
        assertThat(clip.media().get(0).timestamp()).isZero();
        assertThat(clip.passMs()).as("video ends at 100 + 33, audio at 92 + 23").isEqualTo(133);
        assertThat(clip.video().nalLengthSize()).isEqualTo(4);
        assertThat(clip.audio().sampleRate()).isEqualTo(44100);
        assertThat(clip.describe()).contains("1280x720 30 fps H.264 High", "AAC-LC 44100 Hz");
    }

    @Test
    void aClipWithoutH264IsRefusedByName() {
        assertThatThrownBy(() -> FlvClip.of("sound.flv", flv(MediaPacket.audio(0, AAC), MediaPacket.audio(0, SOUND))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sound.flv").hasMessageContaining("H.264");
    }

    @Test
    void theBundledDemoClipIsH264AndAac() throws Exception {
        FlvClip demo = FlvClip.demo();
        assertThat(demo.audio()).isNotNull();
        assertThat(demo.media()).anyMatch(MediaPacket::isKeyframe);
    }

    private static byte[] flv(MediaPacket... packets) {
        ByteBuf out = Unpooled.buffer().writeBytes(Flv.header(true, true));
        List.of(packets).forEach(p -> Flv.writeTag(out, p));
        return ByteBufUtil.getBytes(out);
    }
}
