package io.livestream.common;

import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.PlayAdmission;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one admission check of private streams (gateway play route, room sockets, relay), and its one
 * mapping of failures to HTTP statuses and close reasons. The registry is a fake: a map of which
 * streams are private, and a stream whose privacy cannot be read.
 */
@ExtendWith(VertxExtension.class)
class PlayAdmissionTest {
    private static final String SECRET = "0123456789-0123456789-0123456789-secret";

    private Tokens tokens;
    private Tokens otherKey;
    private PlayAdmission admission;

    @BeforeEach
    void setUp(Vertx vertx) {
        tokens = new Tokens(vertx, SECRET);
        otherKey = new Tokens(vertx, SECRET + "-other");
        Map<String, Boolean> privacy = Map.of("open", false, "closed", true);
        admission = new PlayAdmission(stream -> stream.equals("down")
                ? Future.failedFuture(new IllegalStateException("partition owner unreachable"))
                : Future.succeededFuture(privacy.getOrDefault(stream, false)), tokens);
    }

    @Test
    void aPublicStreamAdmitsAnyoneWithoutLookingAtTheToken(VertxTestContext test) {
        Checkpoint both = test.checkpoint(2);
        admission.admit("open", null).onComplete(test.succeeding(claims -> test.verify(() -> {
            assertThat(claims).isEmpty();
            both.flag();
        })));
        admission.admit("open", "not-a-token").onComplete(test.succeeding(claims -> test.verify(() -> {
            assertThat(claims).as("a public stream's viewer is not checked").isEmpty();
            both.flag();
        })));
    }

    @Test
    void aPrivateStreamAdmitsAPlayTokenForItWithItsClaims(VertxTestContext test) {
        String token = tokens.mint("viewer", "closed", "ann", Duration.ofMinutes(5));
        admission.admit("closed", token).onComplete(test.succeeding(claims -> test.verify(() -> {
            assertThat(claims).isPresent();
            assertThat(claims.get().getString("sub")).isEqualTo("ann");
            test.completeNow();
        })));
    }

    @Test
    void aPrivateStreamRefusesNoTokenABadOneAndAnotherStreamsEach401Or403ClosedBadToken(VertxTestContext test) {
        Checkpoint three = test.checkpoint(3);
        admission.admit("closed", null).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e)).extracting(PlayAdmission.Refusal::status, PlayAdmission.Refusal::close)
                    .containsExactly(401, CloseReason.BAD_TOKEN);
            three.flag();
        })));
        admission.admit("closed", otherKey.mint("viewer", "closed", "x", Duration.ofMinutes(5)))
                .onComplete(test.failing(e -> test.verify(() -> {
                    assertThat(PlayAdmission.Refusal.of(e).status()).as("another key's token").isEqualTo(401);
                    three.flag();
                })));
        admission.admit("closed", tokens.mint("viewer", "open", "bob", Duration.ofMinutes(5))).onComplete(test.failing(e -> test.verify(() -> {
            PlayAdmission.Refusal refusal = PlayAdmission.Refusal.of(e);
            assertThat(refusal.status()).isEqualTo(403);
            assertThat(refusal.error()).isEqualTo("not-allowed");
            assertThat(refusal.close()).isEqualTo(CloseReason.BAD_TOKEN);
            three.flag();
        })));
    }

    @Test
    void aRegistryThatCannotBeReadIs503AndUnavailableNotABadToken(VertxTestContext test) {
        admission.admit("down", tokens.mint("admin", null, "root", Duration.ofMinutes(5))).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(e).isInstanceOf(PlayAccess.Refused.class).hasMessageContaining("partition owner unreachable");
            PlayAdmission.Refusal refusal = PlayAdmission.Refusal.of(e);
            assertThat(refusal.status()).isEqualTo(503);
            assertThat(refusal.close()).isEqualTo(CloseReason.UNAVAILABLE);
            assertThat(refusal.error()).isEqualTo("unavailable");
            test.completeNow();
        })));
    }

    @Test
    void eachFailureMapsToOneStatusAndOneCloseReason() {
        assertThat(PlayAdmission.Refusal.of(new Tokens.TokenRejectedException("expired")))
                .extracting(PlayAdmission.Refusal::status, PlayAdmission.Refusal::close, PlayAdmission.Refusal::error)
                .containsExactly(401, CloseReason.BAD_TOKEN, "bad-token");
        assertThat(PlayAdmission.Refusal.of(new RuntimeException("timeout")))
                .extracting(PlayAdmission.Refusal::status, PlayAdmission.Refusal::close)
                .containsExactly(503, CloseReason.UNAVAILABLE);
        assertThat(PlayAdmission.Refusal.tooManyConnections("5 held"))
                .extracting(PlayAdmission.Refusal::status, PlayAdmission.Refusal::close, PlayAdmission.Refusal::error)
                .containsExactly(429, CloseReason.TOO_MANY_CONNECTIONS, "too-many-connections");
    }

    @Test
    void aCallerThatKnowsThePrivacyChecksTheTokenAlone(VertxTestContext test) {
        Checkpoint two = test.checkpoint(2);
        admission.authorize("down", false, null).onComplete(test.succeeding(claims -> test.verify(() -> {
            assertThat(claims).as("no registry read").isEmpty();
            two.flag();
        })));
        admission.authorize("down", true, null).onComplete(test.failing(e -> test.verify(() -> {
            assertThat(PlayAdmission.Refusal.of(e).status()).isEqualTo(401);
            two.flag();
        })));
    }
}
