package io.livestream.media.flv;

import io.livestream.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FLV spec v10.1 annex E: golden header and tag bytes, and the reader over a real ffmpeg file. */
class FlvTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] clip() throws IOException {
        try (InputStream in = FlvTest.class.getResourceAsStream("/small-320x240.flv")) {
            return in.readAllBytes();
        }
    }

    @Test
    void headerFlagsAudioAndVideoThenPreviousTagSizeZero() {
        assertThat(HEX.formatHex(Flv.header(true, true))).isEqualTo("464c5601050000000900000000");
        assertThat(HEX.formatHex(Flv.header(false, true))).isEqualTo("464c5601010000000900000000");
        assertThat(HEX.formatHex(Flv.header(true, false))).isEqualTo("464c5601040000000900000000");
    }

    @Test
    void tagIsHeaderDataAndPreviousTagSize() {
        MediaPacket p = MediaPacket.video(0x123456, new byte[] {0x17, 0x01, 0x00});
        String expected = "09" + "000003" + "123456" + "00" + "000000" + "170100" + "0000000e";
        assertThat(HEX.formatHex(Flv.encodeTag(p))).isEqualTo(expected);
        ByteBuf out = Unpooled.buffer();
        Flv.writeTag(out, p);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo(expected);
        assertThat(Flv.encodedSize(p)).isEqualTo(18);
    }

    @Test
    void timestampAbove24BitsUsesTheExtendedByte() {
        MediaPacket p = MediaPacket.audio(0x01020304, new byte[] {(byte) 0xaf, 0x01});
        assertThat(HEX.formatHex(Flv.encodeTag(p))).isEqualTo("08" + "000002" + "020304" + "01" + "000000" + "af01" + "0000000d");
    }

    @Test
    void readerParsesAnFfmpegFile() throws IOException {
        List<MediaPacket> packets = FlvReader.readAll(clip(), 1 << 20);
        assertThat(packets.get(0).isMetadata()).isTrue();
        assertThat(packets.get(1).isVideoSequenceHeader()).isTrue();
        assertThat(packets.get(2).isKeyframe()).isTrue();
        assertThat(packets.stream().filter(MediaPacket::isKeyframe).count()).as("one keyframe every 3 frames").isGreaterThanOrEqualTo(2);
        // 6 frames (AVCPacketType 1), as ffprobe counts them, then ffmpeg's end-of-sequence tag (type 2)
        assertThat(packets.stream().filter(p -> p.kind() == MediaPacket.Kind.VIDEO && p.payload()[1] == 1).count()).isEqualTo(6);
        assertThat(packets.get(packets.size() - 1).payload()[1]).isEqualTo((byte) 2);
    }

    @Test
    void byteByByteFeedingEqualsWholeFeeding() throws IOException {
        byte[] file = clip();
        List<MediaPacket> whole = FlvReader.readAll(file, 1 << 20);
        FlvReader reader = new FlvReader(1 << 20);
        ByteBuf in = Unpooled.buffer();
        List<MediaPacket> pieces = new ArrayList<>();
        for (byte b : file) {
            in.writeByte(b);
            reader.feed(in, pieces::add);
            in.discardReadBytes();
        }
        assertThat(reader.headerSeen()).isTrue();
        assertThat(reader.hasAudio()).isFalse();
        assertThat(reader.hasVideo()).isTrue();
        assertThat(pieces).hasSameSizeAs(whole);
        for (int i = 0; i < whole.size(); i++) {
            assertThat(pieces.get(i).payload()).isEqualTo(whole.get(i).payload());
            assertThat(pieces.get(i).timestamp()).isEqualTo(whole.get(i).timestamp());
        }
    }

    @Test
    void encodedTagsReadBack() {
        ByteBuf stream = Unpooled.buffer();
        stream.writeBytes(Flv.header(true, true));
        List<MediaPacket> sent = List.of(MediaPacket.script(0, new byte[] {2, 0, 1, 'x'}),
                MediaPacket.video(40, new byte[] {0x17, 1, 0, 0, 0, 9}),
                MediaPacket.audio(0x7fffffff, new byte[] {(byte) 0xaf, 1, 5}));
        sent.forEach(p -> stream.writeBytes(Flv.encodeTag(p)));
        List<MediaPacket> got = new ArrayList<>();
        new FlvReader(1024).feed(stream, got::add);
        assertThat(got).hasSize(3);
        assertThat(got.get(2).timestamp()).isEqualTo(0x7fffffff);
        assertThat(got.get(1).payload()).isEqualTo(sent.get(1).payload());
    }

    @Test
    void clockTagCarriesTheServerTimeAndIsNotMetadata() {
        MediaPacket clock = ScriptTags.clock(4000, 1_795_000_000_123L);
        assertThat(clock.isMetadata()).isFalse();
        assertThat(ScriptTags.serverTime(clock)).hasValue(1_795_000_000_123L);
        assertThat(HEX.formatHex(clock.payload(), 0, 13)).as("AMF0 string 'onCuePoint'").isEqualTo("02000a6f6e437565506f696e74");
        MediaPacket meta = MediaPacket.script(0, io.livestream.media.amf.Amf0.encodeAll("onMetaData", java.util.Map.of("width", 640.0)));
        assertThat(meta.isMetadata()).isTrue();
        assertThat(ScriptTags.serverTime(meta)).isEmpty();
    }

    @Test
    void oversizedTagIsRejectedBeforeItsBytesArrive() {
        ByteBuf in = Unpooled.buffer().writeBytes(Flv.header(true, true)).writeBytes(HEX.parseHex("09" + "100000" + "00000000" + "000000"));
        assertThatThrownBy(() -> new FlvReader(1024).feed(in, p -> { }))
                .isInstanceOf(FlvFormatException.class).hasMessageContaining("over the limit");
    }

    @Test
    void aTagAnnouncedLargeAllocatesNothingUntilAllItsBytesArrive() {
        // a 1 MiB video tag (within the 16 MiB limit) of which 100 bytes have come: they stay unread in the input
        ByteBuf in = Unpooled.buffer().writeBytes(Flv.header(false, true))
                .writeBytes(HEX.parseHex("09" + "100000" + "00000000" + "000000")).writeBytes(new byte[100]);
        List<MediaPacket> got = new ArrayList<>();
        FlvReader reader = new FlvReader(16 << 20);
        reader.feed(in, got::add);
        assertThat(got).isEmpty();
        assertThat(in.readableBytes()).as("tag header and the data so far, unread").isEqualTo(11 + 100);
        in.writeBytes(new byte[(1 << 20) - 100]).writeInt(11 + (1 << 20));
        reader.feed(in, got::add);
        assertThat(got).singleElement().satisfies(p -> assertThat(p.size()).isEqualTo(1 << 20));
    }

    @Test
    void wrongPreviousTagSizeIsRejected() {
        ByteBuf in = Unpooled.buffer().writeBytes(Flv.header(true, true));
        byte[] tag = Flv.encodeTag(MediaPacket.video(0, new byte[] {0x17, 1}));
        tag[tag.length - 1]++;
        in.writeBytes(tag).writeBytes(Flv.encodeTag(MediaPacket.video(1, new byte[] {0x27, 1})));
        assertThatThrownBy(() -> new FlvReader(1024).feed(in, p -> { })).isInstanceOf(FlvFormatException.class);
    }

    @Test
    void notFlvAndUnknownTagTypesAreRejected() {
        assertThatThrownBy(() -> new FlvReader(1024).feed(Unpooled.wrappedBuffer("GET / HTTP/1.1\r\n".getBytes()), p -> { }))
                .isInstanceOf(FlvFormatException.class);
        ByteBuf in = Unpooled.buffer().writeBytes(Flv.header(true, true)).writeBytes(HEX.parseHex("07000001000000000000000000"));
        assertThatThrownBy(() -> new FlvReader(1024).feed(in, p -> { })).isInstanceOf(FlvFormatException.class);
    }
}
