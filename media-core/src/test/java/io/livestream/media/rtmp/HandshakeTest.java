package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RTMP spec 5.2 and the Flash digest handshake, checked against digests computed here
 * independently from the published keys.
 */
class HandshakeTest {
    private static final byte[] TAIL = HexFormat.of().parseHex("F0EEC24A8068BEE82E00D0D1029E7E576EEC5D2D29806FAB93B8E636CFEB31AE");
    private static final byte[] FP_KEY = "Genuine Adobe Flash Player 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FMS_KEY = "Genuine Adobe Flash Media Server 001".getBytes(StandardCharsets.US_ASCII);

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Digest position as ffmpeg's ff_rtmp_calc_digest_pos computes it. */
    private static int digestPos(byte[] p, int offsetBytes, int base) {
        int sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += p[offsetBytes + i] & 0xff;
        }
        return sum % 728 + base;
    }

    private static byte[] without32At(byte[] p, int pos) {
        byte[] m = new byte[1536 - 32];
        System.arraycopy(p, 0, m, 0, pos);
        System.arraycopy(p, pos + 32, m, pos, 1536 - pos - 32);
        return m;
    }

    /** A C1 as ffmpeg builds it: version 9.0.124.2 and a Flash Player digest. */
    private static byte[] ffmpegStyleC1(boolean schema0) throws Exception {
        byte[] c1 = new byte[1536];
        new Random(7).nextBytes(c1);
        c1[0] = c1[1] = c1[2] = c1[3] = 0;
        c1[4] = 9;
        c1[5] = 0;
        c1[6] = 124;
        c1[7] = 2;
        int pos = schema0 ? digestPos(c1, 772, 776) : digestPos(c1, 8, 12);
        System.arraycopy(hmac(FP_KEY, without32At(c1, pos)), 0, c1, pos, 32);
        return c1;
    }

    private static ByteBuf c0c1(byte[] c1) {
        return Unpooled.buffer().writeByte(3).writeBytes(c1);
    }

    @Test
    void plainHandshakeEchoesC1AsS2() {
        byte[] c1 = new byte[1536];
        new Random(1).nextBytes(c1);
        Arrays.fill(c1, 4, 8, (byte) 0);
        HandshakeServer server = new HandshakeServer();
        ByteBuf out = Unpooled.buffer();
        assertThat(server.feed(c0c1(c1), out)).isFalse();
        assertThat(out.readableBytes()).isEqualTo(1 + 1536 + 1536);
        assertThat(out.getByte(0)).isEqualTo((byte) 3);
        byte[] s2 = new byte[1536];
        out.getBytes(1 + 1536, s2);
        assertThat(s2).isEqualTo(c1);
        assertThat(server.schema()).isNull();
    }

    @Test
    void digestC1GetsSignedS1AndS2ForBothSchemas() throws Exception {
        for (boolean schema0 : new boolean[] {false, true}) {
            byte[] c1 = ffmpegStyleC1(schema0);
            HandshakeServer server = new HandshakeServer();
            ByteBuf out = Unpooled.buffer();
            server.feed(c0c1(c1), out);
            assertThat(server.schema()).isEqualTo(schema0 ? Handshake.Schema.SCHEMA_0 : Handshake.Schema.SCHEMA_1);

            byte[] s1 = new byte[1536];
            byte[] s2 = new byte[1536];
            out.getBytes(1, s1);
            out.getBytes(1 + 1536, s2);
            int s1Pos = schema0 ? digestPos(s1, 772, 776) : digestPos(s1, 8, 12);
            assertThat(Arrays.copyOfRange(s1, s1Pos, s1Pos + 32))
                    .as("S1 digest with the FMS key").isEqualTo(hmac(FMS_KEY, without32At(s1, s1Pos)));

            int c1Pos = schema0 ? digestPos(c1, 772, 776) : digestPos(c1, 8, 12);
            byte[] key = hmac(concat(FMS_KEY, TAIL), Arrays.copyOfRange(c1, c1Pos, c1Pos + 32));
            assertThat(Arrays.copyOfRange(s2, 1504, 1536))
                    .as("S2 signature").isEqualTo(hmac(key, Arrays.copyOf(s2, 1504)));
        }
    }

    @Test
    void completesOnC2AndLeavesWhatFollows() {
        HandshakeServer server = new HandshakeServer();
        ByteBuf in = c0c1(new byte[1536]);
        server.feed(in, Unpooled.buffer());
        in.writeBytes(new byte[1536]).writeBytes(new byte[] {0x02, 0x00});
        assertThat(server.feed(in, Unpooled.buffer())).isTrue();
        assertThat(in.readableBytes()).isEqualTo(2);
    }

    @Test
    void partialInputIsNotAnError() {
        HandshakeServer server = new HandshakeServer();
        ByteBuf in = Unpooled.buffer().writeByte(3).writeBytes(new byte[700]);
        ByteBuf out = Unpooled.buffer();
        assertThat(server.feed(in, out)).isFalse();
        assertThat(out.readableBytes()).isZero();
        assertThat(in.readableBytes()).isEqualTo(701);
    }

    @Test
    void versionOtherThanThreeIsRejected() {
        HandshakeServer server = new HandshakeServer();
        assertThatThrownBy(() -> server.feed(Unpooled.buffer().writeByte(6), Unpooled.buffer()))
                .isInstanceOf(RtmpProtocolException.class)
                .extracting(e -> ((RtmpProtocolException) e).reason()).isEqualTo("bad-handshake");
    }

    @Test
    void clientAndServerCompleteAgainstEachOther() {
        HandshakeClient client = new HandshakeClient();
        HandshakeServer server = new HandshakeServer();
        ByteBuf toServer = Unpooled.buffer();
        ByteBuf toClient = Unpooled.buffer();
        client.start(toServer);
        assertThat(server.feed(toServer, toClient)).isFalse();
        assertThat(server.schema()).as("our client signs C1 like ffmpeg").isEqualTo(Handshake.Schema.SCHEMA_1);
        assertThat(client.feed(toClient, toServer)).isTrue();
        assertThat(server.feed(toServer, toClient)).isTrue();
        assertThat(toServer.readableBytes()).isZero();
    }
}
