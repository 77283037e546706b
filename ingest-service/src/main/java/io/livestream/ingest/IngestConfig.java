package io.livestream.ingest;

import io.livestream.media.rtmp.RtmpLimits;

import java.time.Duration;

/**
 * Settings of the ingest service.
 *
 * @param host             interface the RTMP server binds to
 * @param rtmpPort         RTMP port (1935; 0 picks a free one)
 * @param limits           RTMP parser bounds
 * @param handshakeTimeout a connection that has not completed the handshake by then is closed
 * @param idleTimeout      a connection that sends nothing for this long is closed
 * @param staleAfter       a publisher silent this long may be replaced by a new one for the same stream
 * @param lease            time-to-live of the stream's registry entry (renewed at a third of it)
 * @param gopMaxPackets    bound on the cached GOP, in packets
 * @param gopMaxBytes      bound on the cached GOP, in bytes
 * @param maxConnectionsPerAddress RTMP connections one client address may hold (0: no limit)
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
        int maxConnectionsPerAddress) {

    public static IngestConfig defaults() {
        return new IngestConfig("0.0.0.0", 1935, RtmpLimits.defaults(), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofMillis(1500), Duration.ofSeconds(6), 3000, 32L * 1024 * 1024, 20);
    }

    public IngestConfig withRtmpPort(int port) {
        return new IngestConfig(host, port, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress);
    }

    public IngestConfig withHost(String newHost) {
        return new IngestConfig(newHost, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress);
    }

    public IngestConfig withMaxConnectionsPerAddress(int max) {
        return new IngestConfig(host, rtmpPort, limits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, max);
    }

    public IngestConfig withLimits(RtmpLimits newLimits) {
        return new IngestConfig(host, rtmpPort, newLimits, handshakeTimeout, idleTimeout, staleAfter, lease, gopMaxPackets, gopMaxBytes, maxConnectionsPerAddress);
    }
}
