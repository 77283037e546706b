package io.livestream.common;

import java.util.Optional;

/**
 * Why a connection was closed on purpose. Logs, metrics and clients see the same name; the
 * code is the WebSocket close code (4000-4999 is the private-use range of RFC 6455 7.4.2).
 */
public enum CloseReason {
    STREAM_NOT_FOUND(4404, "stream-not-found"),
    STREAM_ENDED(4410, "stream-ended"),
    SLOW_CONSUMER(4408, "slow-consumer"),
    RELAY_LOST(4502, "relay-lost"),
    BAD_TOKEN(4401, "bad-token"),
    STREAM_BUSY(4409, "stream-busy"),
    PROTOCOL_VIOLATION(4400, "protocol-violation"),
    HANDSHAKE_TIMEOUT(4504, "handshake-timeout"),
    IDLE_TIMEOUT(4505, "idle-timeout"),
    SHUTDOWN(4503, "shutdown"),
    /** A service this connection needs (the rooms' interaction service, the stream registry) cannot be reached now. */
    UNAVAILABLE(4501, "unavailable"),
    ABUSE(4429, "abuse"),
    TOO_MANY_CONNECTIONS(4430, "too-many-connections"),
    TOO_MANY_PUBLISHERS(4431, "too-many-publishers"),
    BANNED(4403, "banned"),
    BAD_STREAM_NAME(4422, "bad-stream-name"),
    INGEST_MEMORY(4507, "ingest-memory");

    public final short code;
    public final String label;

    CloseReason(int code, String label) {
        this.code = (short) code;
        this.label = label;
    }

    /** The reason a close code names, if it is one of these (a peer's close code may be anything). */
    public static Optional<CloseReason> ofCode(Short code) {
        if (code != null) {
            for (CloseReason r : values()) {
                if (r.code == code) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
