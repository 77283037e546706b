package io.livestream.launcher;

import io.livestream.common.bus.Addresses;
import io.livestream.interaction.InteractionVerticle;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A room member is told {@code unavailable} (4501) when what the room needs cannot be reached, not shutdown or bad-token. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoomUnavailableTest {
    private Platform platform;

    @BeforeEach
    void start() {
        platform = Platform.start();
    }

    @AfterEach
    void stop() {
        platform.close();
    }

    private String guest(String nick) {
        return platform.running().mint(new JsonObject().put("role", "viewer").put("nick", nick), "guest-" + nick, Duration.ofHours(1));
    }

    @Test
    void noInteractionServiceClosesTheRoomSocketUnavailable() throws Exception {
        Vertx vertx = platform.running().vertx();
        try (RoomClient before = RoomClient.join(platform.clientVertx(), platform.httpPort(), "gone", guest("ann"), 0)) {
            before.awaitHello(Duration.ofSeconds(10));
        }
        DeploymentContext interaction = ((VertxInternal) vertx).deploymentManager().deployments().stream()
                .filter(d -> d.deployment().instances().stream().anyMatch(InteractionVerticle.class::isInstance))
                .findFirst().orElseThrow();
        vertx.undeploy(interaction.id()).await();

        try (RoomClient member = RoomClient.join(platform.clientVertx(), platform.httpPort(), "gone", guest("ben"), 0)) {
            FlvViewer.Close close = member.awaitClose();
            assertThat(close.code()).isEqualTo((short) 4501);
            assertThat(close.reason()).isEqualTo("unavailable");
            assertThat(member.events()).as("told why first").anyMatch(e -> "unavailable".equals(e.getString("code")));
        }
    }

    @Test
    void aStreamRegistryThatCannotBeReadClosesTheRoomSocketUnavailableNotBadToken() throws Exception {
        // an entry the registry cannot read, as a map whose member is gone cannot be read
        platform.running().vertx().sharedData().getAsyncMap(Addresses.STREAM_REGISTRY).await().put("unreadable", "not a stream").await();
        try (RoomClient member = RoomClient.join(platform.clientVertx(), platform.httpPort(), "unreadable", guest("cat"), 0)) {
            FlvViewer.Close close = member.awaitClose();
            assertThat(close.code()).isEqualTo((short) 4501);
            assertThat(close.reason()).isEqualTo("unavailable");
        }
        try (RoomClient forged = RoomClient.join(platform.clientVertx(), platform.httpPort(), "readable", "not-a-token", 0)) {
            assertThat(forged.awaitClose().reason()).as("a bad token is still one").isEqualTo("bad-token");
        }
    }
}
