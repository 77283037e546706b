package io.livestream.common.ops;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * One counter for every configured limit that turned a client away: {@code live.limit.refusals{limit}}
 * (Prometheus {@code live_limit_refusals_total}), so an operator sees which limit bites.
 */
public final class LimitRefusals {
    public static final String VIEWER_CONNECTIONS_PER_ADDRESS = "viewer-connections-per-address";
    public static final String VIEWER_CONNECTION_RATE = "viewer-connection-rate";
    public static final String ROOM_CONNECTION_RATE = "room-connection-rate";
    public static final String SESSION_RATE = "session-rate";
    public static final String ROOM_CONNECTIONS_PER_ADDRESS = "room-connections-per-address";
    public static final String RTMP_CONNECTIONS_PER_ADDRESS = "rtmp-connections-per-address";
    public static final String RTMP_CONNECTION_RATE = "rtmp-connection-rate";
    public static final String PUBLISHERS = "publishers";
    public static final String HTTP_HEADER_SIZE = "http-header-size";
    public static final String HTTP_REQUEST_LINE = "http-request-line";
    public static final String WEBSOCKET_FRAME_SIZE = "websocket-frame-size";
    public static final String INGEST_BUFFER_BUDGET = "ingest-buffer-budget";

    private LimitRefusals() {
    }

    public static void count(MeterRegistry meters, String limit) {
        meters.counter("live.limit.refusals", "limit", limit).increment();
    }
}
