package io.livestream.interaction;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The pace of each user in a room: a token bucket per kind of message, the texts it sent lately
 * (duplicates), and its violations (abuse). Part of a {@link Room}, confined to its event loop;
 * times are monotonic nanoseconds from the room's clock.
 */
final class UserPace {
    /** The kinds of message with a rate of their own. */
    enum Kind { DANMAKU, LIKE, GIFT }

    private final RoomRules rules;
    private final LongSupplier nanos;
    private final Map<Kind, Map<String, TokenBucket>> buckets = new EnumMap<>(Kind.class);
    private final Map<String, Map<String, Long>> recentTexts = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> violations = new HashMap<>();

    UserPace(RoomRules rules, LongSupplier nanos) {
        this.rules = rules;
        this.nanos = nanos;
        for (Kind kind : Kind.values()) {
            buckets.put(kind, new HashMap<>());
        }
    }

    /** Takes one from the user's bucket of {@code kind} at {@code rate}, made full on first use. */
    boolean take(Kind kind, String userId, RoomRules.Rate rate) {
        long now = nanos.getAsLong();
        return buckets.get(kind).computeIfAbsent(userId, k -> new TokenBucket(rate.perSecond(), rate.burst(), now)).tryTake(now);
    }

    /** True when the user sent {@code normalized} within the duplicate window; else it is remembered. */
    boolean repeats(String userId, String normalized) {
        long now = nanos.getAsLong();
        Map<String, Long> recent = recentTexts.computeIfAbsent(userId, k -> new HashMap<>());
        long window = rules.duplicateWindow().toNanos();
        recent.values().removeIf(at -> now - at > window);
        return recent.containsKey(normalized);
    }

    void remember(String userId, String normalized) {
        recentTexts.computeIfAbsent(userId, k -> new HashMap<>()).put(normalized, nanos.getAsLong());
    }

    /** Counts a violation; true when the user has reached the abuse limit within the abuse window. */
    boolean violated(String userId) {
        long now = nanos.getAsLong();
        ArrayDeque<Long> recent = violations.computeIfAbsent(userId, k -> new ArrayDeque<>());
        recent.addLast(now);
        while (!recent.isEmpty() && now - recent.peekFirst() > rules.abuseWindow().toNanos()) {
            recent.removeFirst();
        }
        return recent.size() >= rules.abuseLimit();
    }

    /** Drops what no longer says anything: buckets that have refilled, texts past the duplicate window, violations past the abuse window. */
    void forgetIdle() {
        long now = nanos.getAsLong();
        long duplicateWindow = rules.duplicateWindow().toNanos();
        long abuseWindow = rules.abuseWindow().toNanos();
        buckets.values().forEach(map -> map.values().removeIf(bucket -> bucket.isFullAt(now)));
        recentTexts.values().removeIf(recent -> {
            recent.values().removeIf(at -> now - at > duplicateWindow);
            return recent.isEmpty();
        });
        violations.values().removeIf(times -> times.isEmpty() || now - times.peekLast() > abuseWindow);
    }

    int entries() {
        return buckets.values().stream().mapToInt(Map::size).sum() + recentTexts.size() + violations.size();
    }

    Set<String> users() {
        Set<String> users = new HashSet<>();
        buckets.values().forEach(map -> users.addAll(map.keySet()));
        users.addAll(recentTexts.keySet());
        users.addAll(violations.keySet());
        return users;
    }
}
