package io.livestream.interaction;

import io.livestream.common.room.RoomUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/** A room's gift leaderboard: the coins each user has given, the top ones shown ({@code {id, nick, coins}}). */
final class GiftBoard {
    private static final int LEADERBOARD_SIZE = 10;

    private final Map<String, JsonObject> entries = new HashMap<>();

    void add(RoomUser user, long coins) {
        JsonObject entry = entries.computeIfAbsent(user.id(), k -> new JsonObject().put("id", user.id()).put("coins", 0L));
        entry.put("nick", user.nick()).put("coins", entry.getLong("coins") + coins);
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The top givers, most coins first: copies, so that nobody changes what the room keeps. */
    JsonArray leaderboard() {
        return new JsonArray(entries.values().stream()
                .sorted((a, b) -> Long.compare(b.getLong("coins"), a.getLong("coins")))
                .limit(LEADERBOARD_SIZE).map(JsonObject::copy).toList());
    }

    JsonObject toJson() {
        return new JsonObject(new HashMap<>(entries));
    }

    void restore(JsonObject saved) {
        saved.forEach(e -> entries.put(e.getKey(), (JsonObject) e.getValue()));
    }
}
