package io.livestream.ingest;

import io.livestream.common.CloseReason;

/**
 * Why a publish was refused: the onStatus code the encoder sees before the connection closes, and
 * the close reason logs and metrics see. One mapping for every refusal of the publish command.
 */
final class PublishRefusal extends RuntimeException {
    final String code;
    final CloseReason reason;

    private PublishRefusal(String code, CloseReason reason, String description) {
        super(description, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    static PublishRefusal badName() {
        return new PublishRefusal("NetStream.Publish.BadName", CloseReason.BAD_STREAM_NAME,
                CloseReason.BAD_STREAM_NAME.label + ": invalid stream name; use letters, digits, - and _");
    }

    static PublishRefusal unauthorized(String why) {
        return new PublishRefusal("NetStream.Publish.Unauthorized", CloseReason.BAD_TOKEN, "publish refused: " + why);
    }

    static PublishRefusal ingestMemory() {
        return new PublishRefusal("NetStream.Publish.Rejected", CloseReason.INGEST_MEMORY,
                CloseReason.INGEST_MEMORY.label + ": the ingest buffers are nearly full, try again later");
    }

    /** A refusal for why {@link LiveStreams#start} failed; a failure of the cluster's maps leaves the encoder free to retry. */
    static PublishRefusal of(Throwable failure) {
        if (failure instanceof PublishRefusal refusal) {
            return refusal;
        }
        if (failure instanceof LiveStreams.StreamBusyException) {
            return new PublishRefusal("NetStream.Publish.BadName", CloseReason.STREAM_BUSY, failure.getMessage());
        }
        if (failure instanceof LiveStreams.TooManyPublishersException) {
            return new PublishRefusal("NetStream.Publish.Rejected", CloseReason.TOO_MANY_PUBLISHERS,
                    CloseReason.TOO_MANY_PUBLISHERS.label + ": " + failure.getMessage());
        }
        return new PublishRefusal("NetStream.Publish.Rejected", CloseReason.UNAVAILABLE,
                CloseReason.UNAVAILABLE.label + ": " + failure.getMessage());
    }

    String description() {
        return getMessage();
    }
}
