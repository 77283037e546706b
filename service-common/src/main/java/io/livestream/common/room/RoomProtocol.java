package io.livestream.common.room;

import io.livestream.common.CloseReason;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names of the room protocol members speak (docs/room-protocol.md; the web client has the
 * same as a typed union in {@code web-client/src/room/protocol.ts}): what a client may send, what
 * the server sends, the events of a batch, and the close reasons of a room socket.
 * {@code RoomProtocolDocTest} checks the document against them.
 */
public final class RoomProtocol {
    /** The close reasons a room socket may end with. */
    public static final Set<CloseReason> CLOSES = EnumSet.of(CloseReason.ABUSE, CloseReason.BAD_TOKEN, CloseReason.BANNED,
            CloseReason.SLOW_CONSUMER, CloseReason.UNAVAILABLE, CloseReason.TOO_MANY_CONNECTIONS);

    private RoomProtocol() {
    }

    /** What a client sends: {@code {type, ...}}. */
    public enum ClientType {
        DANMAKU, LIKE, GIFT, MUTE, UNMUTE, BAN, UNBAN, DELETE, PING;

        public final String label = name().toLowerCase(Locale.ROOT);

        public static Optional<ClientType> of(Object type) {
            return Arrays.stream(values()).filter(t -> t.label.equals(type)).findFirst();
        }

        public boolean moderates() {
            return this == MUTE || this == UNMUTE || this == BAN || this == UNBAN || this == DELETE;
        }
    }

    /** What the server sends a member. */
    public enum ServerType {
        HELLO, BATCH, ERROR, PONG;

        public final String label = name().toLowerCase(Locale.ROOT);
    }

    /** The events of a batch (and of a hello's history). */
    public enum EventType {
        DANMAKU, GIFT, NOTICE, STATS;

        public final String label = name().toLowerCase(Locale.ROOT);
    }

    /** The answer to a client's ping, with the server's clock for the client's clock offset. */
    public static JsonObject pong(long epochMillis) {
        return new JsonObject().put("type", ServerType.PONG.label).put("ts", epochMillis);
    }
}
