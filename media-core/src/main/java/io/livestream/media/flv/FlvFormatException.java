package io.livestream.media.flv;

/** Bytes that are not a valid FLV stream (or break a configured limit). */
public final class FlvFormatException extends RuntimeException {
    public FlvFormatException(String message) {
        super(message);
    }
}
