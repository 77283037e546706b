package io.livestream.common.room;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a room announces in a {@code notice} event ({@code {type: "notice", seq, ts, kind, ...}}):
 * one record per kind, so that whoever acts on a notice (the gateway closes a banned user's
 * sockets) reads a type, not the event's strings.
 */
public sealed interface RoomNotice {

    enum Kind {
        STREAM_ONLINE("stream-online"),
        STREAM_OFFLINE("stream-offline"),
        MUTED("muted"),
        UNMUTED("unmuted"),
        BANNED("banned"),
        UNBANNED("unbanned"),
        DELETED("deleted");

        public final String label;

        Kind(String label) {
            this.label = label;
        }

        static Optional<Kind> of(String label) {
            return Arrays.stream(values()).filter(k -> k.label.equals(label)).findFirst();
        }
    }

    /** Until when a timed sanction lasts (epoch ms); {@link #UNTIL_LIFTED} when it lasts until lifted. */
    long UNTIL_LIFTED = Long.MAX_VALUE;

    Kind kind();

    record StreamOnline() implements RoomNotice {
        public Kind kind() {
            return Kind.STREAM_ONLINE;
        }
    }

    record StreamOffline() implements RoomNotice {
        public Kind kind() {
            return Kind.STREAM_OFFLINE;
        }
    }

    record Muted(String userId, long until) implements RoomNotice {
        public Kind kind() {
            return Kind.MUTED;
        }
    }

    record Unmuted(String userId) implements RoomNotice {
        public Kind kind() {
            return Kind.UNMUTED;
        }
    }

    /** {@code until}: {@link #UNTIL_LIFTED} for a ban until an {@code unban} (the event then has no {@code until}). */
    record Banned(String userId, long until) implements RoomNotice {
        public Kind kind() {
            return Kind.BANNED;
        }
    }

    record Unbanned(String userId) implements RoomNotice {
        public Kind kind() {
            return Kind.UNBANNED;
        }
    }

    record Deleted(String messageId) implements RoomNotice {
        public Kind kind() {
            return Kind.DELETED;
        }
    }

    /** The notice event, without the {@code seq} and {@code ts} the room stamps it with. */
    default JsonObject toJson() {
        JsonObject json = new JsonObject().put("type", RoomProtocol.EventType.NOTICE.label).put("kind", kind().label);
        if (this instanceof Muted m) {
            json.put("userId", m.userId()).put("until", m.until());
        } else if (this instanceof Unmuted u) {
            json.put("userId", u.userId());
        } else if (this instanceof Banned b) {
            json.put("userId", b.userId());
            if (b.until() != UNTIL_LIFTED) {
                json.put("until", b.until());
            }
        } else if (this instanceof Unbanned u) {
            json.put("userId", u.userId());
        } else if (this instanceof Deleted d) {
            json.put("messageId", d.messageId());
        }
        return json;
    }

    /** The notice an event carries; empty for any other event, or a notice of an unknown kind. */
    static Optional<RoomNotice> of(JsonObject event) {
        if (!RoomProtocol.EventType.NOTICE.label.equals(event.getString("type"))) {
            return Optional.empty();
        }
        String userId = event.getString("userId");
        long until = event.getLong("until", UNTIL_LIFTED);
        return Kind.of(event.getString("kind")).map(kind -> switch (kind) {
            case STREAM_ONLINE -> new StreamOnline();
            case STREAM_OFFLINE -> new StreamOffline();
            case MUTED -> new Muted(userId, until);
            case UNMUTED -> new Unmuted(userId);
            case BANNED -> new Banned(userId, until);
            case UNBANNED -> new Unbanned(userId);
            case DELETED -> new Deleted(event.getString("messageId"));
        });
    }
}
