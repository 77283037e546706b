package io.livestream.launcher.cluster;

import io.livestream.launcher.Durations;
import io.livestream.relay.RelayConfig;
import io.livestream.relay.RelayVerticle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** The relay role: pulls streams on demand and fans them out as FLV to gateways or viewers. */
@Command(name = "relay", mixinStandardHelpOptions = true, description = "Run the clustered relay role.")
public final class RelayRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--http-port", defaultValue = "${env:LIVE_HTTP_PORT:-8080}", description = "HTTP port for /live/<stream>.flv, /health, /metrics (env LIVE_HTTP_PORT; default ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--host", defaultValue = "${env:LIVE_HOST:-0.0.0.0}", description = "Interface to bind (env LIVE_HOST; default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--advertise-host", defaultValue = "${env:LIVE_ADVERTISE_HOST:-}", description = "Host gateways reach this relay at (env LIVE_ADVERTISE_HOST; default: --cluster-host)")
    String advertiseHost;

    @Option(names = "--grace", defaultValue = "${env:LIVE_GRACE:-10s}", converter = Durations.class, description = "How long viewers wait for a publisher that went away (env LIVE_GRACE; default ${DEFAULT-VALUE})")
    Duration grace;

    @Option(names = "--stall-timeout", defaultValue = "${env:LIVE_STALL_TIMEOUT:-10s}", converter = Durations.class, description = "Close a viewer whose queue stays full this long (env LIVE_STALL_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration stallTimeout;

    @Option(names = "--viewer-queue-kb", defaultValue = "${env:LIVE_VIEWER_QUEUE_KB:-1024}", description = "Per-viewer write queue in KiB (env LIVE_VIEWER_QUEUE_KB; default ${DEFAULT-VALUE})")
    int viewerQueueKb;

    @Override
    public Integer call() throws Exception {
        String advertised = advertiseHost == null || advertiseHost.isBlank() ? cluster.host : advertiseHost;
        RelayConfig config = RelayConfig.defaults().withGrace(grace).withStallTimeout(stallTimeout).withViewerQueueBytes(viewerQueueKb * 1024);
        return RoleRunner.run("relay", cluster, node -> List.of(new RelayVerticle(config, host, httpPort, 256 * 1024,
                node.nodeId(), "http://" + advertised + ":" + httpPort, node.prometheus(), node.checks())));
    }
}
