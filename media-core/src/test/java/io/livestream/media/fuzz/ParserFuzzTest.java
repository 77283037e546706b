package io.livestream.media.fuzz;

import io.livestream.media.MediaPacket;
import io.livestream.media.amf.Amf0;
import io.livestream.media.flv.Flv;
import io.livestream.media.rtmp.ChunkEncoder;
import io.livestream.media.rtmp.HandshakeClient;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Hostile bytes for every parser: random inputs and mutations of valid ones (flipped bytes,
 * cuts, insertions). Nothing but the parser's typed exception may escape, and limits hold before
 * allocation (a decoder given a 64 KiB message limit never builds a larger message); {@link Parser}
 * drives each parser. 100,000 tries per parser at a fixed seed ({@code jqwik.tries.default} in
 * {@code junit-platform.properties}); {@code -Djqwik.tries.default=N} runs longer. An input that once
 * failed goes into {@code src/test/resources/fuzz-corpus/} so that {@link FuzzCorpusTest} replays it for good.
 */
class ParserFuzzTest {
    private static final String SEED = "20261124";

    private static final byte[] AVC = HexFormat.of().parseHex(
            "17000000000164001fffe1001a6764001facd9405005bb0110000003001000000303c0f183196001000668ebe3cb22c0fdf8f800");
    private static final byte[] AAC = HexFormat.of().parseHex("af00121056e500");
    private static final byte[] SEI_FRAME = HexFormat.of().parseHex(
            "1701000000" + "00000002" + "0910" + "0000001c" + "06051831ef813e3fe4498f8256da10e01a5904000644594164224080" + "00000006" + "65888400ffee");
    private static final byte[] VALID_AMF = Amf0.encodeAll("connect", 1.0,
            Map.of("app", "live", "tcUrl", "rtmp://h/live", "nested", Map.of("list", List.of(1.0, true, "x"))),
            new Amf0.EcmaArray(Map.of("width", 1280.0)), new Amf0.Date(1.0, 0), Amf0.NULL, Amf0.UNDEFINED);
    private static final byte[] VALID_CHUNKS = chunks();
    private static final byte[] VALID_FLV = flv();
    /** Sequence starts FFmpeg 7.1 wrote (src/test/resources/enhanced-rtmp), and frames under each enhanced header form. */
    private static final byte[] HEVC_START = fixtureVideo("hevc-320x180.flv", 0);
    private static final byte[] AV1_START = fixtureVideo("av1-320x180.flv", 0);
    private static final byte[] VP9_START = fixtureVideo("vp9-320x180.flv", 0);
    private static final byte[] ENHANCED_FRAME = HexFormat.of().parseHex(
            "97" + "02" + "0f4240" + "06" + "20" + "68766331" + "00" + "000008" + "0000000426010203");
    private static final byte[] ENHANCED_AUDIO = HexFormat.of().parseHex(
            "95" + "20" + "4f707573" + "00" + "000013" + "4f707573486561640102380180bb0000000000");

    private static byte[] fixtureVideo(String name, int index) {
        try (java.io.InputStream in = ParserFuzzTest.class.getResourceAsStream("/enhanced-rtmp/" + name)) {
            List<MediaPacket> video = new java.util.ArrayList<>();
            new io.livestream.media.flv.FlvReader(1 << 20).feed(Unpooled.wrappedBuffer(in.readAllBytes()), p -> {
                if (p.kind() == MediaPacket.Kind.VIDEO) {
                    video.add(p);
                }
            });
            return video.get(index).payload();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] chunks() {
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf out = Unpooled.buffer();
        encoder.encode(RtmpCommands.connect(1, "live", "rtmp://h/live"), out);
        encoder.encode(new RtmpMessage.SetChunkSize(256), out);
        encoder.setChunkSize(256);
        encoder.encode(new RtmpMessage.Video(0x01000000L, 1, new byte[700]), out);
        encoder.encode(new RtmpMessage.Audio(23, 1, new byte[] {(byte) 0xaf, 1, 2}), out);
        encoder.encode(RtmpCommands.setDataFrame(1, Map.of("width", 640.0)), out);
        encoder.encode(new RtmpMessage.UserControl(6, 1234, 0), out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] flv() {
        ByteBuf out = Unpooled.buffer().writeBytes(Flv.header(true, true));
        out.writeBytes(Flv.encodeTag(MediaPacket.script(0, Amf0.encodeAll("onMetaData", Map.of("width", 1.0)))));
        out.writeBytes(Flv.encodeTag(MediaPacket.video(0, AVC)));
        out.writeBytes(Flv.encodeTag(MediaPacket.video(40, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 2, 0x65, 1})));
        out.writeBytes(Flv.encodeTag(MediaPacket.audio(41, AAC)));
        return ByteBufUtil.getBytes(out);
    }

    /**
     * Random bytes (one in four), or a valid input with one to eight bytes changed, cut short or
     * grown. jqwik draws one seed per try and the input is made from it: composing jqwik's own
     * generators byte by byte cost about ten times as much per try, most of this test's time.
     */
    private static Arbitrary<byte[]> hostile(byte[] valid) {
        return Arbitraries.longs().withoutEdgeCases().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            if (random.nextInt(4) == 0) {
                byte[] bytes = new byte[random.nextInt(2049)];
                random.nextBytes(bytes);
                return bytes;
            }
            byte[] copy = Arrays.copyOf(valid, random.nextInt(valid.length + 65));
            for (int n = 1 + random.nextInt(8); n > 0; n--) {
                int position = random.nextInt(valid.length);
                if (position < copy.length) {
                    copy[position] = (byte) random.nextInt(256);
                }
            }
            return copy;
        });
    }

    @Provide
    Arbitrary<byte[]> amf() {
        return hostile(VALID_AMF);
    }

    @Provide
    Arbitrary<byte[]> chunkStream() {
        return hostile(VALID_CHUNKS);
    }

    @Provide
    Arbitrary<byte[]> flvStream() {
        return hostile(VALID_FLV);
    }

    @Provide
    Arbitrary<byte[]> avc() {
        return hostile(AVC);
    }

    @Provide
    Arbitrary<byte[]> aac() {
        return hostile(AAC);
    }

    @Provide
    Arbitrary<byte[]> hevcStart() {
        return hostile(HEVC_START);
    }

    @Provide
    Arbitrary<byte[]> av1Start() {
        return hostile(AV1_START);
    }

    @Provide
    Arbitrary<byte[]> vp9Start() {
        return hostile(VP9_START);
    }

    @Provide
    Arbitrary<byte[]> enhancedFrame() {
        return hostile(ENHANCED_FRAME);
    }

    @Provide
    Arbitrary<byte[]> enhancedAudio() {
        return hostile(ENHANCED_AUDIO);
    }

    @Provide
    Arbitrary<byte[]> sei() {
        return hostile(SEI_FRAME);
    }

    @Provide
    Arbitrary<byte[]> handshake() {
        byte[] c0c1 = new byte[1 + 1536 + 1536];
        ByteBuf out = Unpooled.buffer();
        new HandshakeClient().start(out);
        out.readBytes(c0c1, 0, 1537);
        return hostile(c0c1);
    }

    @Property(seed = SEED)
    void amf0DecodingThrowsOnlyAmf0Exception(@ForAll("amf") byte[] input) {
        Parser.AMF0.parse(input);
    }

    @Property(seed = SEED)
    void chunkDecodingThrowsOnlyRtmpProtocolExceptionAndKeepsTheMessageLimit(@ForAll("chunkStream") byte[] input) {
        Parser.CHUNK_STREAM.parse(input);
    }

    @Property(seed = SEED)
    void handshakeThrowsOnlyRtmpProtocolException(@ForAll("handshake") byte[] input) {
        Parser.HANDSHAKE.parse(input);
    }

    @Property(seed = SEED)
    void flvReadingThrowsOnlyFlvFormatExceptionAndKeepsTheTagLimit(@ForAll("flvStream") byte[] input) {
        Parser.FLV.parse(input);
    }

    @Property(seed = SEED)
    void avcConfigParsingThrowsOnlyCodecConfigException(@ForAll("avc") byte[] input) {
        Parser.AVC.parse(input);
    }

    @Property(seed = SEED)
    void aacConfigParsingThrowsOnlyCodecConfigException(@ForAll("aac") byte[] input) {
        Parser.AAC.parse(input);
    }

    @Property(seed = SEED)
    void hevcSequenceStartThrowsOnlyTypedExceptions(@ForAll("hevcStart") byte[] input) {
        Parser.VIDEO_TAG.parse(input);
    }

    @Property(seed = SEED)
    void av1SequenceStartThrowsOnlyTypedExceptions(@ForAll("av1Start") byte[] input) {
        Parser.VIDEO_TAG.parse(input);
    }

    @Property(seed = SEED)
    void vp9SequenceStartThrowsOnlyTypedExceptions(@ForAll("vp9Start") byte[] input) {
        Parser.VIDEO_TAG.parse(input);
    }

    @Property(seed = SEED)
    void enhancedVideoHeaderWithModExAndMultitrackThrowsOnlyTypedExceptions(@ForAll("enhancedFrame") byte[] input) {
        Parser.VIDEO_TAG.parse(input);
    }

    @Property(seed = SEED)
    void enhancedAudioHeaderThrowsOnlyTypedExceptions(@ForAll("enhancedAudio") byte[] input) {
        Parser.AUDIO_TAG.parse(input);
    }

    @Property(seed = SEED)
    void sendTimeSeiReadingNeverThrowsAndInsertingThrowsOnlyCodecConfigException(@ForAll("sei") byte[] input) {
        Parser.SEND_TIME_SEI.parse(input);
    }
}
