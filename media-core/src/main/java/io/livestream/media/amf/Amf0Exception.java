package io.livestream.media.amf;

/** Bytes that are not valid AMF0, or that break a decoding bound. */
public final class Amf0Exception extends RuntimeException {
    public Amf0Exception(String message) {
        super(message);
    }
}
