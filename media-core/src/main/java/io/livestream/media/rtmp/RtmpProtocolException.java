package io.livestream.media.rtmp;

/** A peer broke the RTMP protocol (or a configured limit); the connection must be closed. */
public final class RtmpProtocolException extends RuntimeException {
    private final String reason;

    public RtmpProtocolException(String reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    /** A short machine-readable name for logs and metrics, e.g. {@code bad-chunk-size}. */
    public String reason() {
        return reason;
    }
}
