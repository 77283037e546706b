package io.livestream.interaction;

import io.livestream.common.room.RoomError;
import io.livestream.common.room.RoomNotice;
import io.livestream.common.room.RoomUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A room's sanctions: mutes, bans (timed or until lifted) and the addresses of banned guests, and
 * where the guests in the room came from. Part of a {@link Room}, confined to its event loop; times
 * are epoch milliseconds from the room's clock.
 */
final class Moderation {
    /** A guest's address banned with it: lifted when that user's ban is. */
    private record AddressBan(String userId, long until) {
    }

    /** The address a guest joined from, and how many of its sockets are in the room. */
    private static final class Presence {
        final String address;
        int sockets;

        Presence(String address) {
            this.address = address;
        }
    }

    private final LongSupplier millis;
    private final Map<String, Long> mutedUntil = new HashMap<>();
    /** Banned user ids, until when ({@link RoomNotice#UNTIL_LIFTED}: until an unban). */
    private final Map<String, Long> bannedUntil = new HashMap<>();
    /** Addresses banned guests came from: new guests from them are refused while the ban lasts. */
    private final Map<String, AddressBan> addressBans = new HashMap<>();
    /** Where the guests in the room came from (not saved: who is in the room is the gateways' to say). */
    private final Map<String, Presence> guests = new HashMap<>();

    Moderation(LongSupplier millis) {
        this.millis = millis;
    }

    /**
     * Null when {@code user} may join from {@code address}; else the refusal: a guest from the
     * address of a guest banned here, while that ban lasts (a new guest id is a click away).
     * Anonymous readers and signed-in users are not refused by address: it may be a shared one.
     */
    RoomError refusesJoin(RoomUser user, String address) {
        if (!user.isGuest() || address == null) {
            return null;
        }
        AddressBan ban = addressBans.get(address);
        if (ban == null || ban.until() <= millis.getAsLong()) {
            return null;
        }
        return RoomError.of(RoomError.Code.BANNED, "a guest from your address is banned from this room");
    }

    void joined(RoomUser user, String address) {
        if (user.isGuest() && address != null) {
            guests.computeIfAbsent(user.id(), k -> new Presence(address)).sockets++;
        }
    }

    void left(RoomUser user) {
        Presence presence = guests.get(user.id());
        if (presence != null && --presence.sockets <= 0) {
            guests.remove(user.id());
        }
    }

    boolean banned(String userId) {
        return bannedUntil.getOrDefault(userId, 0L) > millis.getAsLong();
    }

    /** How long {@code userId} stays muted, in ms; 0 when it is not. */
    long mutedFor(String userId) {
        Long until = mutedUntil.get(userId);
        return until == null ? 0 : Math.max(0, until - millis.getAsLong());
    }

    /** Mutes {@code target} for {@code seconds}. */
    RoomNotice mute(String target, long seconds) {
        long until = millis.getAsLong() + seconds * 1000;
        mutedUntil.put(target, until);
        return new RoomNotice.Muted(target, until);
    }

    RoomNotice unmute(String target) {
        mutedUntil.remove(target);
        return new RoomNotice.Unmuted(target);
    }

    /** Bans {@code target} for {@code seconds} (null: until lifted), with the address it is in the room from if a guest. */
    RoomNotice ban(String target, Long seconds) {
        long until = seconds == null ? RoomNotice.UNTIL_LIFTED : millis.getAsLong() + seconds * 1000;
        bannedUntil.put(target, until);
        Presence guest = guests.get(target);
        if (guest != null) {
            addressBans.put(guest.address, new AddressBan(target, until));
        }
        return new RoomNotice.Banned(target, until);
    }

    RoomNotice unban(String target) {
        bannedUntil.remove(target);
        addressBans.values().removeIf(ban -> ban.userId().equals(target));
        return new RoomNotice.Unbanned(target);
    }

    /** Drops sanctions that ran out; true when any did (the saved state changed). */
    boolean forgetExpired() {
        long now = millis.getAsLong();
        return mutedUntil.values().removeIf(until -> until <= now)
                | bannedUntil.values().removeIf(until -> until <= now)
                | addressBans.values().removeIf(ban -> ban.until() <= now);
    }

    /** True when no mute or ban is held. */
    boolean isEmpty() {
        return mutedUntil.isEmpty() && bannedUntil.isEmpty();
    }

    int mutedCount() {
        return mutedUntil.size();
    }

    Set<String> mutedUsers() {
        return mutedUntil.keySet();
    }

    /** Puts what survives a restart into {@code state}: {@code muted}, {@code bans}, {@code addressBans}. */
    void save(JsonObject state) {
        JsonObject muted = new JsonObject();
        mutedUntil.forEach(muted::put);
        JsonObject bans = new JsonObject();
        bannedUntil.forEach(bans::put);
        JsonObject addresses = new JsonObject();
        addressBans.forEach((address, ban) -> addresses.put(address, new JsonObject().put("userId", ban.userId()).put("until", ban.until())));
        state.put("muted", muted).put("bans", bans).put("addressBans", addresses);
    }

    void restore(JsonObject saved) {
        saved.getJsonObject("muted", new JsonObject()).forEach(e -> mutedUntil.put(e.getKey(), ((Number) e.getValue()).longValue()));
        // "banned", a list of ids banned for good, is what states saved before timed bans hold
        saved.getJsonArray("banned", new JsonArray()).forEach(o -> bannedUntil.put((String) o, RoomNotice.UNTIL_LIFTED));
        saved.getJsonObject("bans", new JsonObject()).forEach(e -> bannedUntil.put(e.getKey(), ((Number) e.getValue()).longValue()));
        saved.getJsonObject("addressBans", new JsonObject()).forEach(e -> {
            JsonObject ban = (JsonObject) e.getValue();
            addressBans.put(e.getKey(), new AddressBan(ban.getString("userId"), ban.getLong("until")));
        });
    }
}
