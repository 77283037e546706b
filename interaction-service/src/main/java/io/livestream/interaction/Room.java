package io.livestream.interaction;

import io.livestream.common.CloseReason;
import io.livestream.common.room.RoomError;
import io.livestream.common.room.RoomNotice;
import io.livestream.common.room.RoomProtocol;
import io.livestream.common.room.RoomUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

    /** What the room answers a client message with. */
    public record Outcome(List<JsonObject> broadcast, RoomError error, CloseReason close) {
        static final Outcome NOTHING = new Outcome(List.of(), null, null);

        static Outcome broadcast(JsonObject event) {
            return new Outcome(List.of(event), null, null);
        }

        static Outcome error(RoomError.Code code, String message) {
            return new Outcome(List.of(), RoomError.of(code, message), null);
        }
    }

    private final String id;
    private final RoomRules rules;
    private final LongSupplier nanos;
    private final LongSupplier millis;
    private final ArrayDeque<JsonObject> history = new ArrayDeque<>();
    private final UserPace pace;
    private final Moderation moderation;
    private final GiftBoard giftBoard = new GiftBoard();
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
        this.moderation = new Moderation(millis);
        this.pace = new UserPace(rules, nanos);
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

    /** The recent history, oldest first. */
    public List<JsonObject> history() {
        return List.copyOf(history);
    }

    /**
     * Null when {@code user} may join from {@code address}; else the refusal, which closes it
     * {@code banned}: a guest from the address of a guest banned here, while that ban lasts.
     */
    public Outcome refusesJoin(RoomUser user, String address) {
        RoomError refusal = moderation.refusesJoin(user, address);
        return refusal == null ? null : new Outcome(List.of(), refusal, CloseReason.BANNED);
    }

    public void joined(RoomUser user, String address) {
        viewers++;
        statsChanged = true;
        moderation.joined(user, address);
    }

    public void left(RoomUser user) {
        moderation.left(user);
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
        return seq == 0 && likes == 0 && history.isEmpty() && giftBoard.isEmpty() && moderation.isEmpty();
    }

    /** Handles one message a client sent. */
    public Outcome receive(RoomUser user, JsonObject message) {
        Object type = message.getValue("type");
        if (!(type instanceof String t)) {
            return reject(user, RoomError.Code.BAD_REQUEST, "a message needs a string 'type'");
        }
        if (user.role() == RoomUser.Role.ANONYMOUS) {
            return reject(user, RoomError.Code.NOT_ALLOWED, "sign in to take part (no token: read-only)");
        }
        if (moderation.banned(user.id())) {
            return new Outcome(List.of(), RoomError.of(RoomError.Code.BANNED, "you are banned from this room"), CloseReason.BANNED);
        }
        Optional<RoomProtocol.ClientType> known = RoomProtocol.ClientType.of(t).filter(k -> k != RoomProtocol.ClientType.PING);
        if (known.isEmpty()) { // a ping is the gateway's to answer
            return reject(user, RoomError.Code.BAD_REQUEST, "unknown message type '" + t + "'");
        }
        return switch (known.get()) {
            case DANMAKU -> danmaku(user, message);
            case LIKE -> like(user, message);
            case GIFT -> gift(user, message);
            default -> moderate(user, known.get(), message);
        };
    }

    /** The first message a member gets: room state and history (only what it missed, when it says what it had). */
    public JsonObject hello(long lastSeq) {
        return hello(lastSeq, seq);
    }

    /** As {@link #hello(long)}, as of sequence {@code upTo}: what came after is left for the batches that follow. */
    public JsonObject hello(long lastSeq, long upTo) {
        JsonArray events = new JsonArray();
        boolean resumed = lastSeq > 0 && (history.isEmpty() ? lastSeq <= upTo : history.peekFirst().getLong("seq") <= lastSeq + 1);
        for (JsonObject e : history) {
            long at = e.getLong("seq");
            if (at <= upTo && (!resumed || at > lastSeq)) {
                events.add(e);
            }
        }
        return new JsonObject().put("type", RoomProtocol.ServerType.HELLO.label).put("room", id).put("seq", upTo)
                .put("viewers", viewers).put("likes", likes).put("leaderboard", giftBoard.leaderboard())
                .put("gifts", catalog()).put("resumed", resumed).put("history", events);
    }

    /** The periodic stats event, when likes, viewers or the leaderboard changed since the last one. */
    public JsonObject tick() {
        if (!statsChanged) {
            return null;
        }
        statsChanged = false;
        return event(RoomProtocol.EventType.STATS).put("seq", seq).put("likes", likes)
                .put("viewers", viewers).put("leaderboard", giftBoard.leaderboard());
    }

    /**
     * Drops per-user state that no longer says anything: buckets that have refilled, remembered
     * texts past the duplicate window, violations past the abuse window, mutes that ran out. A room
     * hears from many passing guests; without this its memory would grow with every one of them.
     *
     * @return how many users' entries were dropped
     */
    public int forgetIdleUsers() {
        int before = trackedEntries();
        pace.forgetIdle();
        if (moderation.forgetExpired()) {
            persistChanged = true;
        }
        return before - trackedEntries();
    }

    private int trackedEntries() {
        return pace.entries() + moderation.mutedCount();
    }

    /** Users with per-user state held: what {@link #forgetIdleUsers()} bounds. */
    int trackedUsers() {
        Set<String> users = new HashSet<>(pace.users());
        users.addAll(moderation.mutedUsers());
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
        JsonObject state = new JsonObject().put("seq", seq).put("likes", likes)
                .put("history", new JsonArray(new ArrayList<>(history)))
                .put("board", giftBoard.toJson());
        moderation.save(state);
        return state;
    }

    public void restore(JsonObject saved) {
        seq = saved.getLong("seq", 0L);
        likes = saved.getLong("likes", 0L);
        history.clear();
        saved.getJsonArray("history", new JsonArray()).forEach(o -> history.addLast((JsonObject) o));
        giftBoard.restore(saved.getJsonObject("board", new JsonObject()));
        moderation.restore(saved);
    }

    private Outcome danmaku(RoomUser user, JsonObject m) {
        long muted = moderation.mutedFor(user.id());
        if (muted > 0) {
            return reject(user, RoomError.Code.MUTED, "you are muted for " + (muted / 1000 + 1) + " s");
        }
        if (!(m.getValue("text") instanceof String text) || text.isBlank()) {
            return reject(user, RoomError.Code.BAD_REQUEST, "danmaku needs a non-empty 'text'");
        }
        if (text.codePointCount(0, text.length()) > rules.maxLength()) {
            return reject(user, RoomError.Code.TOO_LONG, "danmaku are at most " + rules.maxLength() + " characters");
        }
        if (!pace.take(UserPace.Kind.DANMAKU, user.id(), new RoomRules.Rate(rules.ratePerSecond(), rules.burst()))) {
            return reject(user, RoomError.Code.RATE_LIMITED, "slow down: " + rules.ratePerSecond() + " danmaku per second, bursts of " + rules.burst());
        }
        String normalized = text.strip().toLowerCase(Locale.ROOT);
        if (pace.repeats(user.id(), normalized)) {
            return reject(user, RoomError.Code.DUPLICATE, "you just sent that");
        }
        for (String word : rules.blockedWords()) {
            if (normalized.contains(word.toLowerCase(Locale.ROOT))) {
                return reject(user, RoomError.Code.FILTERED, "that message contains a blocked word");
            }
        }
        pace.remember(user.id(), normalized);
        String color = m.getValue("color") instanceof String c && COLOR.matcher(c).matches() ? c : "#ffffff";
        String mode = m.getValue("mode") instanceof String md && MODES.contains(md) ? md : "scroll";
        long streamTs = m.getValue("streamTs") instanceof Number n ? Math.max(0, n.longValue()) : 0;
        return Outcome.broadcast(stamp(event(RoomProtocol.EventType.DANMAKU).put("id", newId())
                .put("user", author(user)).put("text", text).put("color", color).put("mode", mode).put("streamTs", streamTs)));
    }

    private Outcome like(RoomUser user, JsonObject m) {
        int count = m.getValue("count") instanceof Number n ? n.intValue() : 1;
        if (count < 1 || count > rules.maxLikesPerMessage()) {
            return reject(user, RoomError.Code.BAD_REQUEST, "a like carries a count from 1 to " + rules.maxLikesPerMessage());
        }
        if (!pace.take(UserPace.Kind.LIKE, user.id(), rules.likes())) {
            return reject(user, RoomError.Code.RATE_LIMITED, "slow down: " + rules.likes().perSecond() + " like messages per second, bursts of "
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
            return reject(user, RoomError.Code.UNKNOWN_GIFT, "no such gift; the catalog is in the hello message");
        }
        int count = m.getValue("count") instanceof Number n ? n.intValue() : 1;
        if (count < 1 || count > MAX_GIFT_COUNT) {
            return reject(user, RoomError.Code.BAD_REQUEST, "a gift count is from 1 to " + MAX_GIFT_COUNT);
        }
        if (!pace.take(UserPace.Kind.GIFT, user.id(), rules.gifts())) {
            return reject(user, RoomError.Code.RATE_LIMITED, "slow down: " + rules.gifts().perSecond() + " gifts per second, bursts of "
                    + rules.gifts().burst());
        }
        long coins = (long) gift.price() * count;
        giftBoard.add(user, coins);
        statsChanged = true;
        return Outcome.broadcast(stamp(event(RoomProtocol.EventType.GIFT).put("id", newId()).put("user", author(user))
                .put("giftId", gift.id()).put("name", gift.name()).put("count", count).put("coins", coins)));
    }

    private Outcome moderate(RoomUser actor, RoomProtocol.ClientType action, JsonObject m) {
        if (!actor.moderates(id)) {
            return reject(actor, RoomError.Code.NOT_ALLOWED, "only the streamer and moderators of this room may " + action.label);
        }
        if (action == RoomProtocol.ClientType.DELETE) {
            String messageId = m.getValue("messageId") instanceof String s ? s : null;
            if (messageId == null || !history.removeIf(e -> messageId.equals(e.getString("id")))) {
                return Outcome.error(RoomError.Code.NOT_FOUND, "no such message in the room's history");
            }
            return announce(new RoomNotice.Deleted(messageId));
        }
        String target = m.getValue("userId") instanceof String s && !s.isEmpty() ? s : null;
        if (target == null) {
            return Outcome.error(RoomError.Code.BAD_REQUEST, action.label + " needs a 'userId'");
        }
        Long seconds = m.getValue("seconds") instanceof Number n ? Math.max(1, n.longValue()) : null;
        return announce(switch (action) {
            case MUTE -> moderation.mute(target, seconds == null ? 300 : seconds);
            case UNMUTE -> moderation.unmute(target);
            case UNBAN -> moderation.unban(target);
            default -> moderation.ban(target, seconds);
        });
    }

    private Outcome announce(RoomNotice notice) {
        return Outcome.broadcast(stamp(notice.toJson()));
    }

    /** A stream going online or offline, announced to the room. */
    public JsonObject streamNotice(boolean online) {
        return stamp((online ? new RoomNotice.StreamOnline() : new RoomNotice.StreamOffline()).toJson());
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
    private Outcome reject(RoomUser user, RoomError.Code code, String message) {
        if (user.role() != RoomUser.Role.ANONYMOUS && pace.violated(user.id())) {
            return new Outcome(List.of(), RoomError.of(code, message), CloseReason.ABUSE);
        }
        return Outcome.error(code, message);
    }

    private static JsonObject event(RoomProtocol.EventType type) {
        return new JsonObject().put("type", type.label);
    }

    private static JsonObject author(RoomUser user) {
        return new JsonObject().put("id", user.id()).put("nick", user.nick());
    }

    private static String newId() {
        return UUID.randomUUID().toString().substring(0, 13);
    }

    private JsonArray catalog() {
        return new JsonArray(rules.catalog().values().stream()
                .sorted((a, b) -> Integer.compare(a.price(), b.price()))
                .map(g -> new JsonObject().put("id", g.id()).put("name", g.name()).put("price", g.price())).toList());
    }
}
