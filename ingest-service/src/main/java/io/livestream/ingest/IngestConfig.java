package io.livestream.ingest;

import io.livestream.common.net.TlsFiles;
import io.livestream.media.rtmp.RtmpLimits;

import java.time.Duration;

/**
 * Settings of the ingest service.
 *
 * @param host             interface the RTMP server binds to
 * @param rtmpPort         RTMP port (1935; 0 picks a free one)
 * @param limits           RTMP parser bounds
 * @param handshakeTimeout a connection that has not completed the handshake by then is closed
 * @param idleTimeout      a connection that sends nothing for this long, or that has not published for this long, is closed
 * @param staleAfter       a publisher silent this long may be replaced by a new one for the same stream
 * @param lease            time-to-live of the stream's registry entry (renewed at a third of it)
 * @param gopMaxPackets    bound on the cached GOP, in packets
 * @param gopMaxBytes      bound on the cached GOP, in bytes
 * @param maxConnectionsPerAddress RTMP connections one client address may hold (0: no limit)
 * @param rtmpsPort        RTMPS port (1936; 0 picks a free one), served only with {@code tls}
 * @param tls              certificate and key for RTMPS; null: plain RTMP only
 * @param maxPublishers    streams this node takes at once; the next publisher is refused (0: no limit)
 * @param bufferBudget     bytes all RTMP connections of the process may hold in unfinished messages; past it the
 *                         connection holding the most is closed, and publishers are refused while there is no
 *                         room for one more connection's {@link RtmpLimits#maxPartialBytes()}
 * @param connectionRate   new RTMP connections one client address may open per second, on average (0: no limit)
 * @param connectionBurst  new RTMP connections one client address may open at once
 * @param proxyProtocol    each RTMP(S) connection starts with a PROXY protocol v1 or v2 header (a TCP load balancer's),
 *                         whose client address is the one logs and limits see
 */
public record IngestConfig(
        String host,
        int rtmpPort,
        RtmpLimits limits,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration staleAfter,
        Duration lease,
        int gopMaxPackets,
        long gopMaxBytes,
        int maxConnectionsPerAddress,
        int rtmpsPort,
        TlsFiles tls,
        int maxPublishers,
        long bufferBudget,
        double connectionRate,
        int connectionBurst,
        boolean proxyProtocol) {

    public static final long DEFAULT_BUFFER_BUDGET = 256L * 1024 * 1024;

    /** Without RTMPS, with no rate limit on new connections. */
    public IngestConfig(String host, int rtmpPort, RtmpLimits limits, Duration handshakeTimeout, Duration idleTimeout,
                        Duration staleAfter, Duration lease, int gopMaxPackets, long gopMaxBytes, int maxConnectionsPerAddress) {
        this(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes,
                maxConnectionsPerAddress, 1936, null, 100, DEFAULT_BUFFER_BUDGET, 0, 1, false);
    }

    public static IngestConfig defaults() {
        return new IngestConfig("0.0.0.0", 1935, RtmpLimits.defaults(), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofMillis(1500), Duration.ofSeconds(6), 3000, 32L * 1024 * 1024, 20)
                .withConnectionRate(5, 20);
    }

    public IngestConfig withRtmpPort(int port) {
        return new IngestConfig(host, port, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    public IngestConfig withHost(String newHost) {
        return new IngestConfig(newHost, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    public IngestConfig withMaxConnectionsPerAddress(int max) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, max, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    public IngestConfig withLimits(RtmpLimits newLimits) {
        return new IngestConfig(host, rtmpPort, newLimits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    /** RTMPS (RTMP over TLS) on {@code port} beside plain RTMP; a null {@code tlsFiles} turns it off. */
    public IngestConfig withRtmps(int port, TlsFiles tlsFiles) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, port, tlsFiles, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    public IngestConfig withMaxPublishers(int max) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, max, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }

    /** At most {@code perSecond} new RTMP connections a second from one address (0: no limit), {@code burst} at once. */
    public IngestConfig withConnectionRate(double perSecond, int burst) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, perSecond, burst, proxyProtocol);
    }

    /** Expect a PROXY protocol header (v1 or v2) at the start of every RTMP(S) connection. */
    public IngestConfig withProxyProtocol(boolean on) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, on);
    }

    public IngestConfig withBufferBudget(long bytes) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bytes, connectionRate, connectionBurst, proxyProtocol);
    }

    public IngestConfig withTimeouts(Duration handshake, Duration idle) {
        return new IngestConfig(host, rtmpPort, limits, handshake, idle, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress, rtmpsPort, tls, maxPublishers, bufferBudget, connectionRate, connectionBurst, proxyProtocol);
    }
}
