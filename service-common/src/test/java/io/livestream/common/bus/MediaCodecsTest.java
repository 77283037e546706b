package io.livestream.common.bus;

import io.livestream.media.MediaPacket;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The event-bus codecs carry Enhanced RTMP tags between nodes byte for byte, whatever their codec. */
class MediaCodecsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final MediaPacket HEVC_KEY = MediaPacket.video(40, HEX.parseHex("9168766331" + "000050" + "0000000426010203"));
    private static final MediaPacket AV1_START = MediaPacket.video(0, HEX.parseHex("9061763031" + "81000c00" + "0a0b00000004"));
    private static final MediaPacket OPUS_START = MediaPacket.audio(0, HEX.parseHex("904f707573" + "4f707573486561640102380180bb0000000000"));

    @Test
    void enhancedPacketCrossesTheWireUntouched() {
        MediaCodecs.PacketCodec codec = new MediaCodecs.PacketCodec();
        Buffer wire = Buffer.buffer("prefix");
        codec.encodeToWire(wire, new MediaEvent.Packet(3, 9, HEVC_KEY));
        MediaEvent.Packet read = codec.decodeFromWire(6, wire);
        assertThat(read.epoch()).isEqualTo(3);
        assertThat(read.seq()).isEqualTo(9);
        assertThat(read.packet().timestamp()).isEqualTo(40);
        assertThat(read.packet().payload()).isEqualTo(HEVC_KEY.payload());
        assertThat(read.packet().isKeyframe()).isTrue();
    }

    @Test
    void snapshotOfEnhancedSequenceStartsCrossesTheWireUntouched() {
        MediaCodecs.SnapshotCodec codec = new MediaCodecs.SnapshotCodec();
        Buffer wire = Buffer.buffer();
        codec.encodeToWire(wire, new MediaSnapshot(1, 2, List.of(AV1_START, OPUS_START, HEVC_KEY)));
        MediaSnapshot read = codec.decodeFromWire(0, wire);
        assertThat(read.packets()).extracting(MediaPacket::payload)
                .containsExactly(AV1_START.payload(), OPUS_START.payload(), HEVC_KEY.payload());
        assertThat(read.packets().get(0).isVideoSequenceHeader()).isTrue();
        assertThat(read.packets().get(1).isAudioSequenceHeader()).isTrue();
    }
}
