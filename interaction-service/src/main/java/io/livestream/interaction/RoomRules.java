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
 * @param gifts             the gift catalog, by id
 * @param historySize       messages kept per room for late and reconnecting viewers
 * @param abuseLimit        violations within {@code abuseWindow} after which the socket is closed
 * @param abuseWindow       see {@code abuseLimit}
 * @param maxLikesPerMessage the largest count one like message may carry
 */
public record RoomRules(
        int maxLength,
        double ratePerSecond,
        int burst,
        Duration duplicateWindow,
        List<String> blockedWords,
        Map<String, Gift> gifts,
        int historySize,
        int abuseLimit,
        Duration abuseWindow,
        int maxLikesPerMessage) {

    /** An item of the gift catalog; the price is in the platform's coins. */
    public record Gift(String id, String name, int price) {
    }

    public static RoomRules defaults() {
        return new RoomRules(100, 1.0, 3, Duration.ofSeconds(10), List.of(),
                Map.of("heart", new Gift("heart", "Heart", 1),
                        "rocket", new Gift("rocket", "Rocket", 100),
                        "crown", new Gift("crown", "Crown", 500)),
                100, 10, Duration.ofSeconds(60), 100);
    }

    /**
     * The gift catalog from a setting such as {@code heart:Heart:1,rocket:Rocket:100} (id, name,
     * price in coins); blank keeps the default catalog.
     */
    public RoomRules withGifts(String spec) {
        if (spec == null || spec.isBlank()) {
            return this;
        }
        Map<String, Gift> catalog = new java.util.LinkedHashMap<>();
        for (String item : spec.split(",")) {
            String[] parts = item.trim().split(":");
            if (parts.length != 3 || parts[0].isBlank()) {
                throw new IllegalArgumentException("gift '" + item + "': expected id:name:price");
            }
            catalog.put(parts[0].trim(), new Gift(parts[0].trim(), parts[1].trim(), Integer.parseInt(parts[2].trim())));
        }
        return new RoomRules(maxLength, ratePerSecond, burst, duplicateWindow, blockedWords, Map.copyOf(catalog), historySize,
                abuseLimit, abuseWindow, maxLikesPerMessage);
    }

    /** Blocked words from a comma-separated setting. */
    public RoomRules withBlockedWords(String commaSeparated) {
        return withBlockedWords(java.util.Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim).filter(w -> !w.isEmpty()).toList());
    }

    public RoomRules withBlockedWords(List<String> words) {
        return new RoomRules(maxLength, ratePerSecond, burst, duplicateWindow, List.copyOf(words), gifts, historySize,
                abuseLimit, abuseWindow, maxLikesPerMessage);
    }
}
