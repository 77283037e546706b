package io.livestream.gateway;

/**
 * Settings of the gateway.
 *
 * @param host                  interface the HTTP server binds to
 * @param httpPort              HTTP port (8080; 0 picks a free one)
 * @param viewerSendBufferBytes kernel send buffer per connection: small keeps a stalled viewer's
 *                              backlog (and so its delay and memory) small
 * @param viewerQueueBytes      per-viewer write queue when piping from a relay
 * @param relayMaxViewers       a relay with this many viewers spills new viewers to the least-loaded relay
 * @param relayMaxEgressMbps    likewise for a relay sending this many Mbps
 */
public record GatewayConfig(String host, int httpPort, int viewerSendBufferBytes, int viewerQueueBytes,
                            int relayMaxViewers, double relayMaxEgressMbps) {

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, 256 * 1024, 1024 * 1024, 2000, 2000);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(host, port, viewerSendBufferBytes, viewerQueueBytes, relayMaxViewers, relayMaxEgressMbps);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, httpPort, viewerSendBufferBytes, viewerQueueBytes, relayMaxViewers, relayMaxEgressMbps);
    }

    public GatewayConfig withRelayLimits(int maxViewers, double maxEgressMbps) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, viewerQueueBytes, maxViewers, maxEgressMbps);
    }
}
