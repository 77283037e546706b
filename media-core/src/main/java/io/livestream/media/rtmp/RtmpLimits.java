package io.livestream.media.rtmp;

/**
 * Bounds checked before anything is allocated.
 *
 * @param maxChunkSize      largest chunk size a peer may set (spec 5.4.1: at most 0xFFFFFF)
 * @param maxMessageLength  largest message a peer may announce in a chunk header
 * @param maxChunkStreams   how many chunk streams a peer may open at once
 * @param maxPartialBytes   bytes a connection may hold in messages not finished yet, over all its
 *                          chunk streams (a chunk still arriving included); at least
 *                          {@code maxMessageLength}, or messages the length limit allows are refused
 */
public record RtmpLimits(int maxChunkSize, int maxMessageLength, int maxChunkStreams, long maxPartialBytes) {
    public static final int SPEC_MAX_CHUNK_SIZE = 0xFFFFFF;
    /** One message at the default 8 MiB length limit, and room for the partial ones of the other streams. */
    public static final long DEFAULT_MAX_PARTIAL_BYTES = 12L * 1024 * 1024;

    /** With the default bound on partial messages, or the message length limit if that is larger. */
    public RtmpLimits(int maxChunkSize, int maxMessageLength, int maxChunkStreams) {
        this(maxChunkSize, maxMessageLength, maxChunkStreams, Math.max(DEFAULT_MAX_PARTIAL_BYTES, maxMessageLength));
    }

    public static RtmpLimits defaults() {
        return new RtmpLimits(SPEC_MAX_CHUNK_SIZE, 8 * 1024 * 1024, 64);
    }

    public RtmpLimits withMaxPartialBytes(long bytes) {
        return new RtmpLimits(maxChunkSize, maxMessageLength, maxChunkStreams, bytes);
    }
}
