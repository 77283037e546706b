package io.livestream.gateway;

import io.livestream.common.net.TlsFiles;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;

/**
 * Settings of the gateway.
 *
 * @param host                  interface the HTTP server binds to
 * @param httpPort              HTTP port (8080; 0 picks a free one)
 * @param viewerSendBufferBytes kernel send buffer per connection: small keeps a stalled viewer's
 *                              backlog (and so its delay and memory) small
 * @param relayMaxViewers       a relay with this many viewers spills new viewers to the least-loaded relay
 * @param relayMaxEgressMbps    likewise for a relay sending this many Mbps
 * @param studio                how the studio hands out publish credentials
 * @param tls                   certificate and key: HTTPS and WSS on the HTTP port; null: plain HTTP
 * @param limits                what one client may hold or send
 * @param trustedProxies        peers whose X-Forwarded-For / Forwarded name the client address (none by default)
 */
public record GatewayConfig(String host, int httpPort, int viewerSendBufferBytes,
                            int relayMaxViewers, double relayMaxEgressMbps, Studio studio, TlsFiles tls,
                            Limits limits, TrustedProxies trustedProxies) {

    /**
     * The studio's settings.
     *
     * @param openOnLoopback hand out credentials without a token to clients on this machine (standalone only)
     * @param publicRtmpUrl  the RTMP server streamers publish to, e.g. {@code rtmp://live.example.com:1935/live};
     *                       null: {@code rtmps://<the host the page was loaded from>:<rtmpsPort>/live} when
     *                       ingest serves RTMPS (the stream key carries the publish token), else {@code rtmp://...:<rtmpPort>/live}
     * @param rtmpPort       the ingest's RTMP port, for the default URL
     * @param rtmpsPort      the ingest's RTMPS port, for the default URL; 0 when it has none
     */
    public record Studio(boolean openOnLoopback, String publicRtmpUrl, int rtmpPort, int rtmpsPort) {
    }

    /**
     * What one client address may hold or send; a connection over a limit is refused with its reason
     * and counted in {@code live_limit_refusals_total}. The caps are high enough for an audience
     * behind one address (a NAT, an office, an Ingress without trusted proxies); what stops one host
     * from opening connections without end is the rate of new ones.
     *
     * @param viewers                WebSocket-FLV and HTTP-FLV viewers: at once, and new ones per second (burst)
     * @param rooms                  room WebSockets, likewise
     * @param sessionsPerSecond      guest sessions ({@code POST /api/session}) one address may create per second (0: no limit)
     * @param sessionBurst           guest sessions one address may create at once
     * @param maxHeaderBytes         HTTP request headers, all together (431 beyond)
     * @param maxRequestLineBytes    HTTP request line (414 beyond)
     * @param maxWebSocketFrameBytes a WebSocket frame or message from a client (close 1009 beyond)
     */
    public record Limits(ConnectionLimiter.Limits viewers, ConnectionLimiter.Limits rooms, double sessionsPerSecond,
                         int sessionBurst, int maxHeaderBytes, int maxRequestLineBytes, int maxWebSocketFrameBytes) {
        public static Limits defaults() {
            return new Limits(new ConnectionLimiter.Limits(5000, 20, 100), new ConnectionLimiter.Limits(2000, 20, 100),
                    1, 20, 8 * 1024, 4096, 64 * 1024);
        }

        public Limits withViewers(ConnectionLimiter.Limits v) {
            return new Limits(v, rooms, sessionsPerSecond, sessionBurst, maxHeaderBytes, maxRequestLineBytes, maxWebSocketFrameBytes);
        }

        public Limits withRooms(ConnectionLimiter.Limits r) {
            return new Limits(viewers, r, sessionsPerSecond, sessionBurst, maxHeaderBytes, maxRequestLineBytes, maxWebSocketFrameBytes);
        }

        public Limits withSessions(double perSecond, int burst) {
            return new Limits(viewers, rooms, perSecond, burst, maxHeaderBytes, maxRequestLineBytes, maxWebSocketFrameBytes);
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("0.0.0.0", 8080, 256 * 1024, 2000, 2000, new Studio(false, null, 1935, 0), null, Limits.defaults(), TrustedProxies.none());
    }

    public GatewayConfig withStudio(Studio s) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, s, tls, limits, trustedProxies);
    }

    public GatewayConfig withHttpPort(int port) {
        return new GatewayConfig(host, port, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, studio, tls, limits, trustedProxies);
    }

    public GatewayConfig withHost(String newHost) {
        return new GatewayConfig(newHost, httpPort, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, studio, tls, limits, trustedProxies);
    }

    public GatewayConfig withRelayLimits(int maxViewers, double maxEgressMbps) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, maxViewers, maxEgressMbps, studio, tls, limits, trustedProxies);
    }

    public GatewayConfig withTls(TlsFiles t) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, studio, t, limits, trustedProxies);
    }

    public GatewayConfig withLimits(Limits l) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, studio, tls, l, trustedProxies);
    }

    public GatewayConfig withTrustedProxies(TrustedProxies p) {
        return new GatewayConfig(host, httpPort, viewerSendBufferBytes, relayMaxViewers, relayMaxEgressMbps, studio, tls, limits, p);
    }
}
