package io.livestream.interaction;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One room: the authority for what may be said in it. Validates and rate-limits danmaku, likes
 * and gifts, applies moderation, stamps every broadcast event with the room's next sequence
 * number, keeps the recent history, and sums likes and viewers for a periodic stats event.
 * Pure logic over JSON, confined to one event loop; the clock is injected for tests.
 */
public final class Room {
    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
    private static final Set<String> MODES = Set.of("scroll", "top", "bottom");
    private static final int MAX_GIFT_COUNT = 99;
    private static final int LEADERBOARD_SIZE = 10;
    static final long UNTIL_LIFTED = Long.MAX_VALUE;

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

    /** What the room answers a client message with. */
    public record Outcome(List<JsonObject> broadcast, JsonObject error, String closeReason) {
        static final Outcome NOTHING = new Outcome(List.of(), null, null);

        static Outcome broadcast(JsonObject event) {
            return new Outcome(List.of(event), null, null);
        }

        static Outcome error(String code, String message) {
            return new Outcome(List.of(), new JsonObject().put("type", "error").put("code", code).put("message", message), null);
        }
    }

    private final String id;
    private final RoomRules rules;
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private final ArrayDeque<JsonObject> history = new ArrayDeque<>();
    private final Map<String, TokenBucket> danmakuBuckets = new HashMap<>();
    private final Map<String, TokenBucket> likeBuckets = new HashMap<>();
    private final Map<String, TokenBucket> giftBuckets = new HashMap<>();
    private final List<Map<String, TokenBucket>> buckets = List.of(danmakuBuckets, likeBuckets, giftBuckets);
    private final Map<String, Map<String, Long>> recentTexts = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> violations = new HashMap<>();
    private final Map<String, Long> mutedUntil = new HashMap<>();
    /** Banned user ids, until when (epoch ms; {@link #UNTIL_LIFTED}: until an unban). */
    private final Map<String, Long> bannedUntil = new HashMap<>();
    /** Addresses banned guests came from: new guests from them are refused while the ban lasts. */
    private final Map<String, AddressBan> addressBans = new HashMap<>();
    /** Where the guests in the room came from (not saved: who is in the room is the gateways' to say). */
    private final Map<String, Presence> guests = new HashMap<>();
    private final Map<String, JsonObject> giftBoard = new HashMap<>();
    private long seq;
    private long likes;
    private int viewers;
    private boolean statsChanged;
    private boolean persistChanged;
    private long emptySinceNanos;

    public Room(String id, RoomRules rules, LongSupplier nanos, LongSupplier millis) {
        this.id = id;
        this.rules = rules;
        this.nanos = nanos;
        this.millis = millis;
        this.emptySinceNanos = nanos.getAsLong();
    }

    public String id() {
        return id;
    }

    public long seq() {
        return seq;
    }

    public long likes() {
        return likes;
    }

    public int viewers() {
        return viewers;
    }

    /**
     * Null when {@code user} may join from {@code address}; else the refusal: a guest from the
     * address of a guest banned here, while that ban lasts (a new guest id is a click away).
     * Anonymous readers and signed-in users are not refused by address: it may be a shared one.
     */
    public Outcome refusesJoin(RoomUser user, String address) {
        if (!user.isGuest() || address == null) {
            return null;
        }
        AddressBan ban = addressBans.get(address);
        if (ban == null || ban.until() <= millis.getAsLong()) {
            return null;
        }
        return new Outcome(List.of(), errorJson("banned", "a guest from your address is banned from this room"), "banned");
    }

    public void joined(RoomUser user, String address) {
        viewers++;
        statsChanged = true;
        if (user.isGuest() && address != null) {
            guests.computeIfAbsent(user.id(), k -> new Presence(address)).sockets++;
        }
    }

    public void left(RoomUser user) {
        Presence presence = guests.get(user.id());
        if (presence != null && --presence.sockets <= 0) {
            guests.remove(user.id());
        }
        viewers = Math.max(0, viewers - 1);
        statsChanged = true;
        if (viewers == 0) {
            emptySinceNanos = nanos.getAsLong();
        }
    }

    /** True when nobody has been in the room for {@code idle} or longer. */
    public boolean emptyFor(Duration idle) {
        return viewers == 0 && nanos.getAsLong() - emptySinceNanos >= idle.toNanos();
    }

    /** True when it holds nothing worth saving: nothing said, liked, given or sanctioned. */
    public boolean pristine() {
        return seq == 0 && likes == 0 && history.isEmpty() && giftBoard.isEmpty() && mutedUntil.isEmpty()
                && bannedUntil.isEmpty();
    }

    /** Handles one message a client sent. */
    public Outcome receive(RoomUser user, JsonObject message) {
        Object type = message.getValue("type");
        if (!(type instanceof String t)) {
            return reject(user, "bad-request", "a message needs a string 'type'");
        }
        if (user.role() == RoomUser.Role.ANONYMOUS) {
            return reject(user, "not-allowed", "sign in to take part (no token: read-only)");
        }
        if (bannedUntil.getOrDefault(user.id(), 0L) > millis.getAsLong()) {
            return new Outcome(List.of(), errorJson("banned", "you are banned from this room"), "banned");
        }
        return switch (t) {
            case "danmaku" -> danmaku(user, message);
            case "like" -> like(user, message);
            case "gift" -> gift(user, message);
            case "mute", "unmute", "ban", "unban", "delete" -> moderate(user, t, message);
            default -> reject(user, "bad-request", "unknown message type '" + t + "'");
        };
    }

    /** The first message a member gets: room state and history (only what it missed, when it says what it had). */
    public JsonObject hello(long lastSeq) {
        JsonArray events = new JsonArray();
        boolean resumed = lastSeq > 0 && (history.isEmpty() ? lastSeq <= seq : history.peekFirst().getLong("seq") <= lastSeq + 1);
        for (JsonObject e : history) {
            if (!resumed || e.getLong("seq") > lastSeq) {
                events.add(e);
            }
        }
        return new JsonObject().put("type", "hello").put("room", id).put("seq", seq)
                .put("viewers", viewers).put("likes", likes).put("leaderboard", leaderboard())
                .put("gifts", catalog()).put("resumed", resumed).put("history", events);
    }

    /** The periodic stats event, when likes, viewers or the leaderboard changed since the last one. */
    public JsonObject tick() {
        if (!statsChanged) {
            return null;
        }
        statsChanged = false;
        return new JsonObject().put("type", "stats").put("seq", seq).put("likes", likes)
                .put("viewers", viewers).put("leaderboard", leaderboard());
    }

    /**
     * Drops per-user state that no longer says anything: buckets that have refilled, remembered
     * texts past the duplicate window, violations past the abuse window, mutes that ran out. A room
     * hears from many passing guests; without this its memory would grow with every one of them.
     *
     * @return how many users' entries were dropped
     */
    public int forgetIdleUsers() {
        long now = nanos.getAsLong();
        long duplicateWindow = rules.duplicateWindow().toNanos();
        long abuseWindow = rules.abuseWindow().toNanos();
        long nowMillis = millis.getAsLong();
        int before = trackedEntries();
        buckets.forEach(map -> map.values().removeIf(bucket -> bucket.isFullAt(now)));
        recentTexts.values().removeIf(recent -> {
            recent.values().removeIf(at -> now - at > duplicateWindow);
            return recent.isEmpty();
        });
        violations.values().removeIf(times -> times.isEmpty() || now - times.peekLast() > abuseWindow);
        if (mutedUntil.values().removeIf(until -> until <= nowMillis)
                | bannedUntil.values().removeIf(until -> until <= nowMillis)
                | addressBans.values().removeIf(ban -> ban.until() <= nowMillis)) {
            persistChanged = true;
        }
        return before - trackedEntries();
    }

    private int trackedEntries() {
        return buckets.stream().mapToInt(Map::size).sum() + recentTexts.size() + violations.size() + mutedUntil.size();
    }

    /** Users with per-user state held: what {@link #forgetIdleUsers()} bounds. */
    int trackedUsers() {
        Set<String> users = new HashSet<>();
        buckets.forEach(map -> users.addAll(map.keySet()));
        users.addAll(recentTexts.keySet());
        users.addAll(violations.keySet());
        users.addAll(mutedUntil.keySet());
        return users.size();
    }

    /** True once since the last call when the persisted state (history, likes, board, bans) changed. */
    public boolean takePersistChanged() {
        boolean changed = persistChanged;
        persistChanged = false;
        return changed;
    }

    /** What survives a restart of the interaction service. */
    public JsonObject toJson() {
        JsonObject muted = new JsonObject();
        mutedUntil.forEach(muted::put);
        JsonObject bans = new JsonObject();
        bannedUntil.forEach(bans::put);
        JsonObject addresses = new JsonObject();
        addressBans.forEach((address, ban) -> addresses.put(address, new JsonObject().put("userId", ban.userId()).put("until", ban.until())));
        return new JsonObject().put("seq", seq).put("likes", likes)
                .put("history", new JsonArray(new ArrayList<>(history)))
                .put("board", new JsonObject(new HashMap<>(giftBoard)))
                .put("muted", muted).put("bans", bans).put("addressBans", addresses);
    }

    public void restore(JsonObject saved) {
        seq = saved.getLong("seq", 0L);
        likes = saved.getLong("likes", 0L);
        history.clear();
        saved.getJsonArray("history", new JsonArray()).forEach(o -> history.addLast((JsonObject) o));
        saved.getJsonObject("board", new JsonObject()).forEach(e -> giftBoard.put(e.getKey(), (JsonObject) e.getValue()));
        saved.getJsonObject("muted", new JsonObject()).forEach(e -> mutedUntil.put(e.getKey(), ((Number) e.getValue()).longValue()));
        // "banned", a list of ids banned for good, is what states saved before timed bans hold
        saved.getJsonArray("banned", new JsonArray()).forEach(o -> bannedUntil.put((String) o, UNTIL_LIFTED));
        saved.getJsonObject("bans", new JsonObject()).forEach(e -> bannedUntil.put(e.getKey(), ((Number) e.getValue()).longValue()));
        saved.getJsonObject("addressBans", new JsonObject()).forEach(e -> {
            JsonObject ban = (JsonObject) e.getValue();
            addressBans.put(e.getKey(), new AddressBan(ban.getString("userId"), ban.getLong("until")));
        });
    }

    private Outcome danmaku(RoomUser user, JsonObject m) {
        Long until = mutedUntil.get(user.id());
        if (until != null && until > millis.getAsLong()) {
            return reject(user, "muted", "you are muted for " + ((until - millis.getAsLong()) / 1000 + 1) + " s");
        }
        if (!(m.getValue("text") instanceof String text) || text.isBlank()) {
            return reject(user, "bad-request", "danmaku needs a non-empty 'text'");
        }
        if (text.codePointCount(0, text.length()) > rules.maxLength()) {
            return reject(user, "too-long", "danmaku are at most " + rules.maxLength() + " characters");
        }
        long now = nanos.getAsLong();
        if (!take(danmakuBuckets, user, new RoomRules.Rate(rules.ratePerSecond(), rules.burst()))) {
            return reject(user, "rate-limited", "slow down: " + rules.ratePerSecond() + " danmaku per second, bursts of " + rules.burst());
        }
        String normalized = text.strip().toLowerCase(Locale.ROOT);
        Map<String, Long> recent = recentTexts.computeIfAbsent(user.id(), k -> new HashMap<>());
        long window = rules.duplicateWindow().toNanos();
        recent.values().removeIf(at -> now - at > window);
        if (recent.containsKey(normalized)) {
            return reject(user, "duplicate", "you just sent that");
        }
        for (String word : rules.blockedWords()) {
            if (normalized.contains(word.toLowerCase(Locale.ROOT))) {
                return reject(user, "filtered", "that message contains a blocked word");
            }
        }
        recent.put(normalized, now);
        String color = m.getValue("color") instanceof String c && COLOR.matcher(c).matches() ? c : "#ffffff";
        String mode = m.getValue("mode") instanceof String md && MODES.contains(md) ? md : "scroll";
        long streamTs = m.getValue("streamTs") instanceof Number n ? Math.max(0, n.longValue()) : 0;
        return Outcome.broadcast(stamp(new JsonObject().put("type", "danmaku").put("id", newId())
                .put("user", author(user)).put("text", text).put("color", color).put("mode", mode).put("streamTs", streamTs)));
    }

    private Outcome like(RoomUser user, JsonObject m) {
        int count = m.getValue("count") instanceof Number n ? n.intValue() : 1;
        if (count < 1 || count > rules.maxLikesPerMessage()) {
            return reject(user, "bad-request", "a like carries a count from 1 to " + rules.maxLikesPerMessage());
        }
        if (!take(likeBuckets, user, rules.likes())) {
            return reject(user, "rate-limited", "slow down: " + rules.likes().perSecond() + " like messages per second, bursts of "
                    + rules.likes().burst() + " (each counts up to " + rules.maxLikesPerMessage() + ")");
        }
        likes += count;
        statsChanged = true;
        persistChanged = true;
        return Outcome.NOTHING;
    }

    private Outcome gift(RoomUser user, JsonObject m) {
        RoomRules.Gift gift = m.getValue("giftId") instanceof String g ? rules.catalog().get(g) : null;
        if (gift == null) {
            return reject(user, "unknown-gift", "no such gift; the catalog is in the hello message");
        }
        int count = m.getValue("count") instanceof Number n ? n.intValue() : 1;
        if (count < 1 || count > MAX_GIFT_COUNT) {
            return reject(user, "bad-request", "a gift count is from 1 to " + MAX_GIFT_COUNT);
        }
        if (!take(giftBuckets, user, rules.gifts())) {
            return reject(user, "rate-limited", "slow down: " + rules.gifts().perSecond() + " gifts per second, bursts of "
                    + rules.gifts().burst());
        }
        long coins = (long) gift.price() * count;
        JsonObject entry = giftBoard.computeIfAbsent(user.id(), k -> new JsonObject().put("id", user.id()).put("coins", 0L));
        entry.put("nick", user.nick()).put("coins", entry.getLong("coins") + coins);
        statsChanged = true;
        return Outcome.broadcast(stamp(new JsonObject().put("type", "gift").put("id", newId()).put("user", author(user))
                .put("giftId", gift.id()).put("name", gift.name()).put("count", count).put("coins", coins)));
    }

    private Outcome moderate(RoomUser actor, String action, JsonObject m) {
        if (!actor.moderates(id)) {
            return reject(actor, "not-allowed", "only the streamer and moderators of this room may " + action);
        }
        if ("delete".equals(action)) {
            String messageId = m.getValue("messageId") instanceof String s ? s : null;
            if (messageId == null || !history.removeIf(e -> messageId.equals(e.getString("id")))) {
                return Outcome.error("not-found", "no such message in the room's history");
            }
            return Outcome.broadcast(stamp(notice("deleted").put("messageId", messageId)));
        }
        String target = m.getValue("userId") instanceof String s && !s.isEmpty() ? s : null;
        if (target == null) {
            return Outcome.error("bad-request", action + " needs a 'userId'");
        }
        switch (action) {
            case "mute" -> {
                long seconds = m.getValue("seconds") instanceof Number n ? Math.max(1, n.longValue()) : 300;
                long until = millis.getAsLong() + seconds * 1000;
                mutedUntil.put(target, until);
                return Outcome.broadcast(stamp(notice("muted").put("userId", target).put("until", until)));
            }
            case "unmute" -> {
                mutedUntil.remove(target);
                return Outcome.broadcast(stamp(notice("unmuted").put("userId", target)));
            }
            case "unban" -> {
                bannedUntil.remove(target);
                addressBans.values().removeIf(ban -> ban.userId().equals(target));
                return Outcome.broadcast(stamp(notice("unbanned").put("userId", target)));
            }
            default -> {
                long until = m.getValue("seconds") instanceof Number n ? millis.getAsLong() + Math.max(1, n.longValue()) * 1000 : UNTIL_LIFTED;
                bannedUntil.put(target, until);
                Presence guest = guests.get(target);
                if (guest != null) {
                    addressBans.put(guest.address, new AddressBan(target, until));
                }
                JsonObject notice = notice("banned").put("userId", target);
                return Outcome.broadcast(stamp(until == UNTIL_LIFTED ? notice : notice.put("until", until)));
            }
        }
    }

    /** Takes one from the user's bucket of {@code rate}, made full on first use. */
    private boolean take(Map<String, TokenBucket> perUser, RoomUser user, RoomRules.Rate rate) {
        long now = nanos.getAsLong();
        return perUser.computeIfAbsent(user.id(), k -> new TokenBucket(rate.perSecond(), rate.burst(), now)).tryTake(now);
    }

    /** A stream going online or offline, announced to the room. */
    public JsonObject streamNotice(boolean online) {
        return stamp(notice(online ? "stream-online" : "stream-offline"));
    }

    private JsonObject stamp(JsonObject event) {
        event.put("seq", ++seq).put("ts", millis.getAsLong());
        history.addLast(event);
        while (history.size() > rules.historySize()) {
            history.removeFirst();
        }
        persistChanged = true;
        return event;
    }

    /** Counts the violation; past the abuse limit the client's socket is closed. */
    private Outcome reject(RoomUser user, String code, String message) {
        if (user.role() != RoomUser.Role.ANONYMOUS) {
            long now = nanos.getAsLong();
            ArrayDeque<Long> recent = violations.computeIfAbsent(user.id(), k -> new ArrayDeque<>());
            recent.addLast(now);
            while (!recent.isEmpty() && now - recent.peekFirst() > rules.abuseWindow().toNanos()) {
                recent.removeFirst();
            }
            if (recent.size() >= rules.abuseLimit()) {
                return new Outcome(List.of(), errorJson(code, message), "abuse");
            }
        }
        return new Outcome(List.of(), errorJson(code, message), null);
    }

    private static JsonObject errorJson(String code, String message) {
        return new JsonObject().put("type", "error").put("code", code).put("message", message);
    }

    private static JsonObject notice(String kind) {
        return new JsonObject().put("type", "notice").put("kind", kind);
    }

    private static JsonObject author(RoomUser user) {
        return new JsonObject().put("id", user.id()).put("nick", user.nick());
    }

    private static String newId() {
        return UUID.randomUUID().toString().substring(0, 13);
    }

    private JsonArray leaderboard() {
        return new JsonArray(giftBoard.values().stream()
                .sorted((a, b) -> Long.compare(b.getLong("coins"), a.getLong("coins")))
                .limit(LEADERBOARD_SIZE).map(JsonObject::copy).toList());
    }

    private JsonArray catalog() {
        return new JsonArray(rules.catalog().values().stream()
                .sorted((a, b) -> Integer.compare(a.price(), b.price()))
                .map(g -> new JsonObject().put("id", g.id()).put("name", g.name()).put("price", g.price())).toList());
    }
}
