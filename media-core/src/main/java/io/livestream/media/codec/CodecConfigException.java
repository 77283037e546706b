package io.livestream.media.codec;

/** A codec configuration (AVC record, SPS, AudioSpecificConfig) that cannot be read. */
public final class CodecConfigException extends RuntimeException {
    public CodecConfigException(String message) {
        super(message);
    }
}
