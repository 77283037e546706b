package io.livestream.media.hls;

import io.livestream.media.MediaPacket;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a publisher sends reaches the segmenter: random packets (random kinds, payloads and
 * headers, timestamps that never go back) never make it throw, parts stay within the part target,
 * and segments start on sync samples.
 */
class LlHlsSegmenterFuzzTest {

    @Property(tries = 1_000, seed = "20261206")
    void randomPacketsNeverBreakTheSegmenter(@ForAll("streams") List<MediaPacket> packets) {
        LlHlsSegmenter s = new LlHlsSegmenter(HlsConfig.DEFAULT, () -> 0L, p -> { });
        packets.forEach(s::accept);
        s.end();
        for (Segment seg : s.segments()) {
            assertThat(seg.parts()).isNotEmpty();
            assertThat(seg.parts().get(0).independent()).isTrue();
            for (Part p : seg.parts()) {
                // a single frame longer than the target is the one way past it
                assertThat(p.duration() <= 0.5 || TestStream.primarySamples(p.bytes()) == 1).as("part of %.3f s", p.duration()).isTrue();
            }
        }
        if (s.ready()) {
            assertThat(s.playlist("x/")).startsWith("#EXTM3U\n").endsWith("#EXT-X-ENDLIST\n");
        }
    }

    @Provide
    Arbitrary<List<MediaPacket>> streams() {
        Arbitrary<byte[]> junk = Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
        Arbitrary<MediaPacket> headers = Arbitraries.of(TestStream.VIDEO_HEADER, TestStream.AUDIO_HEADER,
                MediaPacket.video(0, new byte[] {0x17, 0, 0, 0, 0, 1, 0x42}), MediaPacket.audio(0, new byte[] {(byte) 0xaf, 0, 0x12}));
        Arbitrary<Tuple.Tuple2<Integer, Integer>> steps = Arbitraries.integers().between(0, 3).flatMap(kind ->
                Arbitraries.integers().between(0, 400).map(gap -> Tuple.of(kind, gap)));
        return Arbitraries.integers().between(0, 3).list().ofMaxSize(300).flatMap(kinds -> {
            Arbitrary<List<Tuple.Tuple2<Integer, Integer>>> plan = steps.list().ofSize(kinds.size());
            return Arbitraries.lazy(() -> plan.flatMap(p -> junk.list().ofSize(p.size()).flatMap(bodies ->
                    headers.list().ofSize(p.size()).map(hs -> build(p, bodies, hs)))));
        });
    }

    private static List<MediaPacket> build(List<Tuple.Tuple2<Integer, Integer>> plan, List<byte[]> bodies, List<MediaPacket> headers) {
        List<MediaPacket> out = new java.util.ArrayList<>();
        int ts = 0;
        for (int i = 0; i < plan.size(); i++) {
            ts += plan.get(i).get2() < 300 ? plan.get(i).get2() % 60 : plan.get(i).get2() * 10;
            out.add(switch (plan.get(i).get1()) {
                case 0 -> TestStream.videoFrame(ts, bodies.get(i).length % 5 == 0);
                case 1 -> TestStream.audioFrame(ts);
                case 2 -> headers.get(i).withTimestamp(ts);
                default -> new MediaPacket(bodies.get(i).length % 2 == 0 ? MediaPacket.Kind.VIDEO : MediaPacket.Kind.AUDIO, ts, bodies.get(i));
            });
        }
        return out;
    }
}
