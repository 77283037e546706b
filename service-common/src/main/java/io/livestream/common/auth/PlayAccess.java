package io.livestream.common.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * Who may watch a private stream and read its room: the holder of a token for that stream with
 * role {@code viewer}, {@code streamer} or {@code moderator} (claim {@code stream} equal to its
 * name; {@code token play --stream NAME} mints one), or with role {@code admin}, or a gateway's
 * feed (role {@code gateway}). A public stream
 * is open to everyone, as before. Checked wherever viewers can reach a stream: at the gateway,
 * and at a relay role's own server (gateways forward the viewer's query to it).
 */
public final class PlayAccess {
    /** The publish-token claim that makes a stream private. */
    public static final String PRIVATE_CLAIM = "private";
    /**
     * The role of a gateway's feed from a relay: it may play any stream (the gateway has checked
     * its own viewers), and what it says of the viewers it carries counts in the relay's load.
     */
    public static final String GATEWAY_ROLE = "gateway";
    private static final Set<String> SCOPED_ROLES = Set.of("viewer", "streamer", "moderator");

    private PlayAccess() {
    }

    /** True when a publish token's claims make its stream private. */
    public static boolean markedPrivate(JsonObject claims) {
        Object flag = claims.getValue(PRIVATE_CLAIM);
        return Boolean.TRUE.equals(flag) || "true".equals(flag);
    }

    /** The token's claims once it may play {@code stream}; else fails with {@link Refused} (401 or 403). */
    public static Future<JsonObject> authorize(Tokens tokens, String stream, String token) {
        if (token == null || token.isEmpty()) {
            return Future.failedFuture(new Refused(401, "stream " + stream + " is private: play it with ?token=<a play token for it>"));
        }
        return tokens.verify(token)
                .recover(e -> Future.failedFuture(new Refused(401, "bad token: " + e.getMessage())))
                .compose(claims -> {
                    String why = refusal(stream, claims);
                    return why == null ? Future.succeededFuture(claims) : Future.failedFuture(new Refused(403, why));
                });
    }

    /** Null when these claims may play {@code stream}, else why not. */
    public static String refusal(String stream, JsonObject claims) {
        String role = claims.getString("role", "");
        if ("admin".equals(role) || GATEWAY_ROLE.equals(role) || SCOPED_ROLES.contains(role) && stream.equals(claims.getString("stream"))) {
            return null;
        }
        return SCOPED_ROLES.contains(role) ? "the token is not for stream " + stream
                : "a " + (role.isEmpty() ? "token without a role" : role + " token") + " cannot play stream " + stream;
    }

    /**
     * A viewer turned away from a private stream: {@code status} 401 (no token, or a bad one) or 403
     * (a good token for something else), or 503 (the registry cannot be read); {@link PlayAdmission.Refusal#of}
     * maps it to an answer.
     */
    public static final class Refused extends RuntimeException {
        private final int status;

        public Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
