package io.livestream.media.codec;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendTimeSeiTest {
    private static final HexFormat HEX = HexFormat.of();
    /** 2025-11-24T16:00:00.123456Z in microseconds. */
    private static final long SENT = 1_764_000_000_123_456L;
    /** NAL header 06, payloadType 5, payloadSize 24, the UUID, the time, rbsp_trailing_bits 80. */
    private static final String SEI = "06" + "05" + "18" + "31ef813e3fe4498f8256da10e01a5904" + "0006445941642240" + "80";
    /** An FLV AVC keyframe as libx264 writes it: tag header, access unit delimiter, IDR slice (4-byte lengths). */
    private static final String KEYFRAME = "1701000000" + "00000002" + "0910" + "00000006" + "65888400ffee";

    @Test
    void theNalUnitIsAUserDataUnregisteredMessageWithOurUuidAndTheTime() {
        assertThat(HEX.formatHex(SendTimeSei.nalUnit(SENT))).isEqualTo(SEI);
    }

    @Test
    void insertedAfterTheDelimiterAndBeforeTheFirstSliceWithALengthPrefix() {
        byte[] frame = SendTimeSei.insert(HEX.parseHex(KEYFRAME), 4, SENT);
        assertThat(HEX.formatHex(frame)).isEqualTo("1701000000" + "00000002" + "0910" + "0000001c" + SEI + "00000006" + "65888400ffee");
        assertThat(SendTimeSei.read(frame, 4)).hasValue(SENT);
    }

    @Test
    void roundTripsWithEveryNalLengthSize() {
        for (int size : new int[] {1, 2, 4}) {
            String prefix = "0".repeat(2 * size - 1);
            byte[] frame = HEX.parseHex("2701000000" + prefix + "3" + "41aabb");
            for (long time : new long[] {0, 1, SENT, -1, Long.MAX_VALUE}) {
                assertThat(SendTimeSei.read(SendTimeSei.insert(frame, size, time), size)).as("size %d, time %d", size, time).hasValue(time);
            }
        }
    }

    @Test
    void zerosInTheTimeGetEmulationPreventionBytes() {
        long time = 0x0000_0100_0000_0002L;
        // 00 00 01 -> 00 00 03 01; 00 00 00 -> 00 00 03 00; 00 00 02 -> 00 00 03 02
        assertThat(HEX.formatHex(SendTimeSei.nalUnit(time)))
                .isEqualTo("060518" + "31ef813e3fe4498f8256da10e01a5904" + "000003010000030000030280");
        assertThat(SendTimeSei.read(SendTimeSei.insert(HEX.parseHex(KEYFRAME), 4, time), 4)).hasValue(time);
    }

    @Test
    void aFrameWithoutItOrWithAnotherSeiHasNoSendTime() {
        assertThat(SendTimeSei.read(HEX.parseHex(KEYFRAME), 4)).isEmpty();
        // x264's own version string: user_data_unregistered with another UUID
        String x264 = "06" + "05" + "14" + "dc45e9bde6d948b7962cd820d923eeef" + "78323634" + "80";
        byte[] frame = HEX.parseHex("1701000000" + "00000018" + x264 + "00000006" + "65888400ffee");
        assertThat(SendTimeSei.read(frame, 4)).isEmpty();
        assertThat(SendTimeSei.read(SendTimeSei.insert(frame, 4, SENT), 4)).as("ours after x264's").hasValue(SENT);
    }

    @Test
    void anSeiAfterTheFirstSliceIsNotLookedFor() {
        byte[] frame = HEX.parseHex("1701000000" + "00000006" + "65888400ffee" + "0000001c" + SEI);
        assertThat(SendTimeSei.read(frame, 4)).isEmpty();
    }

    @Test
    void malformedFramesReadAsEmptyAndNeverThrow() {
        String tagged = "1701000000" + "0000001c" + SEI + "00000006" + "65888400ffee";
        assertThat(SendTimeSei.read(HEX.parseHex(tagged), 4)).hasValue(SENT);
        for (String bad : new String[] {
                "",
                "17",
                "1700000000" + "0000001c" + SEI, // a sequence header, not a coded frame
                "2201000000" + "0000001c" + SEI, // not AVC
                "1701000000" + "0000001d" + SEI, // the length overruns the frame
                "1701000000" + "ffffffff" + SEI, // a length past 2^31
                "1701000000" + "0000000a" + SEI.substring(0, 20), // cut inside the UUID
                "1701000000" + "00000005" + "0605ffffff", // payloadSize runs off the end
                "1701000000" + "00000004" + "06051880", // payloadSize 24 with nothing after it
                "1701000000" + "00000001" + "06", // an empty SEI
                "1701000000" + "000000",
        }) {
            assertThat(SendTimeSei.read(HEX.parseHex(bad), 4)).as(bad).isEqualTo(OptionalLong.empty());
        }
        assertThat(SendTimeSei.read(HEX.parseHex(tagged), 0)).isEmpty();
        assertThat(SendTimeSei.read(HEX.parseHex(tagged), 5)).isEmpty();
    }

    @Test
    void insertRefusesWhatIsNotACodedAvcFrameWithTheTypedException() {
        for (String bad : new String[] {"", "1700000000" + "00000002" + "0910", "af01aabb", "1701000000" + "00000009" + "65",
                "1701000000" + "00000002" + "0910" + "0000"}) {
            assertThatThrownBy(() -> SendTimeSei.insert(HEX.parseHex(bad), 4, SENT)).as(bad).isInstanceOf(CodecConfigException.class);
        }
        assertThatThrownBy(() -> SendTimeSei.insert(HEX.parseHex(KEYFRAME), 6, SENT)).isInstanceOf(CodecConfigException.class);
    }
}
