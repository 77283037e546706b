package io.livestream.ingest;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaEvent;
import io.livestream.common.registry.StreamRegistry;
import io.livestream.media.rtmp.RtmpClientProtocol;
import io.livestream.media.rtmp.RtmpLimits;
import io.livestream.media.rtmp.RtmpMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One RTMP connection's states against the real ingest server on a socket: handshake, connect,
 * publish refused (bad token, bad name, busy stream) or accepted, republish, and the timeouts
 * that close a connection that stalls in any of them. Each test awaits the server's answers; the
 * idle timeout reads a clock the test moves, so a slow machine never makes a connection idle.
 */
@ExtendWith(VertxExtension.class)
class RtmpConnectionTest {
    private static final String SECRET = "rtmp-connection-test-secret-of-32-bytes!";
    private static final Duration SHORT = Duration.ofMillis(300);
    /** The idle timeout is checked every 100 ms of real time, against the test's clock. */
    private static final IngestConfig CONFIG = new IngestConfig("127.0.0.1", 0, RtmpLimits.defaults(), Duration.ofSeconds(10),
            SHORT, SHORT, Duration.ofSeconds(2), 3000, 32L * 1024 * 1024, 20);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The connections' idle clock (nanoseconds): still unless a test moves it. */
    private final AtomicLong clock = new AtomicLong();

    /** Starts an ingest node with {@code config} and answers its RTMP port. */
    private Future<Integer> ingest(Vertx vertx, IngestConfig config) {
        IngestVerticle verticle = new IngestVerticle(config, JwtKeys.ofSecret(SECRET), "node-a", meters, List.of(), clock::get);
        return vertx.deployVerticle(verticle).map(id -> verticle.actualPort());
    }

    private static String key(Vertx vertx, String stream) {
        return stream + "?token=" + new Tokens(vertx, SECRET).mint(Tokens.ROLE_PUBLISH, stream, "test", Duration.ofMinutes(5));
    }

    /** Moves the idle clock past the idle timeout. */
    private void idleTimePasses() {
        clock.addAndGet(SHORT.toNanos() + 1);
    }

    private double closed(String reason) {
        return meters.counter("live.rtmp.closed", "reason", reason).count();
    }

    @Test
    void connectIsAnsweredWithWindowBandwidthAndChunkSizeBeforeItsResult(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port)).compose(client -> client.connectApp("live/")
                .compose(result -> Future.all(client.await(m -> m instanceof RtmpMessage.WindowAckSize),
                        client.await(m -> m instanceof RtmpMessage.SetPeerBandwidth), client.await(m -> m instanceof RtmpMessage.SetChunkSize))
                        .map(settings -> {
                            assertThat(RtmpClientProtocol.statusCode(result)).isEqualTo("NetConnection.Connect.Success");
                            assertThat((RtmpMessage) settings.resultAt(0)).isEqualTo(new RtmpMessage.WindowAckSize(5_000_000));
                            assertThat((RtmpMessage) settings.resultAt(2)).isEqualTo(new RtmpMessage.SetChunkSize(4096));
                            return result;
                        })))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    void anUnknownApplicationIsRejectedAndTheConnectionClosed(Vertx vertx, VertxTestContext ctx) {
        Checkpoint rejected = ctx.checkpoint();
        Checkpoint closedByServer = ctx.checkpoint();
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port)).onComplete(ctx.succeeding(client -> {
            client.connectApp("vod").onComplete(ctx.failing(e -> ctx.verify(() -> {
                assertThat(e).hasMessageContaining("NetConnection.Connect.Rejected");
                rejected.flag();
            })));
            client.closed().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                assertThat(closed("protocol-violation")).isEqualTo(1);
                closedByServer.flag();
            })));
        }));
    }

    @Test
    void publishWithoutATokenIsRefusedUnauthorizedAndClosed(Vertx vertx, VertxTestContext ctx) {
        assertRefused(vertx, ctx, "notoken", "NetStream.Publish.Unauthorized", "bad-token");
    }

    @Test
    void publishWithATokenForAnotherStreamIsRefusedUnauthorized(Vertx vertx, VertxTestContext ctx) {
        assertRefused(vertx, ctx, "mine?token=" + new Tokens(vertx, SECRET).mint(Tokens.ROLE_PUBLISH, "theirs", "t", Duration.ofMinutes(1)),
                "NetStream.Publish.Unauthorized", "bad-token");
    }

    @Test
    void anInvalidStreamNameIsRefusedAsBadStreamName(Vertx vertx, VertxTestContext ctx) {
        assertRefused(vertx, ctx, "no spaces/or slashes", "NetStream.Publish.BadName", "bad-stream-name");
    }

    private void assertRefused(Vertx vertx, VertxTestContext ctx, String key, String code, String reason) {
        Checkpoint refused = ctx.checkpoint();
        Checkpoint closedByServer = ctx.checkpoint();
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port)).onComplete(ctx.succeeding(client -> {
            client.publish(key).onComplete(ctx.succeeding(status -> ctx.verify(() -> {
                assertThat(status).isEqualTo(code);
                refused.flag();
            })));
            client.closed().onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                assertThat(closed(reason)).isEqualTo(1);
                assertThat(meters.get("live.publishers").gauge().value()).isZero();
                closedByServer.flag();
            })));
        }));
    }

    @Test
    void anAuthorisedPublishGoesLiveAndItsFramesReachTheStream(Vertx vertx, VertxTestContext ctx) {
        Checkpoint started = ctx.checkpoint();
        Checkpoint frameOnTheBus = ctx.checkpoint();
        vertx.eventBus().<MediaEvent>consumer(Addresses.media("show"), m -> {
            if (m.body() instanceof MediaEvent.Packet p && p.packet().timestamp() == 40) {
                frameOnTheBus.flag();
            }
        });
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port)).onComplete(ctx.succeeding(client ->
                client.publish(key(vertx, "show")).onComplete(ctx.succeeding(status -> ctx.verify(() -> {
                    assertThat(status).isEqualTo(RtmpClientProtocol.PUBLISH_START);
                    assertThat(meters.get("live.publishers").gauge().value()).isEqualTo(1);
                    client.sendFrame(40);
                    started.flag();
                })))));
    }

    @Test
    void aSecondPublisherWhileTheFirstSendsIsRefusedStreamBusy(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG).onComplete(ctx.succeeding(port -> RtmpTestClient.connect(vertx, port).onComplete(ctx.succeeding(owner ->
                owner.publish(key(vertx, "taken")).onComplete(ctx.succeeding(first -> {
                    long feeding = vertx.setPeriodic(SHORT.toMillis() / 5, id -> owner.sendFrame(id));
                    RtmpTestClient.connect(vertx, port).compose(intruder -> intruder.publish(key(vertx, "taken"))
                                    .compose(second -> intruder.closed().map(second)))
                            .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
                                vertx.cancelTimer(feeding);
                                assertThat(first).isEqualTo(RtmpClientProtocol.PUBLISH_START);
                                assertThat(second).isEqualTo("NetStream.Publish.BadName");
                                assertThat(closed("stream-busy")).isEqualTo(1);
                                assertThat(owner.closed().isComplete()).as("the owner carries on").isFalse();
                                owner.close().onComplete(ctx.succeedingThenComplete());
                            })));
                }))))));
    }

    @Test
    void aPublisherThatDroppedIsAcceptedAgain(Vertx vertx, VertxTestContext ctx) {
        Checkpoint ended = ctx.checkpoint();
        Checkpoint republished = ctx.checkpoint();
        vertx.eventBus().<MediaEvent>consumer(Addresses.media("comeback"), m -> {
            if (m.body() instanceof MediaEvent.Ended e) {
                ctx.verify(() -> assertThat(e.reason()).isEqualTo("publisher-disconnected"));
                ended.flag();
            }
        });
        ingest(vertx, CONFIG).onComplete(ctx.succeeding(port -> RtmpTestClient.connect(vertx, port)
                .compose(first -> first.publish(key(vertx, "comeback")).compose(started -> first.close()))
                .compose(dropped -> RtmpTestClient.connect(vertx, port))
                .compose(second -> second.publish(key(vertx, "comeback")))
                .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
                    assertThat(status).isEqualTo(RtmpClientProtocol.PUBLISH_START);
                    republished.flag();
                })))));
    }

    @Test
    void aPublisherThatUnpublishesCanPublishAgainOnTheSameConnection(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port)).compose(client -> client.publish(key(vertx, "again"))
                        .compose(first -> client.unpublish("again"))
                        .compose(unpublished -> client.republish(key(vertx, "again")).map(again -> List.of(unpublished, again))))
                .onComplete(ctx.succeeding(codes -> ctx.verify(() -> {
                    assertThat(codes).containsExactly("NetStream.Unpublish.Success", RtmpClientProtocol.PUBLISH_START);
                    ctx.completeNow();
                })));
    }

    @Test
    void aConnectionThatNeverPublishesIsClosedAsIdle(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port))
                .compose(client -> client.connectApp("live").compose(connected -> {
                    idleTimePasses();
                    return client.closed();
                }))
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertThat(closed("idle-timeout")).isEqualTo(1);
                    ctx.completeNow();
                })));
    }

    @Test
    void rtmpConnectionThatNeverPublishesIsClosedIdleEvenWhileItTalks(Vertx vertx, VertxTestContext ctx) {
        long twoThirds = SHORT.toNanos() * 2 / 3;
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port))
                .compose(lingering -> lingering.connectApp("live")
                        .compose(connected -> {
                            clock.addAndGet(twoThirds);
                            return lingering.ping(); // never silent: the server reads it within the timeout
                        })
                        .compose(talked -> {
                            clock.addAndGet(twoThirds); // past the timeout since connect, not since the last ping
                            lingering.ping();
                            return lingering.closed();
                        }))
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertThat(closed("idle-timeout")).isEqualTo(1);
                    ctx.completeNow();
                })));
    }

    @Test
    void publisherOverMaxPublishersIsRefusedWithAnOnStatusError(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG.withMaxPublishers(1)).compose(port -> RtmpTestClient.connect(vertx, port)
                        .compose(first -> first.publish(key(vertx, "first")))
                        .compose(first -> RtmpTestClient.connect(vertx, port).compose(second -> second.publish(key(vertx, "second"))
                                .compose(refused -> second.closed().map(List.of(first, refused))))))
                .compose(codes -> StreamRegistry.open(vertx).compose(registry -> Future.all(registry.get("first"), registry.get("second")))
                        .map(listed -> {
                            assertThat(codes).containsExactly(RtmpClientProtocol.PUBLISH_START, "NetStream.Publish.Rejected");
                            assertThat(meters.counter("live.limit.refusals", "limit", "publishers").count()).isEqualTo(1);
                            assertThat(closed("too-many-publishers")).isEqualTo(1);
                            assertThat(listed.<java.util.Optional<?>>resultAt(0)).isPresent();
                            assertThat(listed.<java.util.Optional<?>>resultAt(1)).isEmpty();
                            return listed;
                        }))
                .onComplete(ctx.succeedingThenComplete());
    }

    @Test
    void aPublisherThatFallsSilentIsClosedAsIdleAndItsStreamEnds(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG).compose(port -> RtmpTestClient.connect(vertx, port))
                .compose(client -> client.publish(key(vertx, "silent")).compose(started -> {
                    idleTimePasses();
                    return client.closed().map(started);
                }))
                .onComplete(ctx.succeeding(started -> ctx.verify(() -> {
                    assertThat(started).isEqualTo(RtmpClientProtocol.PUBLISH_START);
                    assertThat(closed("idle-timeout")).isEqualTo(1);
                    assertThat(meters.get("live.publishers").gauge().value()).isZero();
                    ctx.completeNow();
                })));
    }

    @Test
    void aPeerThatNeverCompletesTheHandshakeIsClosed(Vertx vertx, VertxTestContext ctx) {
        ingest(vertx, CONFIG.withTimeouts(SHORT, SHORT)).compose(port -> RtmpTestClient.open(vertx, port))
                .compose(RtmpTestClient::closed)
                .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
                    assertThat(closed("handshake-timeout")).isEqualTo(1);
                    ctx.completeNow();
                })));
    }
}
