package io.livestream.common.room;

import io.livestream.common.auth.Tokens;
import io.vertx.core.json.JsonObject;

import java.util.Locale;

/** Who is in a room, from their token: subject, nickname, and role (scoped to a stream for streamers and moderators). */
public record RoomUser(String id, String nick, Role role, String stream) {

    public enum Role {
        /** No token: may watch the room, not send. */
        ANONYMOUS,
        VIEWER,
        STREAMER,
        MODERATOR,
        ADMIN;

        /** A token's {@code role} claim: roles other than these room roles are viewers. */
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

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final RoomUser ANONYMOUS = new RoomUser("", "", Role.ANONYMOUS, null);
    /** How the ids of guest sessions ({@code POST /api/session} at the gateway) begin. */
    public static final String GUEST_PREFIX = "guest-";

    /**
     * The member a verified token's claims make: {@code sub}, {@code nick} (the subject when
     * absent), {@code role} and {@code stream}. A token without a subject is refused.
     *
     * @throws Tokens.TokenRejectedException for a token without a subject
     */
    public static RoomUser fromClaims(JsonObject claims) {
        String sub = claims.getString("sub", "");
        if (sub.isEmpty()) {
            throw new Tokens.TokenRejectedException("token without a subject");
        }
        return new RoomUser(sub, claims.getString("nick", sub), Role.parse(claims.getString("role")), claims.getString("stream"));
    }

    /** A guest: a viewer whose id a session handed out, so that another one is a click away. */
    public boolean isGuest() {
        return role == Role.VIEWER && id.startsWith(GUEST_PREFIX);
    }

    /** True when this user moderates {@code room}: its streamer, a moderator scoped to it, or an admin. */
    public boolean moderates(String room) {
        return role == Role.ADMIN || (role == Role.STREAMER || role == Role.MODERATOR) && room.equals(stream);
    }

    /** As the member's {@code hello} shows it ({@code you}), and as it travels to the room: an anonymous reader is {@code {id: "", role}}. */
    public JsonObject toJson() {
        if (role == Role.ANONYMOUS) {
            return new JsonObject().put("id", "").put("role", role.label());
        }
        return new JsonObject().put("id", id).put("nick", nick).put("role", role.label()).put("stream", stream);
    }

    public static RoomUser fromJson(JsonObject json) {
        if (json == null || json.getString("id", "").isEmpty()) {
            return ANONYMOUS;
        }
        return new RoomUser(json.getString("id"), json.getString("nick", json.getString("id")),
                Role.valueOf(json.getString("role", "viewer").toUpperCase(Locale.ROOT)), json.getString("stream"));
    }
}
