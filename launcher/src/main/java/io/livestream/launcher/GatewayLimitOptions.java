package io.livestream.launcher;

import io.livestream.gateway.GatewayConfig;
import picocli.CommandLine.Option;

/** What one client may hold or send at the gateway: standalone and the gateway role share these. */
public final class GatewayLimitOptions {
    @Option(names = "--max-viewer-connections-per-address", defaultValue = "${env:LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS:-50}",
            description = "WebSocket-FLV and HTTP-FLV viewers one client address may hold; 0: no limit (env LIVE_MAX_VIEWER_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int viewerConnectionsPerAddress;

    @Option(names = "--max-room-connections-per-address", defaultValue = "${env:LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS:-20}",
            description = "Room WebSockets one client address may hold; 0: no limit (env LIVE_MAX_ROOM_CONNECTIONS_PER_ADDRESS; default ${DEFAULT-VALUE})")
    int roomConnectionsPerAddress;

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
        return new GatewayConfig.Limits(viewerConnectionsPerAddress, roomConnectionsPerAddress, maxHttpHeaderKb * 1024,
                maxHttpRequestLine, maxWebSocketFrameKb * 1024);
    }
}
