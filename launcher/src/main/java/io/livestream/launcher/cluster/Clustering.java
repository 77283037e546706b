package io.livestream.launcher.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Arrays;

/**
 * Starts a clustered Vert.x: Hazelcast configured in code (no multicast, no cloud probing,
 * no phone-home), joining over TCP on a member list or through a Kubernetes headless service.
 */
public final class Clustering {
    private Clustering() {
    }

    public static Future<Vertx> start(ClusterOptions options) {
        VertxOptions vertxOptions = new VertxOptions()
                .setPreferNativeTransport(true)
                .setEventBusOptions(new EventBusOptions().setHost(options.host).setPort(options.busPort));
        return Vertx.builder()
                .with(vertxOptions)
                .withClusterManager(new HazelcastClusterManager(hazelcastConfig(options)))
                .buildClustered();
    }

    static Config hazelcastConfig(ClusterOptions options) {
        Config config = new Config();
        config.setClusterName(options.name);
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", String.valueOf(options.joinWaitSeconds));
        config.setProperty("hazelcast.shutdownhook.enabled", "false");

        // The structures Vert.x's default cluster XML declares.
        config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
                .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
        config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
        config.addMapConfig(new MapConfig("live.*").setBackupCount(1).setInMemoryFormat(InMemoryFormat.BINARY));

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(options.port).setPortAutoIncrement(true);
        network.setPublicAddress(null);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if ("kubernetes".equalsIgnoreCase(options.discovery)) {
            if (options.kubernetesServiceDns == null || options.kubernetesServiceDns.isBlank()) {
                throw new IllegalArgumentException("kubernetes discovery needs --kubernetes-service-dns (LIVE_KUBERNETES_SERVICE_DNS)");
            }
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", options.kubernetesServiceDns)
                    .setProperty("service-port", String.valueOf(options.port));
        } else if ("tcp".equalsIgnoreCase(options.discovery)) {
            network.getInterfaces().setEnabled(true).addInterface(options.host);
            join.getTcpIpConfig().setEnabled(true);
            // A member without a port stands for the first ten ports from --cluster-port, listed one by
            // one (a port range next to enabled interfaces is refused by Hazelcast 5.3).
            Arrays.stream(options.members.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(member -> {
                if (member.contains(":")) {
                    join.getTcpIpConfig().addMember(member);
                } else {
                    for (int p = options.port; p < options.port + 10; p++) {
                        join.getTcpIpConfig().addMember(member + ":" + p);
                    }
                }
            });
        } else {
            throw new IllegalArgumentException("unknown discovery '" + options.discovery + "' (tcp or kubernetes)");
        }
        return config;
    }
}
