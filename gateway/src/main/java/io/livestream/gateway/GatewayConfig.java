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
 * @param studio                how the studio hands out publish credentials
 */
public record GatewayConfig(String host, int httpPort, int viewerSendBufferBytes, int viewerQueueBytes,
                            int relayMaxViewers, double relayMaxEgressMbps, Studio studio) {

    /**
     * The studio's settings.
     *
     * @param openOnLoopback hand out credentials without a token to clients on this machine (standalone only)
     * @param publicRtmpUrl  the RTMP server streamers publish to, e.g. {@code rtmp://live.example.com:1935/live};
     *                       null: {@code rtmp://<the host the page was loaded from>:<rtmpPort>/live}
     * @param rtmpPort       the ingest's RTMP port, for the default URL
     */
    public record Studio(boolean openOnLoopback, String publicRtmpUrl, int rtmpPort) {
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, 256 * 1024, 1024 * 1024, 2000, 2000, new Studio(false, null, 1935));
    }

    public GatewayConfig withStudio(Studio s) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, viewerQueueBytes, relayMaxViewers, relayMaxEgressMbps, s);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(host, port, viewerSendBufferBytes, viewerQueueBytes, relayMaxViewers, relayMaxEgressMbps, studio);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, httpPort, viewerSendBufferBytes, viewerQueueBytes, relayMaxViewers, relayMaxEgressMbps, studio);
    }

    public GatewayConfig withRelayLimits(int maxViewers, double maxEgressMbps) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, viewerQueueBytes, maxViewers, maxEgressMbps, studio);
    }
}
