package io.livestream.gateway;

import io.livestream.common.registry.RelayRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's choice of a relay over a real (local) relay registry: rendezvous, spill-over, suspicion. */
@ExtendWith(VertxExtension.class)
class RelayDirectoryTest {
    private static final Duration LEASE = Duration.ofSeconds(30);

    /** Registers relays {@code ids} with {@code viewers} each (and what they carry), then opens a directory on them. */
    private static Future<RelayDirectory> directory(Vertx vertx, int maxViewers, AtomicLong clock, Map<String, JsonObject> relays) {
        return RelayRegistry.open(vertx).compose(registry -> {
            Future<Void> all = Future.succeededFuture();
            for (Map.Entry<String, JsonObject> r : relays.entrySet()) {
                all = all.compose(x -> registry.renew(r.getKey(), r.getValue(), LEASE));
            }
            return all.compose(x -> {
                RelayDirectory directory = new RelayDirectory(vertx, registry, maxViewers, 1000, clock::get);
                return directory.refresh().map(directory);
            });
        });
    }

    private static JsonObject relay(String id, int viewers, JsonObject byStream) {
        return new JsonObject().put("url", "http://127.0.0.1:1/" + id).put("totalViewers", viewers)
                .put("egressBps", 0L).put("viewers", byStream);
    }

    private static Map<String, JsonObject> idle(String... ids) {
        Map<String, JsonObject> relays = new HashMap<>();
        for (String id : ids) {
            relays.put(id, relay(id, 0, new JsonObject()));
        }
        return relays;
    }

    @Test
    void aStreamGoesToTheSameRelayEveryTimeAndStreamsSpreadOverTheRelays(Vertx vertx, VertxTestContext ctx) {
        directory(vertx, 100, new AtomicLong(), idle("relay-a", "relay-b", "relay-c")).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            String first = d.choose("match").orElseThrow().id();
            for (int i = 0; i < 10; i++) {
                assertThat(d.choose("match").orElseThrow().id()).isEqualTo(first);
            }
            Map<String, Integer> streamsPerRelay = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                streamsPerRelay.merge(d.choose("stream-" + i).orElseThrow().id(), 1, Integer::sum);
            }
            assertThat(streamsPerRelay).as("60 streams over 3 relays").hasSize(3);
            assertThat(streamsPerRelay.values()).allSatisfy(n -> assertThat(n).isBetween(8, 35));
            d.close(vertx);
            ctx.completeNow();
        })));
    }

    @Test
    void pastItsThresholdTheStreamsRelaySpillsOverToTheLeastLoadedBelowIt(Vertx vertx, VertxTestContext ctx) {
        String stream = "busy";
        List<String> ids = List.of("relay-a", "relay-b", "relay-c");
        String preferred = ids.stream().max((x, y) -> Long.compare(RelayDirectory.score(stream, x), RelayDirectory.score(stream, y))).orElseThrow();
        Map<String, JsonObject> relays = new HashMap<>();
        int load = 3;
        for (String id : ids) {
            relays.put(id, relay(id, id.equals(preferred) ? 10 : load--, new JsonObject()));
        }
        directory(vertx, 10, new AtomicLong(), relays).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            RelayDirectory.RelayLoad chosen = d.choose(stream).orElseThrow();
            assertThat(chosen.id()).isNotEqualTo(preferred);
            assertThat(chosen.viewers()).as("the least loaded of those below the threshold").isEqualTo(2);
            d.close(vertx);
            ctx.completeNow();
        })));
    }

    @Test
    void viewersPipedNowCountAgainstARelayBeforeTheRegistryKnowsThem(Vertx vertx, VertxTestContext ctx) {
        directory(vertx, 2, new AtomicLong(), idle("relay-a", "relay-b")).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            RelayDirectory.RelayLoad first = d.choose("burst").orElseThrow();
            d.piping(first);
            assertThat(d.choose("burst").orElseThrow().id()).isEqualTo(first.id());
            d.piping(first);
            RelayDirectory.RelayLoad third = d.choose("burst").orElseThrow();
            assertThat(third.id()).as("a burst of joins spills over at once").isNotEqualTo(first.id());
            assertThat(d.piping()).containsEntry(first.id(), 2);
            d.unpiped(first);
            assertThat(d.piping()).containsEntry(first.id(), 1);
            d.close(vertx);
            ctx.completeNow();
        })));
    }

    @Test
    void anUnreachableRelayIsLeftOutForTenSecondsThenChosenAgain(Vertx vertx, VertxTestContext ctx) {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        directory(vertx, 100, clock, idle("relay-a", "relay-b")).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            String preferred = d.choose("s").orElseThrow().id();
            d.suspect(preferred);
            assertThat(d.choose("s").orElseThrow().id()).isNotEqualTo(preferred);
            clock.addAndGet(9_000_000_000L);
            assertThat(d.choose("s").orElseThrow().id()).as("still suspect after 9 s").isNotEqualTo(preferred);
            clock.addAndGet(1_000_000_001L);
            assertThat(d.choose("s").orElseThrow().id()).isEqualTo(preferred);
            d.close(vertx);
            ctx.completeNow();
        })));
    }

    @Test
    void viewersOfAStreamAreSummedOverTheRelaysAndARelayWithoutAUrlIsNoChoice(Vertx vertx, VertxTestContext ctx) {
        Map<String, JsonObject> relays = new HashMap<>();
        relays.put("relay-a", relay("relay-a", 5, new JsonObject().put("match", 3).put("other", 2)));
        relays.put("in-process", new JsonObject().put("totalViewers", 4).put("viewers", new JsonObject().put("match", 4)));
        directory(vertx, 100, new AtomicLong(), relays).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            assertThat(d.viewersByStream()).containsEntry("match", 7).containsEntry("other", 2);
            assertThat(d.relays()).extracting(RelayDirectory.RelayLoad::id).containsExactly("relay-a");
            d.close(vertx);
            ctx.completeNow();
        })));
    }

    @Test
    void noRelayNoChoice(Vertx vertx, VertxTestContext ctx) {
        directory(vertx, 100, new AtomicLong(), Map.of()).onComplete(ctx.succeeding(d -> ctx.verify(() -> {
            assertThat(d.choose("any")).isEmpty();
            d.close(vertx);
            ctx.completeNow();
        })));
    }
}
