package io.livestream.media.hls;

/** An initialization section ({@code #EXT-X-MAP}): its number in the stream, its bytes, and the RFC 6381 codecs of its tracks. */
public record InitSection(int id, byte[] bytes, String codecs) {
}
