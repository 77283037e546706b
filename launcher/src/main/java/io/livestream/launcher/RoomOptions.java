package io.livestream.launcher;

import io.livestream.interaction.RoomRules;
import picocli.CommandLine.Option;

/** What rooms allow: standalone and the interaction role share these. */
public final class RoomOptions {
    @Option(names = "--blocked-words", defaultValue = "${env:LIVE_BLOCKED_WORDS:-}",
            description = "Comma-separated words danmaku may not contain (env LIVE_BLOCKED_WORDS)")
    String blockedWords;

    @Option(names = "--gifts", defaultValue = "${env:LIVE_GIFTS:-}",
            description = "Gift catalog as id:name:price,... (env LIVE_GIFTS; default heart:Heart:1,rocket:Rocket:100,crown:Crown:500)")
    String gifts;

    public RoomRules rules() {
        return RoomRules.defaults().withBlockedWords(blockedWords).withGifts(gifts);
    }
}
