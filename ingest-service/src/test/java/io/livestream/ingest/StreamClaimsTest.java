package io.livestream.ingest;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two clustered Vert.x nodes (Hazelcast on 127.0.0.1) share the claims map, as two ingest nodes
 * do; and two claimants on one standalone Vert.x share its local map. Each test uses its own names.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamClaimsTest {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static Vertx nodeA;
    private static Vertx nodeB;
    private static StreamClaims a;
    private static StreamClaims b;
    private static Context onA;
    private static Context onB;

    @BeforeAll
    static void cluster() {
        String cluster = "claims-" + UUID.randomUUID().toString().substring(0, 8);
        int port = 7701 + (int) (Math.random() * 200) * 10;
        nodeA = clustered(cluster, port).await();
        nodeB = clustered(cluster, port).await();
        onA = nodeA.getOrCreateContext();
        onB = nodeB.getOrCreateContext();
        a = on(onA, () -> StreamClaims.open(nodeA, "ingest-a", LEASE));
        b = on(onB, () -> StreamClaims.open(nodeB, "ingest-b", LEASE));
    }

    @AfterAll
    static void stop() {
        if (nodeB != null) {
            nodeB.close().await();
        }
        if (nodeA != null) {
            nodeA.close().await();
        }
    }

    @Test
    void aNameClaimedOnOneNodeIsBusyOnTheOtherWhileItsPublisherSends() {
        assertThat(on(onA, () -> a.claim("busy", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onB, () -> b.claim("busy", 2))).isEqualTo(new StreamClaims.Busy("ingest-a"));
        assertThat(on(onA, () -> a.renew("busy", 1, false))).isTrue();
        assertThat(on(onB, () -> b.claim("busy", 3))).isEqualTo(new StreamClaims.Busy("ingest-a"));
    }

    @Test
    void aSilentHolderIsTakenOverFromTheOtherNodeAndLearnsItLostWhenItWakes() {
        assertThat(on(onA, () -> a.claim("silent", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.renew("silent", 1, true))).isTrue();
        assertThat(on(onB, () -> b.claim("silent", 2))).isEqualTo(new StreamClaims.Granted("ingest-a"));
        assertThat(on(onA, () -> a.renew("silent", 1, false))).as("the old holder, awake again").isFalse();
        assertThat(on(onB, () -> b.renew("silent", 2, false))).isTrue();
        assertThat(on(onA, () -> a.claim("silent", 4))).isEqualTo(new StreamClaims.Busy("ingest-b"));
    }

    @Test
    void aHolderThatWakesBeforeAnyoneCameKeepsItsName() {
        assertThat(on(onA, () -> a.claim("nap", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.renew("nap", 1, true))).isTrue();
        assertThat(on(onA, () -> a.renew("nap", 1, false))).isTrue();
        assertThat(on(onB, () -> b.claim("nap", 2))).isEqualTo(new StreamClaims.Busy("ingest-a"));
    }

    @Test
    void aRenewingHolderKeepsItsClaimLongPastTheLease() throws InterruptedException {
        assertThat(on(onA, () -> a.claim("long", 1))).isEqualTo(new StreamClaims.Granted(null));
        long end = System.nanoTime() + LEASE.multipliedBy(2).toNanos();
        while (System.nanoTime() < end) {
            assertThat(on(onA, () -> a.renew("long", 1, false))).isTrue();
            Thread.sleep(LEASE.toMillis() / 4); // the renewal period under test, not a synchronisation
        }
        assertThat(on(onB, () -> b.claim("long", 2))).isEqualTo(new StreamClaims.Busy("ingest-a"));
    }

    @Test
    void theClaimOfANodeThatStoppedRenewingExpiresAfterTheLease() throws InterruptedException {
        // guards the put after each swap: on Hazelcast, replaceIfPresent leaves the entry without a time-to-live
        assertThat(on(onA, () -> a.claim("gone", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.renew("gone", 1, false))).isTrue();
        long deadline = System.nanoTime() + LEASE.multipliedBy(3).toNanos();
        StreamClaims.Outcome outcome;
        do {
            Thread.sleep(100);
            outcome = on(onB, () -> b.claim("gone", 2));
        } while (outcome instanceof StreamClaims.Busy && System.nanoTime() < deadline);
        assertThat(outcome).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.renew("gone", 1, false))).isFalse();
    }

    @Test
    void theClaimOfANodeThatStoppedWhileItsPublisherWasSilentExpiresToo() throws InterruptedException {
        assertThat(on(onA, () -> a.claim("gone-silent", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.renew("gone-silent", 1, true))).isTrue();
        assertThat(on(onA, () -> a.renew("gone-silent", 1, true))).isTrue();
        Thread.sleep(LEASE.toMillis() + 500); // the lease under test
        assertThat(on(onB, () -> b.claim("gone-silent", 2))).as("a free name, not a take-over").isEqualTo(new StreamClaims.Granted(null));
    }

    @Test
    void aReleasedNameIsFreeOnTheOtherNodeAtOnce() {
        assertThat(on(onA, () -> a.claim("released", 1))).isEqualTo(new StreamClaims.Granted(null));
        on(onA, () -> a.release("released", 1));
        assertThat(on(onB, () -> b.claim("released", 2))).isEqualTo(new StreamClaims.Granted(null));
        on(onA, () -> a.release("released", 1)); // a stale release leaves the new holder alone
        assertThat(on(onA, () -> a.claim("released", 3))).isEqualTo(new StreamClaims.Busy("ingest-b"));
    }

    @Test
    void aLocalTakeOverMovesTheClaimToTheNewSession() {
        assertThat(on(onA, () -> a.claim("local", 1))).isEqualTo(new StreamClaims.Granted(null));
        assertThat(on(onA, () -> a.claim("local", 2))).isEqualTo(new StreamClaims.Granted("ingest-a"));
        assertThat(on(onA, () -> a.renew("local", 1, false))).isFalse();
        assertThat(on(onA, () -> a.renew("local", 2, false))).isTrue();
        assertThat(on(onB, () -> b.claim("local", 3))).isEqualTo(new StreamClaims.Busy("ingest-a"));
    }

    @Test
    void standaloneClaimantsShareTheLocalMapTheSameWay() {
        Vertx local = Vertx.vertx();
        try {
            Context ctx = local.getOrCreateContext();
            StreamClaims one = on(ctx, () -> StreamClaims.open(local, "one", LEASE));
            StreamClaims two = on(ctx, () -> StreamClaims.open(local, "two", LEASE));
            assertThat(on(ctx, () -> one.claim("s", 1))).isEqualTo(new StreamClaims.Granted(null));
            assertThat(on(ctx, () -> two.claim("s", 2))).isEqualTo(new StreamClaims.Busy("one"));
            assertThat(on(ctx, () -> one.renew("s", 1, true))).isTrue();
            assertThat(on(ctx, () -> two.claim("s", 2))).isEqualTo(new StreamClaims.Granted("one"));
            assertThat(on(ctx, () -> one.renew("s", 1, false))).isFalse();
        } finally {
            local.close().await();
        }
    }

    /** Runs {@code op} on {@code ctx} (claims are confined to one event loop) and waits for its result. */
    private static <T> T on(Context ctx, Supplier<Future<T>> op) {
        Promise<T> result = Promise.promise();
        ctx.runOnContext(v -> op.get().onComplete(result));
        try {
            return result.future().await(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer from the claims map within 20 s", e);
        }
    }

    private static Future<Vertx> clustered(String name, int port) {
        Config config = new Config();
        config.setClusterName(name);
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("live.*").setBackupCount(1).setInMemoryFormat(InMemoryFormat.BINARY));
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port).addMember("127.0.0.1:" + (port + 1));
        return Vertx.builder()
                .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setPort(0)))
                .withClusterManager(new HazelcastClusterManager(config))
                .buildClustered();
    }
}
