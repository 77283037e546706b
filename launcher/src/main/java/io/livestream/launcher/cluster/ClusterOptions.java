package io.livestream.launcher.cluster;

import picocli.CommandLine.Option;

/** How a role process finds the others: Hazelcast over TCP on a member list, or Kubernetes DNS. */
public final class ClusterOptions {

    @Option(names = "--cluster-name", defaultValue = "${env:LIVE_CLUSTER_NAME:-livestream}",
            description = "Hazelcast cluster name; processes with the same name join (env LIVE_CLUSTER_NAME; default ${DEFAULT-VALUE})")
    public String name;

    @Option(names = "--cluster-host", defaultValue = "${env:LIVE_CLUSTER_HOST:-127.0.0.1}",
            description = "Address this node binds and advertises for Hazelcast and the event bus; on Kubernetes the pod IP (env LIVE_CLUSTER_HOST; default ${DEFAULT-VALUE})")
    public String host;

    @Option(names = "--cluster-port", defaultValue = "${env:LIVE_CLUSTER_PORT:-5701}",
            description = "First Hazelcast port; the next free one is taken (env LIVE_CLUSTER_PORT; default ${DEFAULT-VALUE})")
    public int port;

    @Option(names = "--bus-port", defaultValue = "${env:LIVE_BUS_PORT:-0}",
            description = "Port of the clustered event bus; 0: a free one picked at start. Fixed on Kubernetes, so that NetworkPolicies can name it (env LIVE_BUS_PORT; default ${DEFAULT-VALUE})")
    public int busPort;

    @Option(names = "--cluster-members", defaultValue = "${env:LIVE_CLUSTER_MEMBERS:-127.0.0.1}",
            description = "Comma-separated member hosts for TCP discovery (env LIVE_CLUSTER_MEMBERS; default ${DEFAULT-VALUE})")
    public String members;

    @Option(names = "--discovery", defaultValue = "${env:LIVE_DISCOVERY:-tcp}",
            description = "tcp (member list) or kubernetes (DNS of a headless service) (env LIVE_DISCOVERY; default ${DEFAULT-VALUE})")
    public String discovery;

    @Option(names = "--kubernetes-service-dns", defaultValue = "${env:LIVE_KUBERNETES_SERVICE_DNS:-}",
            description = "Headless service DNS name for kubernetes discovery, e.g. livestream-hazelcast.live.svc.cluster.local (env LIVE_KUBERNETES_SERVICE_DNS)")
    public String kubernetesServiceDns;

    @Option(names = "--join-wait", defaultValue = "${env:LIVE_CLUSTER_JOIN_WAIT_SECONDS:-1}",
            description = "Seconds Hazelcast waits for other members before it starts alone (env LIVE_CLUSTER_JOIN_WAIT_SECONDS; default ${DEFAULT-VALUE})")
    public int joinWaitSeconds;
}
