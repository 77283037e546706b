package io.livestream.launcher.cluster;

import io.livestream.gateway.GatewayConfig;
import io.livestream.gateway.GatewayVerticle;
import io.livestream.gateway.PlayBackend;
import io.livestream.launcher.RelayOptions;
import io.livestream.common.auth.JwtKeys;
import io.livestream.common.net.TlsFiles;
import io.livestream.launcher.BadSettingException;
import io.livestream.launcher.GatewayLimitOptions;
import io.livestream.launcher.TrustedProxyOptions;
import io.livestream.launcher.JwtOptions;
import io.livestream.launcher.RecordOptions;
import io.livestream.launcher.ServerOptions;
import io.livestream.launcher.StudioOptions;
import io.livestream.launcher.TlsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The gateway role: the public HTTP entry, routing viewers to relays. */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "Run the clustered gateway role.")
public final class GatewayRoleCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    ServerOptions server;

    @Mixin
    JwtOptions jwt;

    @Mixin
    TlsOptions tls;

    @Mixin
    GatewayLimitOptions limits;

    @Mixin
    TrustedProxyOptions proxies;

    @Mixin
    StudioOptions studio;

    /** Recordings are made by ingest nodes; a gateway given the same directory (a shared volume) serves them. */
    @Mixin
    RecordOptions record;

    /** The gateway fans each stream it carries out to its viewers as a relay does: the same settings. */
    @Mixin
    RelayOptions fanOut;

    @Option(names = "--relay-max-viewers", defaultValue = "${env:LIVE_RELAY_MAX_VIEWERS:-2000}", description = "Viewers on a relay before new ones spill to the least-loaded relay (env LIVE_RELAY_MAX_VIEWERS; default ${DEFAULT-VALUE})")
    int relayMaxViewers;

    @Option(names = "--relay-max-egress-mbps", defaultValue = "${env:LIVE_RELAY_MAX_EGRESS_MBPS:-2000}", description = "Egress of a relay before new viewers spill over (env LIVE_RELAY_MAX_EGRESS_MBPS; default ${DEFAULT-VALUE})")
    double relayMaxEgressMbps;

    @Option(names = "--jwt-private-key", defaultValue = "${env:LIVE_JWT_PRIVATE_KEY:-}",
            description = "PEM private key (PKCS#8) of --jwt-public-key: guest and studio tokens are signed with it instead of the secret (env LIVE_JWT_PRIVATE_KEY)")
    String jwtPrivateKey;

    @Override
    public Integer call() throws Exception {
        JwtKeys keys = jwt.clusterKeys(jwtPrivateKey);
        if (!keys.canSign()) {
            throw new BadSettingException("guest and studio tokens are signed here: give LIVE_JWT_SECRET or LIVE_JWT_PRIVATE_KEY as well");
        }
        if (keys.privateKey() != null && keys.publicKey() == null) {
            throw new BadSettingException("LIVE_JWT_PRIVATE_KEY needs LIVE_JWT_PUBLIC_KEY, to check the tokens it signs");
        }
        TlsFiles tlsFiles = tls.load();
        GatewayConfig config = GatewayConfig.defaults().withHost(server.host).withHttpPort(server.httpPort).withRelayLimits(relayMaxViewers, relayMaxEgressMbps)
                .withStudio(studio.studio(false, 1935, 0))
                .withTls(tlsFiles).withLimits(limits.limits()).withTrustedProxies(proxies.proxies());
        return RoleRunner.run("gateway", cluster, node -> List.of(record.serveFrom(new GatewayVerticle(config, node.prometheus(),
                PlayBackend.relays(fanOut.config(), node.prometheus()), node.checks(), keys))));
    }
}
