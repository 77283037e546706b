package io.livestream.fanout;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.Flv;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pre-encoded WebSocket frame of a tag: RFC 6455 section 5.2 header, then the FLV bytes. */
class FlvTagTest {

    @Test
    void shortTagGetsATwoByteBinaryFrameHeader() {
        FlvTag tag = FlvTag.of(MediaPacket.audio(0, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
        // 11-byte tag header + 4 payload bytes + 4-byte previous tag size = 19 = 0x13
        assertThat(hex(tag.webSocketFrame())).isEqualTo("8213" + ByteBufUtil.hexDump(Flv.encodeTag(tag.packet())));
    }

    @Test
    void mediumTagGetsASixteenBitLength() {
        FlvTag tag = FlvTag.of(MediaPacket.video(40, new byte[1000]));
        int size = Flv.TAG_HEADER_SIZE + 1000 + Flv.PREVIOUS_TAG_SIZE;
        assertThat(hex(tag.webSocketFrame().slice(0, 4))).isEqualTo("827e" + String.format("%04x", size));
        assertThat(tag.webSocketFrame().readableBytes()).isEqualTo(4 + size);
    }

    @Test
    void largeTagGetsASixtyFourBitLength() {
        FlvTag tag = FlvTag.of(MediaPacket.video(40, new byte[70_000]));
        int size = Flv.TAG_HEADER_SIZE + 70_000 + Flv.PREVIOUS_TAG_SIZE;
        assertThat(hex(tag.webSocketFrame().slice(0, 10))).isEqualTo("827f" + String.format("%016x", size));
        assertThat(hex(tag.webSocketFrame().slice(10, size))).isEqualTo(ByteBufUtil.hexDump(tag.bytes().getBytes()));
    }

    @Test
    void framesHandedToSocketsLeaveTheSharedTagIntact() {
        FlvTag tag = FlvTag.of(MediaPacket.video(40, new byte[] {0x17, 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
        ByteBuf written = tag.webSocketFrame().duplicate();
        written.skipBytes(written.readableBytes());
        written.release(); // what a socket does with each viewer's view once it is written
        assertThat(tag.webSocketFrame().readableBytes()).isEqualTo(2 + tag.size());
        assertThat(ByteBufUtil.hexDump(tag.bytes().getBytes())).isEqualTo(ByteBufUtil.hexDump(Flv.encodeTag(tag.packet())));
    }

    private static String hex(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    @Test
    void windowConcatenatesEachTagsFrameAndBytesOnce() {
        FlvTag audio = FlvTag.of(MediaPacket.audio(20, new byte[] {(byte) 0xAF, 1, 0x21, 0x10}));
        FlvTag video = FlvTag.of(MediaPacket.video(33, new byte[1000]));
        TagWindow window = new TagWindow();
        window.add(audio);
        window.add(video);
        assertThat(hex(window.webSocketFrames())).isEqualTo(hex(audio.webSocketFrame()) + hex(video.webSocketFrame()));
        assertThat(window.webSocketFrames()).as("built once").isSameAs(window.webSocketFrames());
        assertThat(ByteBufUtil.hexDump(window.flvBytes().getBytes()))
                .isEqualTo(ByteBufUtil.hexDump(audio.bytes().getBytes()) + ByteBufUtil.hexDump(video.bytes().getBytes()));
    }

    @Test
    void windowOfOneTagIsThatTagsOwnFrame() {
        FlvTag video = FlvTag.of(MediaPacket.video(33, new byte[1000]));
        TagWindow window = new TagWindow();
        window.add(video);
        assertThat(window.webSocketFrames()).isSameAs(video.webSocketFrame());
    }
}
