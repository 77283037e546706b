package io.livestream.launcher.cluster;

import io.livestream.common.auth.JwtKeys;
import io.livestream.launcher.JwtOptions;
import io.livestream.launcher.RelayOptions;
import io.livestream.launcher.ServerOptions;
import io.livestream.relay.RelayVerticle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.livestream.launcher.BadSettingException;

import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;

/** The relay role: pulls streams on demand and fans them out as FLV to gateways or viewers (private streams with a play token). */
@Command(name = "relay", mixinStandardHelpOptions = true, description = "Run the clustered relay role.")
public final class RelayRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    ServerOptions server;

    @Mixin
    RelayOptions relay;

    @Mixin
    JwtOptions jwt;

    @Option(names = "--advertise-host", defaultValue = "${env:LIVE_ADVERTISE_HOST:-}", description = "Host gateways reach this relay at (env LIVE_ADVERTISE_HOST; default: --cluster-host)")
    String advertiseHost;

    @Option(names = "--public-url", defaultValue = "${env:LIVE_PUBLIC_URL:-}",
            description = "Where viewers reach this relay directly, e.g. https://relay-1.live.example.com (env LIVE_PUBLIC_URL): "
                    + "gateways then redirect HTTP-FLV viewers here and /api/play names it; default: none, viewers play through a gateway")
    String publicUrl;

    @Option(names = "--drain", defaultValue = "${env:LIVE_DRAIN:-5s}", converter = io.livestream.launcher.Durations.class,
            description = "On shutdown, how long viewers play on after the relay stopped taking new ones (env LIVE_DRAIN; default ${DEFAULT-VALUE})")
    java.time.Duration drain;

    @Override
    public Integer call() throws Exception {
        JwtKeys keys = jwt.clusterKeys(null);
        String advertised = advertiseHost == null || advertiseHost.isBlank() ? cluster.host : advertiseHost;
        return RoleRunner.run("relay", cluster, node -> List.of(new RelayVerticle(relay.config(), server.host, server.httpPort,
                256 * 1024, node.nodeId(), "http://" + advertised + ":" + server.httpPort, publicUrl(), keys, node.prometheus(), node.checks(), drain)));
    }

    private String publicUrl() {
        if (publicUrl == null || publicUrl.isBlank()) {
            return null;
        }
        URI parsed;
        try {
            parsed = URI.create(publicUrl.replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw new BadSettingException("--public-url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new BadSettingException("--public-url must be an http:// or https:// URL with a host, not " + publicUrl);
        }
        return parsed.toString();
    }
}
