package io.livestream.media.rtmp;

import io.livestream.media.amf.Amf0;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RTMP spec 5.3 chunking, golden bytes both ways. */
class ChunkCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static List<RtmpMessage> decode(String hex) {
        return decode(new ChunkDecoder(RtmpLimits.defaults()), HEX.parseHex(hex.replace(" ", "")));
    }

    private static List<RtmpMessage> decode(ChunkDecoder decoder, byte[] bytes) {
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        decoder.decode(in, out::add);
        assertThat(in.readableBytes()).as("unread bytes").isZero();
        return out;
    }

    private static String reason(Runnable r) {
        try {
            r.run();
        } catch (RtmpProtocolException e) {
            return e.reason();
        }
        throw new AssertionError("no RtmpProtocolException");
    }

    private static String encodeHex(ChunkEncoder encoder, RtmpMessage m) {
        ByteBuf out = Unpooled.buffer();
        encoder.encode(m, out);
        return ByteBufUtil.hexDump(out);
    }

    @Test
    void type0HeaderCarriesEverything() {
        // csid 2, ts 0, length 4, type 1 (Set Chunk Size), stream 0, size 4096
        List<RtmpMessage> m = decode("02 000000 000004 01 00000000 00001000");
        assertThat(m).containsExactly(new RtmpMessage.SetChunkSize(4096));
        assertThat(encodeHex(new ChunkEncoder(), new RtmpMessage.SetChunkSize(4096)))
                .isEqualTo("02000000000004010000000000001000");
    }

    @Test
    void type1And2And3HeadersReuseTheLastOnesFields() {
        ChunkEncoder encoder = new ChunkEncoder();
        byte[] a = {(byte) 0xaf, 1, 0x21};
        byte[] b = {(byte) 0xaf, 1, 0x22, 0x23};
        byte[] c = {(byte) 0xaf, 1, 0x24, 0x25};
        byte[] d = {(byte) 0xaf, 1, 0x26, 0x27};
        // fmt 0 first
        assertThat(encodeHex(encoder, new RtmpMessage.Audio(1000, 1, a))).isEqualTo("04" + "0003e8" + "000003" + "08" + "01000000" + "af0121");
        // fmt 1: another length, delta 23
        assertThat(encodeHex(encoder, new RtmpMessage.Audio(1023, 1, b))).isEqualTo("44" + "000017" + "000004" + "08" + "af012223");
        // fmt 2: same length and type, delta 24
        assertThat(encodeHex(encoder, new RtmpMessage.Audio(1047, 1, c))).isEqualTo("84" + "000018" + "af012425");
        // fmt 3: same delta again
        assertThat(encodeHex(encoder, new RtmpMessage.Audio(1071, 1, d))).isEqualTo("c4" + "af012627");

        List<RtmpMessage> decoded = decode("04 0003e8 000003 08 01000000 af0121"
                + "44 000017 000004 08 af012223" + "84 000018 af012425" + "c4 af012627");
        assertThat(decoded).extracting(RtmpMessage::timestamp).containsExactly(1000L, 1023L, 1047L, 1071L);
        assertThat(decoded).allMatch(msg -> msg.streamId() == 1 && msg instanceof RtmpMessage.Audio);
        assertThat(((RtmpMessage.Audio) decoded.get(3)).payload()).isEqualTo(d);
    }

    @Test
    void twoAndThreeByteBasicHeaders() {
        ByteBuf out = Unpooled.buffer();
        ChunkEncoder encoder = new ChunkEncoder();
        encoder.encode(100, 8, 0, 1, new byte[] {1}, out);
        assertThat(ByteBufUtil.hexDump(out, 0, 2)).as("csid 100 = 64 + 36").isEqualTo("0024");
        out.clear();
        encoder.encode(1000, 8, 0, 1, new byte[] {1}, out);
        assertThat(ByteBufUtil.hexDump(out, 0, 3)).as("csid 1000 = 64 + 936, little-endian").isEqualTo("01a803");

        List<RtmpMessage> m = decode("0024 000000 000001 08 01000000 aa" + "01a803 000005 000001 09 01000000 bb");
        assertThat(m).hasSize(2);
        assertThat(m.get(1).timestamp()).isEqualTo(5);
    }

    @Test
    void extendedTimestampInType0AndRepeatedInType3Continuations() {
        byte[] payload = new byte[200];
        payload[0] = 0x17;
        ChunkEncoder encoder = new ChunkEncoder();
        String hex = encodeHex(encoder, new RtmpMessage.Video(0x01000000L, 1, payload));
        String body0 = HEX.formatHex(payload, 0, 128);
        String body1 = HEX.formatHex(payload, 128, 200);
        assertThat(hex).isEqualTo("06" + "ffffff" + "0000c8" + "09" + "01000000" + "01000000" + body0
                + "c6" + "01000000" + body1);
        List<RtmpMessage> m = decode(hex);
        assertThat(m).hasSize(1);
        assertThat(m.get(0).timestamp()).isEqualTo(0x01000000L);
        assertThat(((RtmpMessage.Video) m.get(0)).payload()).isEqualTo(payload);
    }

    @Test
    void messagesAreSplitAtTheChunkSizeAndJoinedAgain() {
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        ChunkEncoder encoder = new ChunkEncoder();
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
        ByteBuf wire = Unpooled.buffer();
        encoder.encode(new RtmpMessage.Video(40, 1, big), wire);
        assertThat(wire.readableBytes()).as("128-byte chunks: 12-byte header + 78 one-byte headers").isEqualTo(12 + 78 + 10_000);
        encoder.encode(new RtmpMessage.SetChunkSize(4096), wire);
        encoder.setChunkSize(4096);
        int before = wire.readableBytes();
        encoder.encode(new RtmpMessage.Video(80, 1, big), wire);
        assertThat(wire.readableBytes() - before).as("4096-byte chunks: 4-byte type 2 header (same length and type) + 2 one-byte headers").isEqualTo(4 + 2 + 10_000);

        List<RtmpMessage> out = decode(decoder, ByteBufUtil.getBytes(wire));
        assertThat(out).hasSize(3);
        assertThat(((RtmpMessage.Video) out.get(0)).payload()).isEqualTo(big);
        assertThat(out.get(1)).isEqualTo(new RtmpMessage.SetChunkSize(4096));
        assertThat(((RtmpMessage.Video) out.get(2)).payload()).isEqualTo(big);
        assertThat(out.get(2).timestamp()).isEqualTo(80);
        assertThat(decoder.chunkSize()).isEqualTo(4096);
    }

    @Test
    void interleavedChunkStreamsAreReassembledSeparately() {
        byte[] video = new byte[300];
        byte[] audio = new byte[150];
        video[0] = 0x27;
        audio[0] = (byte) 0xaf;
        String v0 = "06 000000 00012c 09 01000000" + HEX.formatHex(video, 0, 128);
        String a0 = "04 000000 000096 08 01000000" + HEX.formatHex(audio, 0, 128);
        String v1 = "c6" + HEX.formatHex(video, 128, 256);
        String a1 = "c4" + HEX.formatHex(audio, 128, 150);
        String v2 = "c6" + HEX.formatHex(video, 256, 300);
        List<RtmpMessage> m = decode(v0 + a0 + v1 + a1 + v2);
        assertThat(m).hasSize(2);
        assertThat(m.get(0)).isInstanceOf(RtmpMessage.Audio.class);
        assertThat(((RtmpMessage.Audio) m.get(0)).payload()).isEqualTo(audio);
        assertThat(((RtmpMessage.Video) m.get(1)).payload()).isEqualTo(video);
    }

    @Test
    void byteByByteFeedingGivesTheSameMessages() {
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf wire = Unpooled.buffer();
        List<RtmpMessage> sent = List.of(
                RtmpCommands.connect(1, "live", "rtmp://h/live"),
                new RtmpMessage.WindowAckSize(2_500_000),
                new RtmpMessage.Video(0, 1, new byte[500]),
                new RtmpMessage.Audio(23, 1, new byte[] {(byte) 0xaf, 1, 2}),
                new RtmpMessage.Video(0x01000005L, 1, new byte[300]));
        sent.forEach(m -> encoder.encode(m, wire));
        byte[] bytes = ByteBufUtil.getBytes(wire);

        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
        ByteBuf in = Unpooled.buffer();
        List<RtmpMessage> got = new ArrayList<>();
        for (byte b : bytes) {
            in.writeByte(b);
            decoder.decode(in, got::add);
            in.discardReadBytes();
        }
        assertThat(got).hasSize(sent.size());
        assertThat(got.get(0)).isEqualTo(sent.get(0));
        assertThat(got.get(4).timestamp()).isEqualTo(0x01000005L);
        assertThat(decoder.bytesReceived()).isEqualTo(bytes.length);
    }

    @Test
    void abortDropsThePartialMessage() {
        String partial = "06 000000 0000c8 09 01000000" + "00".repeat(128);
        String abort = "02 000000 000004 02 00000000 00000006";
        String fresh = "06 000001 000002 09 01000000 1701";
        List<RtmpMessage> m = decode(partial + abort + fresh);
        assertThat(m).hasSize(2);
        assertThat(m.get(0)).isEqualTo(new RtmpMessage.Abort(6));
        assertThat(((RtmpMessage.Video) m.get(1)).payload()).containsExactly(0x17, 0x01);
    }

    @Test
    void commandRoundTripsThroughEncoderAndDecoder() {
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf wire = Unpooled.buffer();
        RtmpMessage.Command publish = RtmpCommands.publish(5, 1, "cam?token=abc", "live");
        encoder.encode(publish, wire);
        encoder.encode(RtmpCommands.createStream(4), wire);
        List<RtmpMessage> m = decode(new ChunkDecoder(RtmpLimits.defaults()), ByteBufUtil.getBytes(wire));
        assertThat(m.get(0)).isEqualTo(publish);
        assertThat(((RtmpMessage.Command) m.get(1)).name()).isEqualTo("createStream");
    }

    @Test
    void connectResultCarriesTheExpectedCodes() {
        ByteBuf wire = Unpooled.buffer();
        new ChunkEncoder().encode(RtmpCommands.connectResult(1, 0), wire);
        RtmpMessage.Command c = (RtmpMessage.Command) decode(new ChunkDecoder(RtmpLimits.defaults()), ByteBufUtil.getBytes(wire)).get(0);
        assertThat(c.name()).isEqualTo("_result");
        assertThat(c.transactionId()).isEqualTo(1.0);
        assertThat(c.args().get(0)).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("fmsVer", "FMS/3,0,1,123");
        assertThat(c.args().get(1)).asInstanceOf(InstanceOfAssertFactories.MAP).containsEntry("code", "NetConnection.Connect.Success").containsEntry("level", "status");
    }

    @Test
    void userControlPingAndStreamBegin() {
        assertThat(encodeHex(new ChunkEncoder(), new RtmpMessage.UserControl(RtmpMessage.UserControl.STREAM_BEGIN, 1, 0)))
                .isEqualTo("020000000000060400000000" + "000000000001");
        assertThat(decode("02 000000 000006 04 00000000 0006 0000abcd"))
                .containsExactly(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_REQUEST, 0xabcd, 0));
    }

    @Test
    void windowAckSizeAcknowledgementAndPeerBandwidth() {
        assertThat(decode("02 000000 000004 05 00000000 002625a0")).containsExactly(new RtmpMessage.WindowAckSize(2_500_000));
        assertThat(decode("02 000000 000004 03 00000000 00001000")).containsExactly(new RtmpMessage.Acknowledgement(4096));
        assertThat(decode("02 000000 000005 06 00000000 002625a0 02")).containsExactly(new RtmpMessage.SetPeerBandwidth(2_500_000, 2));
        assertThat(encodeHex(new ChunkEncoder(), new RtmpMessage.SetPeerBandwidth(2_500_000, 2)))
                .isEqualTo("02000000000005060000000000" + "2625a002");
    }

    @Test
    void dataMessageDecodesMetadata() {
        ByteBuf wire = Unpooled.buffer();
        new ChunkEncoder().encode(RtmpCommands.setDataFrame(1, Map.of("width", 1280.0)), wire);
        RtmpMessage.Data d = (RtmpMessage.Data) decode(new ChunkDecoder(RtmpLimits.defaults()), ByteBufUtil.getBytes(wire)).get(0);
        assertThat(d.values().get(0)).isEqualTo("@setDataFrame");
        assertThat(Amf0.property(d.values().get(2), "width")).isEqualTo(1280.0);
    }

    @Test
    void chunkSizeZeroIsRejected() {
        assertThat(reason(() -> decode("02 000000 000004 01 00000000 00000000"))).isEqualTo("bad-chunk-size");
    }

    @Test
    void chunkSizeAbove16MiBIsRejected() {
        assertThat(reason(() -> decode("02 000000 000004 01 00000000 01000000"))).isEqualTo("bad-chunk-size");
    }

    @Test
    void messageLengthOverTheLimitIsRejectedBeforeAllocating() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 1000, 64));
        assertThat(reason(() -> decode(decoder, HEX.parseHex("06000000" + "0003e9" + "09" + "01000000"))))
                .isEqualTo("message-too-large");
    }

    @Test
    void type3OnAnUnknownChunkStreamIsAViolation() {
        assertThat(reason(() -> decode("c7 00"))).isEqualTo("protocol-violation");
    }

    @Test
    void tooManyChunkStreamsAreRejected() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 1000, 2));
        assertThat(reason(() -> decode(decoder, HEX.parseHex(
                "03000000000001080100000000" + "04000000000001080100000000" + "05000000000001080100000000"))))
                .isEqualTo("too-many-chunk-streams");
    }

    @Test
    void malformedAmfInACommandIsAViolation() {
        assertThat(reason(() -> decode("03 000000 000003 14 00000000 0200ff"))).isEqualTo("bad-amf");
    }
}
