package io.livestream.launcher.cluster;

import io.livestream.common.ops.OpsVerticle;
import io.livestream.interaction.InteractionVerticle;
import io.livestream.launcher.RoomOptions;
import io.livestream.launcher.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.concurrent.Callable;

/** The interaction role: the authority for rooms (danmaku, likes, gifts, moderation). */
@Command(name = "interaction", mixinStandardHelpOptions = true, description = "Run the clustered interaction role (rooms).")
public final class InteractionRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    ServerOptions server;

    @Mixin
    RoomOptions rooms;

    @Override
    public Integer call() throws Exception {
        return RoleRunner.run("interaction", cluster, node -> List.of(
                new InteractionVerticle(rooms.rules(), node.prometheus(), node.nodeId()),
                new OpsVerticle(server.host, server.httpPort, node.checks(), node.prometheus())));
    }
}
