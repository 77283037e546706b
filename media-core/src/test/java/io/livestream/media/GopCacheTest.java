package io.livestream.media;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class GopCacheTest {
    private static final MediaPacket META = MediaPacket.script(0, io.livestream.media.amf.Amf0.encodeAll("onMetaData", java.util.Map.of("width", 1.0)));
    private static final MediaPacket AVC_CONFIG = MediaPacket.video(0, new byte[] {0x17, 0, 0, 0, 0, 1});
    private static final MediaPacket AAC_CONFIG = MediaPacket.audio(0, new byte[] {(byte) 0xaf, 0, 0x12, 0x10});

    private static MediaPacket key(int ts) {
        return MediaPacket.video(ts, new byte[] {0x17, 1, 0, 0, 0, 1});
    }

    private static MediaPacket inter(int ts) {
        return MediaPacket.video(ts, new byte[] {0x27, 1, 0, 0, 0, 2});
    }

    private static MediaPacket audio(int ts) {
        return MediaPacket.audio(ts, new byte[] {(byte) 0xaf, 1, 3});
    }

    private static GopCache<MediaPacket> cache() {
        return new GopCache<>(Function.identity(), 100, 1 << 20);
    }

    @Test
    void snapshotStartsWithHeadersThenKeyframe() {
        GopCache<MediaPacket> c = cache();
        c.add(META);
        c.add(AVC_CONFIG);
        c.add(AAC_CONFIG);
        c.add(audio(10));
        c.add(inter(20));
        MediaPacket k = key(40);
        c.add(k);
        c.add(audio(50));
        assertThat(c.snapshot()).containsExactly(META, AVC_CONFIG, AAC_CONFIG, k, c.snapshot().get(4));
        assertThat(c.hasKeyframe()).isTrue();
    }

    @Test
    void nothingButHeadersBeforeTheFirstKeyframe() {
        GopCache<MediaPacket> c = cache();
        c.add(AVC_CONFIG);
        c.add(inter(1));
        c.add(audio(2));
        assertThat(c.snapshot()).containsExactly(AVC_CONFIG);
        assertThat(c.hasKeyframe()).isFalse();
    }

    @Test
    void keyframeStartsNewGop() {
        GopCache<MediaPacket> c = cache();
        c.add(key(0));
        c.add(inter(33));
        MediaPacket k2 = key(66);
        c.add(k2);
        assertThat(c.snapshot()).containsExactly(k2);
        assertThat(c.gopPackets()).isEqualTo(1);
    }

    @Test
    void newSequenceHeaderReplacesTheOld() {
        GopCache<MediaPacket> c = cache();
        c.add(AVC_CONFIG);
        MediaPacket newer = MediaPacket.video(99, new byte[] {0x17, 0, 0, 0, 0, 2});
        c.add(newer);
        assertThat(c.videoSequenceHeader()).isSameAs(newer);
    }

    @Test
    void oversizedGopIsDropped() {
        GopCache<MediaPacket> c = new GopCache<>(Function.identity(), 3, 1 << 20);
        c.add(AVC_CONFIG);
        c.add(key(0));
        c.add(inter(1));
        c.add(inter(2));
        c.add(inter(3));
        assertThat(c.hasKeyframe()).isFalse();
        c.add(inter(4));
        assertThat(c.snapshot()).as("waits for the next keyframe").containsExactly(AVC_CONFIG);
        c.add(key(5));
        assertThat(c.gopPackets()).isEqualTo(1);
    }

    @Test
    void gopOverTheByteBoundIsDropped() {
        GopCache<MediaPacket> c = new GopCache<>(Function.identity(), 100, 10);
        c.add(key(0));
        c.add(inter(1));
        assertThat(c.gopBytes()).isZero();
        assertThat(c.hasKeyframe()).isFalse();
    }

    @Test
    void endOfSequenceIsNotAKeyframe() {
        MediaPacket eos = MediaPacket.video(9, new byte[] {0x17, 2, 0, 0, 0});
        assertThat(eos.isKeyframe()).isFalse();
        assertThat(eos.isEndOfSequence()).isTrue();
        GopCache<MediaPacket> c = cache();
        c.add(eos);
        assertThat(c.hasKeyframe()).isFalse();
    }

    @Test
    void clockTagsAfterAKeyframeStayInTheGop() {
        GopCache<MediaPacket> c = cache();
        c.add(io.livestream.media.flv.ScriptTags.clock(0, 1));
        MediaPacket k = key(40);
        MediaPacket clock = io.livestream.media.flv.ScriptTags.clock(40, 2);
        c.add(k);
        c.add(clock);
        assertThat(c.snapshot()).containsExactly(k, clock);
    }

    @Test
    void clearForgetsEverything() {
        GopCache<MediaPacket> c = cache();
        c.add(META);
        c.add(key(0));
        c.clear();
        assertThat(c.snapshot()).isEmpty();
        assertThat(c.metadata()).isNull();
    }
}
