package io.livestream.fanout;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.FlvReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Enhanced RTMP through a fan-out: the tags reach viewers as they came, a late joiner starts on an
 * AV1 key frame after the sequence start, and the video Metadata packet (which stops mpegts.js 1.8)
 * is left out unless configured in.
 */
class EnhancedRtmpFanOutTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final MediaPacket START = MediaPacket.video(0, HEX.parseHex("9061763031" + "81000c00"));
    private static final MediaPacket METADATA = MediaPacket.video(0, HEX.parseHex("d461763031" + "020009636f6c6f72496e666f0500"));
    private static final MediaPacket KEY = MediaPacket.video(0, HEX.parseHex("9161763031" + "1200" + "0a0b"));
    private static final MediaPacket INTER = MediaPacket.video(40, HEX.parseHex("a161763031" + "1200" + "3200"));
    private static final MediaPacket KEY_2 = MediaPacket.video(80, HEX.parseHex("9161763031" + "1200" + "0a0c"));

    /** A clock that never fires: with a zero flush window every tag is sent at once. */
    private static final FanOut.Clock CLOCK = new FanOut.Clock() {
        @Override
        public long nanoTime() {
            return 0;
        }

        @Override
        public long setTimer(long delayMillis, Runnable action) {
            return 1;
        }

        @Override
        public void cancelTimer(long id) {
        }
    };

    private static FanOut fanOut(FanoutConfig config) {
        FanOut f = new FanOut("s", config.withFlushWindow(Duration.ZERO), new FanoutMetrics(new SimpleMeterRegistry()).forStream("s"),
                () -> { }, CLOCK, () -> 1);
        f.open();
        return f;
    }

    private static List<MediaPacket> received(FakeSink sink) {
        Buffer all = Buffer.buffer();
        sink.written.forEach(all::appendBuffer);
        List<MediaPacket> out = new ArrayList<>();
        new FlvReader(1 << 20).feed(Unpooled.wrappedBuffer(all.getBytes()), out::add);
        return out;
    }

    @Test
    void lateJoinerOfAnAv1StreamStartsOnTheLatestKeyframeWithoutTheMetadataPacket() {
        FanOut f = fanOut(FanoutConfig.defaults());
        FakeSink early = new FakeSink();
        f.add(new Viewer(early));
        List.of(START, METADATA, KEY, INTER, KEY_2).forEach(f::deliver);
        FakeSink late = new FakeSink();
        f.add(new Viewer(late));
        f.deliver(INTER.withTimestamp(120));

        assertThat(received(early)).extracting(MediaPacket::payload).containsExactly(
                START.payload(), KEY.payload(), INTER.payload(), KEY_2.payload(), INTER.payload());
        assertThat(received(late)).extracting(MediaPacket::timestamp).containsExactly(0, 80, 120);
        assertThat(received(late).get(1).isKeyframe()).isTrue();
        assertThat(received(late)).noneMatch(MediaPacket::isVideoMetadata);
    }

    @Test
    void metadataPacketReachesViewersAndLateJoinersWhenConfigured() {
        FanOut f = fanOut(FanoutConfig.defaults().withVideoMetadata(true));
        FakeSink early = new FakeSink();
        f.add(new Viewer(early));
        List.of(START, METADATA, KEY).forEach(f::deliver);
        FakeSink late = new FakeSink();
        f.add(new Viewer(late));

        assertThat(received(early)).extracting(MediaPacket::payload).containsExactly(START.payload(), METADATA.payload(), KEY.payload());
        assertThat(received(late)).extracting(MediaPacket::payload).containsExactly(START.payload(), METADATA.payload(), KEY.payload());
    }
}
