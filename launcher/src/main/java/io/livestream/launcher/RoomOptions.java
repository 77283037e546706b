package io.livestream.launcher;

import io.livestream.interaction.RoomRules;
import picocli.CommandLine.Option;

import java.time.Duration;

/** What rooms allow: standalone and the interaction role share these. */
public final class RoomOptions {
    @Option(names = "--blocked-words", defaultValue = "${env:LIVE_BLOCKED_WORDS:-}",
            description = "Comma-separated words danmaku may not contain (env LIVE_BLOCKED_WORDS)")
    String blockedWords;

    @Option(names = "--gifts", defaultValue = "${env:LIVE_GIFTS:-}",
            description = "Gift catalog as id:name:price,... (env LIVE_GIFTS; default heart:Heart:1,rocket:Rocket:100,crown:Crown:500)")
    String gifts;

    @Option(names = "--room-state-ttl", defaultValue = "${env:LIVE_ROOM_STATE_TTL:-24h}", converter = Durations.class,
            description = "How long a room's saved state (history, likes, leaderboard, bans) outlives the room going idle (env LIVE_ROOM_STATE_TTL; default ${DEFAULT-VALUE})")
    Duration stateTtl;

    public RoomRules rules() {
        try {
            return RoomRules.defaults().withBlockedWords(blockedWords).withGifts(gifts).withStateTtl(stateTtl);
        } catch (IllegalArgumentException e) { // a gift without its price, a TTL of 0
            throw new BadSettingException(e.getMessage());
        }
    }
}
