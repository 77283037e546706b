package io.livestream.interaction;

import io.vertx.core.json.JsonObject;

/** Who is in a room, from their token: subject, nickname, and role (scoped to a stream for streamers and moderators). */
public record RoomUser(String id, String nick, Role role, String stream) {

    public enum Role {
        /** No token: may watch the room, not send. */
        ANONYMOUS,
        VIEWER,
        STREAMER,
        MODERATOR,
        ADMIN;

        public static Role parse(String s) {
            if (s == null) {
                return VIEWER;
            }
            return switch (s) {
                case "streamer" -> STREAMER;
                case "moderator" -> MODERATOR;
                case "admin" -> ADMIN;
                default -> VIEWER;
            };
        }
    }

    public static final RoomUser ANONYMOUS = new RoomUser("", "", Role.ANONYMOUS, null);
    /** How the ids of guest sessions ({@code POST /api/session} at the gateway) begin. */
    static final String GUEST_PREFIX = "guest-";

    /** A guest: a viewer whose id a session handed out, so that another one is a click away. */
    public boolean isGuest() {
        return role == Role.VIEWER && id.startsWith(GUEST_PREFIX);
    }

    /** True when this user moderates {@code room}: its streamer, a moderator scoped to it, or an admin. */
    public boolean moderates(String room) {
        return role == Role.ADMIN || (role == Role.STREAMER || role == Role.MODERATOR) && room.equals(stream);
    }

    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("nick", nick).put("role", role.name().toLowerCase(java.util.Locale.ROOT))
                .put("stream", stream);
    }

    public static RoomUser fromJson(JsonObject json) {
        if (json == null || json.getString("id", "").isEmpty()) {
            return ANONYMOUS;
        }
        return new RoomUser(json.getString("id"), json.getString("nick", json.getString("id")),
                Role.valueOf(json.getString("role", "viewer").toUpperCase(java.util.Locale.ROOT)), json.getString("stream"));
    }
}
