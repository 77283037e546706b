package io.livestream.common.auth;

import io.livestream.common.CloseReason;
import io.livestream.common.registry.StreamRegistry;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * The one check a viewer of a stream, or a member of its room, passes wherever it arrives (a
 * gateway's play route and room sockets, a relay's own server): a private stream takes a play
 * token for it ({@link PlayAccess#authorize}), a public one nothing. Every failure maps one way
 * ({@link Refusal#of}) to an HTTP status and a WebSocket close reason.
 */
public final class PlayAdmission {

    /** Whether a stream is private; fails when that cannot be known now (the registry cannot be read). */
    @FunctionalInterface
    public interface Privacy {
        Future<Boolean> isPrivate(String stream);
    }

    private final Privacy privacy;
    private final Tokens tokens;

    public PlayAdmission(Privacy privacy, Tokens tokens) {
        this.privacy = privacy;
        this.tokens = tokens;
    }

    /** Privacy from the stream registry: a stream not live is not private (whoever serves it answers that). */
    public static PlayAdmission fromRegistry(StreamRegistry streams, Tokens tokens) {
        return new PlayAdmission(stream -> streams.get(stream).map(info -> info.isPresent() && info.get().privateStream()), tokens);
    }

    /**
     * Succeeds when {@code token} may play {@code stream}: with the token's claims for a private
     * stream, empty for a public one. Fails with {@link PlayAccess.Refused}: 401 or 403 for the
     * token, 503 when the registry cannot be read.
     */
    public Future<Optional<JsonObject>> admit(String stream, String token) {
        return privacy.isPrivate(stream)
                .recover(e -> Future.failedFuture(new PlayAccess.Refused(503, "the stream registry is unavailable: " + e.getMessage())))
                .compose(privateStream -> authorize(stream, privateStream, token));
    }

    /** {@link #admit}, for a caller that knows already whether the stream is private. */
    public Future<Optional<JsonObject>> authorize(String stream, boolean privateStream, String token) {
        return privateStream
                ? PlayAccess.authorize(tokens, stream, token).map(Optional::of)
                : Future.succeededFuture(Optional.empty());
    }

    /**
     * How a viewer or member is turned away: an HTTP {@code status} with {@code {error, message}},
     * or a WebSocket closed with {@code close}.
     */
    public record Refusal(int status, CloseReason close, String error, String message) {

        /**
         * The one mapping of admission failures: a token missing or refused (401, {@link Tokens.TokenRejectedException}
         * included) is {@code bad-token}; a good token for something else is 403, closed {@code bad-token};
         * anything else (the registry cannot be read) is 503, closed {@code unavailable}.
         */
        public static Refusal of(Throwable cause) {
            if (cause instanceof Tokens.TokenRejectedException) {
                return new Refusal(401, CloseReason.BAD_TOKEN, CloseReason.BAD_TOKEN.label, "bad token: " + cause.getMessage());
            }
            PlayAccess.Refused refused = cause instanceof PlayAccess.Refused r ? r : new PlayAccess.Refused(503, "unavailable: " + cause.getMessage());
            return switch (refused.status()) {
                case 401 -> new Refusal(401, CloseReason.BAD_TOKEN, CloseReason.BAD_TOKEN.label, refused.getMessage());
                case 403 -> new Refusal(403, CloseReason.BAD_TOKEN, "not-allowed", refused.getMessage());
                default -> new Refusal(503, CloseReason.UNAVAILABLE, CloseReason.UNAVAILABLE.label, refused.getMessage());
            };
        }

        /** Over a per-address limit: 429, closed {@code too-many-connections}. */
        public static Refusal tooManyConnections(String message) {
            return new Refusal(429, CloseReason.TOO_MANY_CONNECTIONS, CloseReason.TOO_MANY_CONNECTIONS.label, message);
        }

        /** Answers the request: a WebSocket upgrade is upgraded, then closed; HTTP gets the status and JSON body. */
        public void answer(HttpServerRequest request) {
            if (request.canUpgradeToWebSocket()) {
                request.toWebSocket().onSuccess(this::close);
            } else {
                request.response().setStatusCode(status)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Access-Control-Allow-Origin", "*")
                        .end(new JsonObject().put("error", error).put("message", message).encode());
            }
        }

        public void close(ServerWebSocket ws) {
            ws.close(close.code, close.label);
        }
    }
}
