package io.livestream.interaction;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a room allows, from configuration.
 *
 * @param maxLength         longest danmaku, in characters
 * @param ratePerSecond     danmaku a user may send per second on average
 * @param burst             danmaku a user may send at once
 * @param duplicateWindow   the same text from the same user within this window is refused
 * @param blockedWords      danmaku containing one of these (case-insensitive) are refused
 * @param catalog           the gift catalog, by id
 * @param historySize       messages kept per room for late and reconnecting viewers
 * @param abuseLimit        violations within {@code abuseWindow} after which the socket is closed
 * @param abuseWindow       see {@code abuseLimit}
 * @param maxLikesPerMessage the largest count one like message may carry
 * @param likes             like messages a user may send (each carries up to {@code maxLikesPerMessage});
 *                          the web client sends at most two a second
 * @param gifts             gift messages a user may send
 * @param stateTtl          how long a room's saved state outlives its last save; a room is saved
 *                          when it changes and as it leaves memory, so this counts from when it went idle
 */
public record RoomRules(
        int maxLength,
        double ratePerSecond,
        int burst,
        Duration duplicateWindow,
        List<String> blockedWords,
        Map<String, Gift> catalog,
        int historySize,
        int abuseLimit,
        Duration abuseWindow,
        int maxLikesPerMessage,
        Rate likes,
        Rate gifts,
        Duration stateTtl) {

    /** A token bucket's shape: messages per second on average, and at once. */
    public record Rate(double perSecond, int burst) {
    }

    /** An item of the gift catalog; the price is in the platform's coins. */
    public record Gift(String id, String name, int price) {
    }

    public static RoomRules defaults() {
        return new RoomRules(100, 1.0, 3, Duration.ofSeconds(10), List.of(),
                Map.of("heart", new Gift("heart", "Heart", 1),
                        "rocket", new Gift("rocket", "Rocket", 100),
                        "crown", new Gift("crown", "Crown", 500)),
                100, 10, Duration.ofSeconds(60), 100,
                new Rate(5, 10), new Rate(2, 10), Duration.ofHours(24));
    }

    /**
     * The gift catalog from a setting such as {@code heart:Heart:1,rocket:Rocket:100} (id, name,
     * price in coins); blank keeps the default catalog.
     */
    public RoomRules withGifts(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        Map<String, Gift> items = new java.util.LinkedHashMap<>();
        for (String item : spec.split(",")) {
            String[] parts = item.trim().split(":");
            if (parts.length != 3 || parts[0].isBlank()) {
                throw new IllegalArgumentException("gift '" + item + "': expected id:name:price");
            }
            items.put(parts[0].trim(), new Gift(parts[0].trim(), parts[1].trim(), Integer.parseInt(parts[2].trim())));
        }
        return new RoomRules(maxLength, ratePerSecond, burst, duplicateWindow, blockedWords, Map.copyOf(items), historySize,
                abuseLimit, abuseWindow, maxLikesPerMessage, likes, gifts, stateTtl);
    }

    /** Blocked words from a comma-separated setting. */
    public RoomRules withBlockedWords(String commaSeparated) {
        return withBlockedWords(java.util.Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim).filter(w -> !w.isEmpty()).toList());
    }

    public RoomRules withBlockedWords(List<String> words) {
        return new RoomRules(maxLength, ratePerSecond, burst, duplicateWindow, List.copyOf(words), catalog, historySize,
                abuseLimit, abuseWindow, maxLikesPerMessage, likes, gifts, stateTtl);
    }

    /** How long a room's saved state outlives its last save (see {@code stateTtl}). */
    public RoomRules withStateTtl(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("room state TTL must be positive, got " + ttl);
        }
        return new RoomRules(maxLength, ratePerSecond, burst, duplicateWindow, blockedWords, catalog, historySize,
                abuseLimit, abuseWindow, maxLikesPerMessage, likes, gifts, ttl);
    }
}
