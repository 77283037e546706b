package io.livestream.ingest;

import io.livestream.common.StreamNames;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.vertx.core.Future;

/**
 * Decides whether a publish may go ahead: a valid stream name and a publish token for that stream
 * (signature, expiry, role and stream, checked once). The stream is private when the token's
 * claim says so or the streamer asked for it in the query. Refusals are {@link PublishRefusal}s.
 */
final class PublishAuthorizer {
    private final Tokens tokens;

    PublishAuthorizer(Tokens tokens) {
        this.tokens = tokens;
    }

    /** A publish that may go ahead. */
    record Grant(String stream, String subject, boolean privateStream) {
    }

    Future<Grant> authorize(PublishQuery.Publish request) {
        if (!StreamNames.isValid(request.stream())) {
            return Future.failedFuture(PublishRefusal.badName());
        }
        return tokens.publishClaims(request.token(), request.stream())
                .recover(e -> Future.failedFuture(PublishRefusal.unauthorized(e.getMessage())))
                .map(claims -> new Grant(request.stream(), claims.getString("sub", "anonymous"),
                        request.privateStream() || PlayAccess.markedPrivate(claims)));
    }
}
