package io.livestream.ingest;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may publish what, and which streams are private, without a socket. */
@ExtendWith(VertxExtension.class)
class PublishAuthorizerTest {
    private static final String SECRET = "publish-authorizer-test-secret-32-bytes";

    private static String token(Tokens tokens, JsonObject claims) {
        return tokens.mint(claims, "streamer", Duration.ofMinutes(5));
    }

    private static JsonObject publish(String stream) {
        return new JsonObject().put("role", Tokens.ROLE_PUBLISH).put("stream", stream);
    }

    @Test
    void aPublishTokenForTheStreamIsGrantedAsPublic(Vertx vertx, VertxTestContext ctx) {
        Tokens tokens = new Tokens(vertx, SECRET);
        new PublishAuthorizer(tokens).authorize(new PublishQuery.Publish("show", token(tokens, publish("show")), false))
                .onComplete(ctx.succeeding(grant -> ctx.verify(() -> {
                    assertThat(grant).isEqualTo(new PublishAuthorizer.Grant("show", "streamer", false));
                    ctx.completeNow();
                })));
    }

    @Test
    void theTokensPrivateClaimOrTheStreamersQueryMakesItPrivate(Vertx vertx, VertxTestContext ctx) {
        Tokens tokens = new Tokens(vertx, SECRET);
        PublishAuthorizer authorizer = new PublishAuthorizer(tokens);
        String privateByClaim = token(tokens, publish("show").put("private", true));
        String plain = token(tokens, publish("show"));
        authorizer.authorize(new PublishQuery.Publish("show", privateByClaim, false))
                .compose(byClaim -> authorizer.authorize(new PublishQuery.Publish("show", plain, true))
                        .map(byQuery -> byClaim.privateStream() && byQuery.privateStream()))
                .onComplete(ctx.succeeding(bothPrivate -> ctx.verify(() -> {
                    assertThat(bothPrivate).isTrue();
                    ctx.completeNow();
                })));
    }

    @Test
    void aMissingTokenIsUnauthorized(Vertx vertx, VertxTestContext ctx) {
        assertRefused(vertx, ctx, new PublishQuery.Publish("show", null, false), "NetStream.Publish.Unauthorized", CloseReason.BAD_TOKEN);
    }

    @Test
    void aTokenForAnotherStreamIsUnauthorized(Vertx vertx, VertxTestContext ctx) {
        Tokens tokens = new Tokens(vertx, SECRET);
        assertRefused(vertx, ctx, new PublishQuery.Publish("show", token(tokens, publish("other")), false),
                "NetStream.Publish.Unauthorized", CloseReason.BAD_TOKEN);
    }

    @Test
    void aViewersTokenCannotPublish(Vertx vertx, VertxTestContext ctx) {
        Tokens tokens = new Tokens(vertx, SECRET);
        assertRefused(vertx, ctx, new PublishQuery.Publish("show", token(tokens, new JsonObject().put("role", "viewer").put("stream", "show")), false),
                "NetStream.Publish.Unauthorized", CloseReason.BAD_TOKEN);
    }

    @Test
    void anInvalidNameIsRefusedBeforeTheTokenIsRead(Vertx vertx, VertxTestContext ctx) {
        assertRefused(vertx, ctx, new PublishQuery.Publish("a/b", "not even a token", false), "NetStream.Publish.BadName",
                CloseReason.BAD_STREAM_NAME);
    }

    private static void assertRefused(Vertx vertx, VertxTestContext ctx, PublishQuery.Publish request, String code, CloseReason reason) {
        new PublishAuthorizer(new Tokens(vertx, SECRET)).authorize(request).onComplete(ctx.failing(e -> ctx.verify(() -> {
            assertThat(e).isInstanceOfSatisfying(PublishRefusal.class, refusal -> {
                assertThat(refusal.code).isEqualTo(code);
                assertThat(refusal.reason).isEqualTo(reason);
            });
            ctx.completeNow();
        })));
    }
}
