package io.livestream.common.room;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;

/**
 * An error for the member that sent a message, and for it alone: {@code {type: "error", code, message}}.
 * The codes are {@link Code}'s labels (the table in docs/room-protocol.md).
 */
public record RoomError(String code, String message) {

    public enum Code {
        BAD_REQUEST("bad-request"),
        NOT_ALLOWED("not-allowed"),
        TOO_LONG("too-long"),
        RATE_LIMITED("rate-limited"),
        DUPLICATE("duplicate"),
        FILTERED("filtered"),
        MUTED("muted"),
        BANNED("banned"),
        UNKNOWN_GIFT("unknown-gift"),
        NOT_FOUND("not-found"),
        UNAVAILABLE("unavailable"),
        NOT_READY("not-ready");

        public final String label;

        Code(String label) {
            this.label = label;
        }

        public static boolean known(String label) {
            return Arrays.stream(values()).anyMatch(c -> c.label.equals(label));
        }
    }

    public static RoomError of(Code code, String message) {
        return new RoomError(code.label, message);
    }

    public JsonObject toJson() {
        return new JsonObject().put("type", RoomProtocol.ServerType.ERROR.label).put("code", code).put("message", message);
    }

    public static RoomError fromJson(JsonObject json) {
        return json == null ? null : new RoomError(json.getString("code", ""), json.getString("message", ""));
    }
}
