package io.livestream.ingest;

import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.registry.StreamInfo;
import io.livestream.common.registry.StreamRegistry;
import io.livestream.media.MediaPacket;
import io.livestream.media.rtmp.RtmpLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ingest nodes' {@link LiveStreams} sharing one claims map (two claimants on a standalone
 * Vert.x: the local map behaves as the cluster's): one publisher per name, and the take-over of
 * a silent one from the other node. A short {@code staleAfter} keeps the waits short.
 */
@ExtendWith(VertxExtension.class)
class LiveStreamsTest {
    private static final Duration STALE = Duration.ofMillis(300);
    private static final IngestConfig CONFIG = new IngestConfig("127.0.0.1", 0, RtmpLimits.defaults(), Duration.ofSeconds(10),
            Duration.ofSeconds(30), STALE, Duration.ofSeconds(2), 3000, 32L * 1024 * 1024, 20);
    private static final MediaPacket FRAME = MediaPacket.video(0, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41});

    private final SimpleMeterRegistry metersA = new SimpleMeterRegistry();
    private LiveStreams nodeA;
    private LiveStreams nodeB;
    private StreamRegistry registry;

    /** Records what the streams asked of it. */
    private static final class FakePublisher implements Publisher {
        final List<String> evictions = new ArrayList<>();
        private final String name;

        FakePublisher(String name) {
            this.name = name;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public String address() {
            return "192.0.2.1";
        }

        @Override
        public void evict(String reason) {
            evictions.add(reason);
        }
    }

    @BeforeEach
    void nodes(Vertx vertx, VertxTestContext ctx) {
        MediaCodecs.register(vertx.eventBus());
        vertx.runOnContext(v -> Future.all(StreamRegistry.open(vertx), StreamClaims.open(vertx, "a", CONFIG.lease()),
                StreamClaims.open(vertx, "b", CONFIG.lease())).onComplete(ctx.succeeding(opened -> {
            registry = opened.resultAt(0);
            nodeA = new LiveStreams(vertx, registry, opened.resultAt(1), CONFIG, "a", metersA);
            nodeB = new LiveStreams(vertx, opened.resultAt(0), opened.resultAt(2), CONFIG, "b", new SimpleMeterRegistry());
            ctx.completeNow();
        })));
    }

    @Test
    void aSecondPublisherOnTheOtherNodeIsRefusedWhileTheFirstSends(Vertx vertx, VertxTestContext ctx) {
        vertx.runOnContext(v -> nodeA.start("busy", new FakePublisher("first")).onComplete(ctx.succeeding(first -> {
            long feeding = vertx.setPeriodic(STALE.toMillis() / 5, id -> first.push(FRAME));
            nodeB.start("busy", new FakePublisher("second")).onComplete(ctx.failing(refused -> ctx.verify(() -> {
                vertx.cancelTimer(feeding);
                assertThat(refused).isInstanceOf(LiveStreams.StreamBusyException.class);
                assertThat(nodeA.session("busy")).isSameAs(first);
                assertThat(nodeB.session("busy")).isNull();
                ctx.completeNow();
            })));
        })));
    }

    @Test
    void aSilentPublisherIsTakenOverFromTheOtherNodeAndItsNodeLetsItGo(Vertx vertx, VertxTestContext ctx) {
        FakePublisher first = new FakePublisher("first");
        List<Long> epochsAfterTakeOver = new ArrayList<>();
        vertx.runOnContext(v -> nodeA.start("quiet", first).onComplete(ctx.succeeding(old -> {
            old.push(FRAME); // then silence
            nodeB.start("quiet", new FakePublisher("second")).onComplete(ctx.succeeding(taken -> {
                vertx.eventBus().<MediaEvent>consumer(Addresses.media("quiet"), m -> {
                    if (m.body() instanceof MediaEvent.Packet p) {
                        epochsAfterTakeOver.add(p.epoch());
                    }
                }).completion().onComplete(ctx.succeeding(registered -> {
                    old.push(FRAME); // the old publisher wakes: its packet must not reach the stream
                    taken.push(FRAME);
                    vertx.setTimer(STALE.toMillis() * 2, id -> ctx.verify(() -> {
                        assertThat(first.evictions).containsExactly("another publisher took the stream over");
                        assertThat(nodeA.session("quiet")).isNull();
                        assertThat(nodeB.session("quiet")).isSameAs(taken);
                        assertThat(epochsAfterTakeOver).isNotEmpty().allMatch(e -> e == taken.epoch());
                        ctx.completeNow();
                    }));
                }));
            }));
        })));
    }

    /**
     * The old node's registry renewal may fire between the take-over and the moment its claim
     * renewal finds the stream lost: the stream must stay listed, as the new publisher's, all
     * along (a relay closes the viewers of a stream it finds unlisted).
     */
    @Test
    void aTakenOverStreamStaysListedAsTheNewPublishersWhileTheOldNodeLetsGo(Vertx vertx, VertxTestContext ctx) {
        FakePublisher first = new FakePublisher("first");
        List<Long> listed = new ArrayList<>(); // the epoch listed at each look, -1 when unlisted
        vertx.runOnContext(v -> nodeA.start("listed", first).onComplete(ctx.succeeding(old -> {
            old.push(FRAME); // then silence
            nodeB.start("listed", new FakePublisher("second")).onComplete(ctx.succeeding(taken -> {
                nodeA.renewLeases(); // the old node's lease timer fires before it learns it lost the stream
                long looking = vertx.setPeriodic(5, id -> registry.get("listed")
                        .onSuccess(info -> listed.add(info.map(StreamInfo::epoch).orElse(-1L))));
                vertx.setPeriodic(10, id -> {
                    if (!first.evictions.isEmpty()) {
                        vertx.cancelTimer(id);
                        // the old node's clean-up runs after the eviction: keep looking a while
                        vertx.setTimer(STALE.toMillis(), t -> ctx.verify(() -> {
                            vertx.cancelTimer(looking);
                            assertThat(nodeA.session("listed")).isNull();
                            assertThat(listed).isNotEmpty().allMatch(epoch -> epoch == taken.epoch());
                            ctx.completeNow();
                        }));
                    }
                });
            }));
        })));
    }

    @Test
    void onOneNodeASilentPublisherIsReplacedAtOnceAndTheClaimMoves(Vertx vertx, VertxTestContext ctx) {
        FakePublisher first = new FakePublisher("first");
        vertx.runOnContext(v -> nodeA.start("local", first).onComplete(ctx.succeeding(old ->
                vertx.setTimer(STALE.toMillis() + 50, id -> nodeA.start("local", new FakePublisher("again"))
                        .onComplete(ctx.succeeding(again -> {
                            long feeding = vertx.setPeriodic(STALE.toMillis() / 5, t -> again.push(FRAME));
                            nodeB.start("local", new FakePublisher("other")).onComplete(ctx.failing(refused -> ctx.verify(() -> {
                                vertx.cancelTimer(feeding);
                                assertThat(first.evictions).containsExactly("replaced by a new publisher");
                                assertThat(nodeA.session("local")).isSameAs(again);
                                assertThat(refused).isInstanceOf(LiveStreams.StreamBusyException.class);
                                ctx.completeNow();
                            })));
                        }))))));
    }

    @Test
    void aNodeShuttingDownFreesItsNamesForTheOtherNodeAtOnce(Vertx vertx, VertxTestContext ctx) {
        vertx.runOnContext(v -> nodeA.start("moving", new FakePublisher("first")).onComplete(ctx.succeeding(first -> {
            first.push(FRAME);
            nodeA.close().onComplete(ctx.succeeding(closed -> {
                long asked = System.nanoTime();
                nodeB.start("moving", new FakePublisher("reconnected")).onComplete(ctx.succeeding(moved -> ctx.verify(() -> {
                    assertThat((System.nanoTime() - asked) / 1_000_000).as("ms, no wait for a busy name").isLessThan(STALE.toMillis());
                    assertThat(nodeB.session("moving")).isSameAs(moved);
                    ctx.completeNow();
                })));
            }));
        })));
    }

    @Test
    void bytesAndVideoFramesAreCountedPerStreamForTheDashboardsBitrateAndFrameRate(Vertx vertx, VertxTestContext ctx) {
        vertx.runOnContext(v -> nodeA.start("counted", new FakePublisher("first")).onComplete(ctx.succeeding(session -> ctx.verify(() -> {
            for (int i = 0; i < 3; i++) {
                session.push(FRAME);
            }
            assertThat(metersA.get("live.ingest.video.frames").tag("stream", "counted").counter().count()).isEqualTo(3);
            assertThat(metersA.get("live.ingest.bytes").tag("stream", "counted").counter().count()).isEqualTo(3.0 * FRAME.size());
            ctx.completeNow();
        }))));
    }
}
