package io.livestream.common;

/**
 * A log parameter that the JSON log format ({@code LIVE_LOG_FORMAT=json}) also writes as a field
 * of its own: {@code LOG.log(INFO, "stream {0} online from {1}", LogField.stream(name), LogField.client(address))}.
 * In the message it reads as its bare value. A parameter the message does not mention (an index past
 * the last placeholder) is still a field: that is how a line whose text names a client its own way
 * carries the address too.
 */
public record LogField(String key, String value) {
    public static final String STREAM = "stream";
    public static final String CLIENT = "client";

    /** The stream a line is about. */
    public static LogField stream(String name) {
        return new LogField(STREAM, name);
    }

    /** The client address (the PROXY protocol header's, or the TCP peer's) a line is about. */
    public static LogField client(String address) {
        return new LogField(CLIENT, address);
    }

    @Override
    public String toString() {
        return value;
    }
}
