package io.livestream.ingest;

import io.livestream.common.bus.Addresses;
import io.livestream.common.registry.RelayRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StreamHealths} over a real event bus, on a hand-driven clock: the responders, the figures from relays and rooms, forgetting. */
@ExtendWith(VertxExtension.class)
class StreamHealthsTest {
    private static final long KEEP_MS = 60_000;
    private final AtomicLong now = new AtomicLong(5_000_000);
    private RelayRegistry relays;
    private StreamHealths healths;
    /** The event loop the healths live on: every test step runs there, as the ingest's would. */
    private Context context;

    @BeforeEach
    void open(Vertx vertx, VertxTestContext ctx) {
        vertx.runOnContext(v -> RelayRegistry.open(vertx).onComplete(ctx.succeeding(opened -> {
            relays = opened;
            context = Vertx.currentContext();
            healths = new StreamHealths(vertx, relays, now::get, KEEP_MS, Long.MAX_VALUE / 2); // ticks by hand only
            ctx.completeNow();
        })));
    }

    private static Future<JsonObject> ask(Vertx vertx, String stream) {
        return vertx.eventBus().<JsonObject>request(Addresses.health(stream), null).map(m -> m.body());
    }

    @Test
    void anEndedStreamStillAnswersStoppedUntilKeptLongEnough(Vertx vertx, VertxTestContext ctx) {
        context.runOnContext(v -> {
            healths.started("s");
            ask(vertx, "s").compose(live -> {
                ctx.verify(() -> assertThat(live.getBoolean("live")).isTrue());
                healths.ended("s");
                return ask(vertx, "s");
            }).compose(ended -> {
                ctx.verify(() -> {
                    assertThat(ended.getBoolean("live")).isFalse();
                    assertThat(ended.getBoolean("stopped")).isTrue();
                    assertThat(ended.getLong("stoppedAt")).isEqualTo(now.get());
                });
                now.addAndGet(KEEP_MS);
                healths.tick();
                return ask(vertx, "s");
            }).onComplete(ctx.failing(gone -> ctx.verify(() -> {
                assertThat(gone).isInstanceOf(ReplyException.class);
                assertThat(((ReplyException) gone).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
                ctx.completeNow();
            })));
        });
    }

    @Test
    void anEndedStreamThatGoesOnlineOnAnotherNodeIsForgotten(Vertx vertx, VertxTestContext ctx) {
        context.runOnContext(v -> {
            healths.started("moved");
            healths.started("here");
            healths.ended("moved");
            vertx.eventBus().publish(Addresses.STREAM_EVENTS, new JsonObject().put("stream", "moved").put("online", true));
            vertx.eventBus().publish(Addresses.STREAM_EVENTS, new JsonObject().put("stream", "here").put("online", true));
            // delivered to the healths' consumer on this event loop before this next task runs
            context.runOnContext(later -> ctx.verify(() -> {
                assertThat(healths.all()).containsOnlyKeys("here");
                ctx.completeNow();
            }));
        });
    }

    @Test
    void samplesCarryViewersFromTheRelaysAndTheRoomsMessageRate(Vertx vertx, VertxTestContext ctx) {
        AtomicLong messages = new AtomicLong();
        vertx.eventBus().<JsonObject>consumer(Addresses.ROOM_STATS, m -> m.reply(new JsonObject().put("rooms",
                new JsonObject().put("s", new JsonObject().put("messages", messages.get())))));
        context.runOnContext(v -> relays.renew("relay-1", new JsonObject().put("viewers", new JsonObject().put("s", 7)), Duration.ofSeconds(10))
                .onComplete(ctx.succeeding(renewed -> {
                    StreamHealth health = healths.started("s");
                    messages.set(5);
                    now.addAndGet(1000);
                    healths.tick() // a sample without figures; asks for them
                            .compose(first -> {
                                messages.set(8);
                                now.addAndGet(1000);
                                return healths.tick(); // viewers 7; the first count: no rate yet
                            })
                            .compose(second -> {
                                now.addAndGet(1000);
                                return healths.tick(); // 8 - 5 messages over the last second
                            })
                            .onComplete(ctx.succeeding(third -> ctx.verify(() -> {
                                assertThat(health.samples()).hasSize(3);
                                assertThat(health.samples().get(0).viewers()).isNull();
                                assertThat(health.samples().get(1).viewers()).isEqualTo(7);
                                assertThat(health.samples().get(2).messagesPerSecond()).isEqualTo(3.0);
                                ctx.completeNow();
                            })));
                })));
    }
}
