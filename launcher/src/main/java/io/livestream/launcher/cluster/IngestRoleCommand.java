package io.livestream.launcher.cluster;

import io.livestream.common.ops.OpsVerticle;
import io.livestream.ingest.IngestConfig;
import io.livestream.ingest.IngestVerticle;
import io.livestream.launcher.ServerOptions;
import io.livestream.common.auth.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The ingest role: RTMP in, media on the clustered event bus. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Run the clustered ingest role (RTMP server).")
public final class IngestRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    ServerOptions server;

    @Option(names = "--rtmp-port", defaultValue = "${env:LIVE_RTMP_PORT:-1935}", description = "RTMP port (env LIVE_RTMP_PORT; default ${DEFAULT-VALUE})")
    int rtmpPort;

    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}", description = "HS256 secret for publish tokens (env LIVE_JWT_SECRET); required")
    String jwtSecret;

    @Option(names = "--max-rtmp-connections-per-address", defaultValue = "${env:LIVE_MAX_RTMP_CONNECTIONS_PER_ADDRESS:-20}",
            description = "RTMP connections one client address may hold; 0: no limit (env LIVE_MAX_RTMP_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int maxRtmpConnectionsPerAddress;

    @Override
    public Integer call() throws Exception {
        String weakness = Tokens.weakness(jwtSecret);
        if (weakness != null) {
            System.err.println("ingest: LIVE_JWT_SECRET (or --jwt-secret) is required in a cluster: " + weakness);
            return 2;
        }
        return RoleRunner.run("ingest", cluster, node -> List.of(
                new IngestVerticle(IngestConfig.defaults().withHost(server.host).withRtmpPort(rtmpPort).withMaxConnectionsPerAddress(maxRtmpConnectionsPerAddress), jwtSecret,
                        node.nodeId(), node.prometheus(), List.of()),
                new OpsVerticle(server.host, server.httpPort, node.checks(), node.prometheus())));
    }
}
