package io.livestream.launcher.cluster;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.ops.OpsVerticle;
import io.livestream.ingest.IngestConfig;
import io.livestream.ingest.IngestVerticle;
import io.livestream.launcher.IngestLimitOptions;
import io.livestream.launcher.RecordOptions;
import io.livestream.launcher.JwtOptions;
import io.livestream.launcher.ServerOptions;
import io.livestream.launcher.TlsOptions;
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

    @Mixin
    JwtOptions jwt;

    @Mixin
    TlsOptions tls;

    @Mixin
    IngestLimitOptions limits;

    @Mixin
    RecordOptions record;

    @Option(names = "--rtmp-port", defaultValue = "${env:LIVE_RTMP_PORT:-1935}", description = "RTMP port (env LIVE_RTMP_PORT; default ${DEFAULT-VALUE})")
    int rtmpPort;

    @Option(names = "--rtmps-port", defaultValue = "${env:LIVE_RTMPS_PORT:-1936}", description = "RTMPS (RTMP over TLS) port, served with --tls-cert (env LIVE_RTMPS_PORT; default ${DEFAULT-VALUE})")
    int rtmpsPort;

    @Override
    public Integer call() throws Exception {
        IngestConfig config = limits.apply(IngestConfig.defaults().withHost(server.host).withRtmpPort(rtmpPort))
                .withRtmps(rtmpsPort, tls.load());
        JwtKeys keys = jwt.clusterKeys(null);
        return RoleRunner.run("ingest", cluster, node -> List.of(
                record.recordTo(new IngestVerticle(config, keys, node.nodeId(), node.prometheus(), List.of())),
                new OpsVerticle(server.host, server.httpPort, node.checks(), node.prometheus())));
    }
}
