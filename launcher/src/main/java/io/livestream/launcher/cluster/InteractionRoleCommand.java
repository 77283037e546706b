package io.livestream.launcher.cluster;

import io.livestream.common.ops.OpsVerticle;
import io.livestream.interaction.InteractionVerticle;
import io.livestream.interaction.RoomRules;
import io.livestream.launcher.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The interaction role: the authority for rooms (danmaku, likes, gifts, moderation). */
@Command(name = "interaction", mixinStandardHelpOptions = true, description = "Run the clustered interaction role (rooms).")
public final class InteractionRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    ServerOptions server;

    @Option(names = "--blocked-words", defaultValue = "${env:LIVE_BLOCKED_WORDS:-}", description = "Comma-separated words danmaku may not contain (env LIVE_BLOCKED_WORDS)")
    String blockedWords;

    @Option(names = "--gifts", defaultValue = "${env:LIVE_GIFTS:-}", description = "Gift catalog as id:name:price,... (env LIVE_GIFTS; default heart:Heart:1,rocket:Rocket:100,crown:Crown:500)")
    String gifts;

    @Override
    public Integer call() throws Exception {
        RoomRules rules = RoomRules.defaults().withBlockedWords(blockedWords).withGifts(gifts);
        return RoleRunner.run("interaction", cluster, node -> List.of(
                new InteractionVerticle(rules, node.prometheus()),
                new OpsVerticle(server.host, server.httpPort, node.checks(), node.prometheus())));
    }
}
