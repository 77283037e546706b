package io.livestream.launcher;

import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.gateway.GatewayConfig;
import picocli.CommandLine.Option;

/**
 * What one client may hold or send at the gateway: standalone and the gateway role share these.
 * The caps per address are high enough for an audience behind one NAT; the rates of new
 * connections are what stop one host. The former names ({@code --max-viewer-connections-per-address},
 * {@code LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS}, and the room ones) still work.
 */
public final class GatewayLimitOptions {
    @Option(names = {"--viewer-connections-per-address", "--max-viewer-connections-per-address"},
            defaultValue = "${env:LIVE_VIEWER_CONNECTIONS_PER_ADDRESS:-${env:LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS:-5000}}",
            description = "WebSocket-FLV and HTTP-FLV viewers one client address may hold at once; 0: no limit (env LIVE_VIEWER_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int viewerConnectionsPerAddress;

    @Option(names = "--viewer-connection-rate", defaultValue = "${env:LIVE_VIEWER_CONNECTION_RATE:-20}",
            description = "New viewer connections one client address may open per second, on average; 0: no limit (env LIVE_VIEWER_CONNECTION_RATE; default ${DEFAULT-VALUE})")
    double viewerConnectionRate;

    @Option(names = "--viewer-connection-burst", defaultValue = "${env:LIVE_VIEWER_CONNECTION_BURST:-100}",
            description = "New viewer connections one client address may open at once (env LIVE_VIEWER_CONNECTION_BURST; default ${DEFAULT-VALUE})")
    int viewerConnectionBurst;

    @Option(names = {"--room-connections-per-address", "--max-room-connections-per-address"},
            defaultValue = "${env:LIVE_ROOM_CONNECTIONS_PER_ADDRESS:-${env:LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS:-2000}}",
            description = "Room WebSockets one client address may hold at once; 0: no limit (env LIVE_ROOM_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int roomConnectionsPerAddress;

    @Option(names = "--room-connection-rate", defaultValue = "${env:LIVE_ROOM_CONNECTION_RATE:-20}",
            description = "New room WebSockets one client address may open per second, on average; 0: no limit (env LIVE_ROOM_CONNECTION_RATE; default ${DEFAULT-VALUE})")
    double roomConnectionRate;

    @Option(names = "--room-connection-burst", defaultValue = "${env:LIVE_ROOM_CONNECTION_BURST:-100}",
            description = "New room WebSockets one client address may open at once (env LIVE_ROOM_CONNECTION_BURST; default ${DEFAULT-VALUE})")
    int roomConnectionBurst;

    @Option(names = "--session-rate", defaultValue = "${env:LIVE_SESSION_RATE:-1}",
            description = "Guest sessions (POST /api/session, one per page load) one client address may create per second, on average; 0: no limit (env LIVE_SESSION_RATE; default ${DEFAULT-VALUE})")
    double sessionRate;

    @Option(names = "--session-burst", defaultValue = "${env:LIVE_SESSION_BURST:-20}",
            description = "Guest sessions one client address may create at once (env LIVE_SESSION_BURST; default ${DEFAULT-VALUE})")
    int sessionBurst;

    @Option(names = "--max-http-header-kb", defaultValue = "${env:LIVE_MAX_HTTP_HEADER_KB:-8}",
            description = "HTTP request headers, all together, KiB; larger: 431 (env LIVE_MAX_HTTP_HEADER_KB; default ${DEFAULT-VALUE})")
    int maxHttpHeaderKb;

    @Option(names = "--max-http-request-line", defaultValue = "${env:LIVE_MAX_HTTP_REQUEST_LINE:-4096}",
            description = "HTTP request line, bytes; longer: 414 (env LIVE_MAX_HTTP_REQUEST_LINE; default ${DEFAULT-VALUE})")
    int maxHttpRequestLine;

    @Option(names = "--max-websocket-frame-kb", defaultValue = "${env:LIVE_MAX_WEBSOCKET_FRAME_KB:-64}",
            description = "WebSocket frame or message a client may send, KiB; larger: close 1009 (env LIVE_MAX_WEBSOCKET_FRAME_KB; default ${DEFAULT-VALUE})")
    int maxWebSocketFrameKb;

    public GatewayConfig.Limits limits() {
        return new GatewayConfig.Limits(
                new ConnectionLimiter.Limits(viewerConnectionsPerAddress, viewerConnectionRate, viewerConnectionBurst),
                new ConnectionLimiter.Limits(roomConnectionsPerAddress, roomConnectionRate, roomConnectionBurst),
                sessionRate, sessionBurst, maxHttpHeaderKb * 1024, maxHttpRequestLine, maxWebSocketFrameKb * 1024);
    }
}
