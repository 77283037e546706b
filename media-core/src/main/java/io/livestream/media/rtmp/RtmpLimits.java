package io.livestream.media.rtmp;

/**
 * Bounds checked before anything is allocated.
 *
 * @param maxChunkSize      largest chunk size a peer may set (spec 5.4.1: at most 0xFFFFFF)
 * @param maxMessageLength  largest message a peer may announce in a chunk header
 * @param maxChunkStreams   how many chunk streams a peer may open at once
 */
public record RtmpLimits(int maxChunkSize, int maxMessageLength, int maxChunkStreams) {
    public static final int SPEC_MAX_CHUNK_SIZE = 0xFFFFFF;

    public static RtmpLimits defaults() {
        return new RtmpLimits(SPEC_MAX_CHUNK_SIZE, 8 * 1024 * 1024, 64);
    }
}
