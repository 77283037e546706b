package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the chunk decoder holds follows the bytes received, not the lengths announced (issue 13):
 * a message's buffer grows as its chunks arrive, and a connection's unfinished messages are bounded
 * by {@link RtmpLimits#maxPartialBytes()}. Golden chunks in hex, the decoder's {@code heldBytes()} out.
 */
class ChunkDecoderMemoryTest {
    private static final HexFormat HEX = HexFormat.of();
    /** fmt 0 on chunk stream 6, timestamp 0, length 1000 (0x0003e8), video, message stream 1. */
    private static final String VIDEO_1000 = "06 000000 0003e8 09 01000000";
    /** fmt 3 on chunk stream 6: the next chunk of the message in progress. */
    private static final String NEXT = "c6";

    private static String data(int bytes, int value) {
        return String.format("%02x", value).repeat(bytes);
    }

    /** A fmt 0 header on {@code csid} (2..63) announcing a video message of {@code length} bytes. */
    private static String announce(int csid, int length) {
        return String.format("%02x 000000 %06x 09 01000000", csid, length);
    }

    private static List<RtmpMessage> feed(ChunkDecoder decoder, String hex) {
        List<RtmpMessage> out = new ArrayList<>();
        decoder.decode(Unpooled.wrappedBuffer(HEX.parseHex(hex.replace(" ", ""))), out::add);
        return out;
    }

    @Test
    void aMessageBufferDoublesWithItsChunksUpToTheAnnouncedLength() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
        List<Long> held = new ArrayList<>();
        List<RtmpMessage> out = new ArrayList<>();
        out.addAll(feed(decoder, VIDEO_1000 + data(128, 1)));
        held.add(decoder.heldBytes());
        for (int chunk = 2; chunk <= 8; chunk++) {
            out.addAll(feed(decoder, NEXT + data(chunk == 8 ? 1000 - 7 * 128 : 128, chunk)));
            held.add(decoder.heldBytes());
        }
        // 128 received: 128; 256: 256; 384: doubled to 512; 512; 640: 1024 capped at the length, 1000; ...; done: 0
        assertThat(held).containsExactly(128L, 256L, 512L, 512L, 1000L, 1000L, 1000L, 0L);
        assertThat(out).hasSize(1);
        byte[] payload = ((RtmpMessage.Video) out.get(0)).payload();
        assertThat(payload).hasSize(1000);
        assertThat(payload[0]).isEqualTo((byte) 1);
        assertThat(payload[999]).isEqualTo((byte) 8);
    }

    @Test
    void announcingLargeMessagesOnEveryChunkStreamHoldsOnlyTheChunksSent() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
        StringBuilder hex = new StringBuilder();
        for (int csid = 3; csid < 3 + 61; csid++) { // one-byte basic headers: chunk streams 3..63
            hex.append(announce(csid, 8 * 1024 * 1024 - 1)).append(data(128, csid));
        }
        byte[] input = HEX.parseHex(hex.toString().replace(" ", ""));
        ByteBuf in = Unpooled.wrappedBuffer(input);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        decoder.decode(in, m -> {
            throw new AssertionError("no message is complete: " + m);
        });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("61 chunk streams announcing 8 MiB each, %d bytes sent: decoder holds %d bytes, allocated %d bytes%n",
                input.length, decoder.heldBytes(), allocated);
        assertThat(decoder.heldBytes()).isEqualTo(61 * 128);
        // before: 61 x 8 MiB = 488 MiB on the first chunks; now the 128-byte buffers, the chunk stream records and the map
        assertThat(allocated).isLessThan(4L * input.length);
    }

    @Test
    void unfinishedMessagesPastTheConnectionBoundAreRefusedBeforeAllocating() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 4096, 64, 1000));
        StringBuilder hex = new StringBuilder();
        for (int csid = 3; csid < 3 + 7; csid++) {
            hex.append(announce(csid, 4096)).append(data(128, csid));
        }
        feed(decoder, hex.toString());
        assertThat(decoder.heldBytes()).isEqualTo(7 * 128);
        assertThatThrownBy(() -> feed(decoder, announce(10, 4096) + data(128, 10)))
                .isInstanceOfSatisfying(RtmpProtocolException.class, e -> assertThat(e.reason()).isEqualTo("partial-messages-too-large"));
        assertThat(decoder.heldBytes()).as("the eighth buffer was never made").isEqualTo(7 * 128);
    }

    @Test
    void nearTheBoundABufferGrowsOnlyToWhatArrivedInsteadOfDoubling() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 4096, 64, 900));
        feed(decoder, announce(3, 4096) + data(128, 3)); // another stream's partial message: 128
        List<Long> held = new ArrayList<>();
        feed(decoder, VIDEO_1000 + data(128, 1));
        held.add(decoder.heldBytes());
        for (int chunk = 2; chunk <= 6; chunk++) {
            feed(decoder, NEXT + data(128, chunk));
            held.add(decoder.heldBytes());
        }
        // 128 + (128, 256, 512, 512, then 640 and 768 exactly, as 1000 would pass 900)
        assertThat(held).containsExactly(256L, 384L, 640L, 640L, 768L, 896L);
        assertThatThrownBy(() -> feed(decoder, NEXT + data(128, 7)))
                .isInstanceOfSatisfying(RtmpProtocolException.class, e -> assertThat(e.reason()).isEqualTo("partial-messages-too-large"));
    }

    @Test
    void aMessageAsLargeAsTheBoundStillArrives() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 1000, 64, 1000));
        StringBuilder hex = new StringBuilder(VIDEO_1000 + data(128, 1));
        for (int chunk = 2; chunk <= 8; chunk++) {
            hex.append(NEXT).append(data(chunk == 8 ? 1000 - 7 * 128 : 128, chunk));
        }
        assertThat(feed(decoder, hex.toString())).singleElement().isInstanceOf(RtmpMessage.Video.class);
        assertThat(decoder.heldBytes()).isZero();
    }

    @Test
    void aChunkStillArrivingCountsAsHeldAndPastTheBoundIsRefused() {
        ChunkDecoder decoder = new ChunkDecoder(new RtmpLimits(0xFFFFFF, 4096, 64, 1000));
        String setChunkSize4096 = "02 000000 000004 01 00000000 00001000";
        String header = announce(3, 4096);
        feed(decoder, setChunkSize4096);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(HEX.parseHex((header + data(600, 3)).replace(" ", "")));
        decoder.decode(in, m -> { });
        assertThat(decoder.heldBytes()).as("a 12-byte header and 600 bytes wait for the rest of the chunk").isEqualTo(612);
        in.writeBytes(HEX.parseHex(data(400, 3)));
        assertThatThrownBy(() -> decoder.decode(in, m -> { }))
                .isInstanceOfSatisfying(RtmpProtocolException.class, e -> assertThat(e.reason()).isEqualTo("partial-messages-too-large"));
    }

    @Test
    void abortAndANewHeaderGiveThePartialBytesBack() {
        ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
        feed(decoder, VIDEO_1000 + data(128, 1) + NEXT + data(128, 2));
        assertThat(decoder.heldBytes()).isEqualTo(256);
        feed(decoder, "02 000000 000004 02 00000000 00000006"); // Abort Message (5.4.2) for chunk stream 6
        assertThat(decoder.heldBytes()).isZero();
        feed(decoder, VIDEO_1000 + data(128, 1));
        feed(decoder, "46 000000 0000c8 09" + data(128, 2)); // fmt 1: a new message of 200 bytes drops the partial one
        assertThat(decoder.heldBytes()).isEqualTo(128);
    }
}
