package io.livestream.launcher;

import io.livestream.ingest.IngestConfig;
import io.livestream.media.rtmp.RtmpLimits;
import picocli.CommandLine.Option;

import java.time.Duration;

/** What RTMP clients may hold at an ingest node: standalone and the ingest role share these. */
public final class IngestLimitOptions {
    @Option(names = "--max-rtmp-connections-per-address", defaultValue = "${env:LIVE_MAX_RTMP_CONNECTIONS_PER_ADDRESS:-20}",
            description = "RTMP connections one client address may hold; 0: no limit (env LIVE_MAX_RTMP_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int maxRtmpConnectionsPerAddress;

    @Option(names = "--rtmp-connection-rate", defaultValue = "${env:LIVE_RTMP_CONNECTION_RATE:-5}",
            description = "New RTMP connections one client address may open per second, on average; 0: no limit (env LIVE_RTMP_CONNECTION_RATE; default ${DEFAULT-VALUE})")
    double rtmpConnectionRate;

    @Option(names = "--rtmp-connection-burst", defaultValue = "${env:LIVE_RTMP_CONNECTION_BURST:-20}",
            description = "New RTMP connections one client address may open at once, above the rate (env LIVE_RTMP_CONNECTION_BURST; default ${DEFAULT-VALUE})")
    int rtmpConnectionBurst;

    @Option(names = "--rtmp-proxy-protocol", defaultValue = "${env:LIVE_RTMP_PROXY_PROTOCOL:-false}", arity = "0..1", fallbackValue = "true",
            description = "Every RTMP(S) connection starts with a PROXY protocol v1/v2 header (a TCP load balancer in front of ingest); "
                    + "its client address is what logs and limits see. Connections without one are closed (env LIVE_RTMP_PROXY_PROTOCOL; default ${DEFAULT-VALUE})")
    boolean rtmpProxyProtocol;

    @Option(names = "--max-publishers", defaultValue = "${env:LIVE_MAX_PUBLISHERS:-100}",
            description = "Streams one ingest node takes at once; the next publisher is refused; 0: no limit (env LIVE_MAX_PUBLISHERS; default ${DEFAULT-VALUE})")
    int maxPublishers;

    @Option(names = "--rtmp-handshake-timeout", defaultValue = "${env:LIVE_RTMP_HANDSHAKE_TIMEOUT:-10s}", converter = Durations.class,
            description = "Close an RTMP connection that has not completed the handshake by then (env LIVE_RTMP_HANDSHAKE_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration handshakeTimeout;

    @Option(names = "--rtmp-idle-timeout", defaultValue = "${env:LIVE_RTMP_IDLE_TIMEOUT:-30s}", converter = Durations.class,
            description = "Close an RTMP connection that sends nothing, or does not publish, this long (env LIVE_RTMP_IDLE_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--max-message-kb", defaultValue = "${env:LIVE_MAX_MESSAGE_KB}",
            description = "Largest RTMP message accepted, KiB (env LIVE_MAX_MESSAGE_KB; default 8192)")
    Integer maxMessageKb;

    @Option(names = "--max-partial-kb", defaultValue = "${env:LIVE_MAX_PARTIAL_KB:-12288}",
            description = "Bytes one RTMP connection may hold in unfinished messages, KiB; keep it above --max-message-kb (env LIVE_MAX_PARTIAL_KB; default ${DEFAULT-VALUE})")
    long maxPartialKb;

    @Option(names = "--ingest-buffer-budget-mb", defaultValue = "${env:LIVE_INGEST_BUFFER_BUDGET_MB:-256}",
            description = "Bytes all RTMP connections may hold in unfinished messages, MiB; past it the biggest holder is closed and publishers are refused (env LIVE_INGEST_BUFFER_BUDGET_MB; default ${DEFAULT-VALUE})")
    long ingestBufferBudgetMb;

    public IngestConfig apply(IngestConfig config) {
        return config.withMaxConnectionsPerAddress(maxRtmpConnectionsPerAddress).withMaxPublishers(maxPublishers)
                .withTimeouts(handshakeTimeout, idleTimeout)
                .withLimits(new RtmpLimits(config.limits().maxChunkSize(),
                        maxMessageKb == null ? config.limits().maxMessageLength() : maxMessageKb * 1024,
                        config.limits().maxChunkStreams(), maxPartialKb * 1024))
                .withBufferBudget(ingestBufferBudgetMb * 1024 * 1024)
                .withConnectionRate(rtmpConnectionRate, rtmpConnectionBurst).withProxyProtocol(rtmpProxyProtocol);
    }
}
