package io.livestream.media.hls;

/**
 * A partial segment (RFC 8216bis 4.4.4.9): one {@code moof}+{@code mdat} of segment {@code msn},
 * the {@code index}-th of it; {@code sequence} numbers every part of the stream, so that the next
 * part's URI is known before anyone knows which segment it will belong to (the preload hint).
 */
public record Part(long sequence, long msn, int index, double duration, boolean independent, byte[] bytes) {
}
