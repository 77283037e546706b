package io.livestream.common.bus;

/**
 * Every conversation between services, in one place. Services never call each other's code;
 * they meet on these event-bus addresses and in the cluster-wide maps named here.
 */
public final class Addresses {
    private Addresses() {
    }

    /** Published by the ingest node that owns the stream: {@link MediaEvent}s in stream order. */
    public static String media(String stream) {
        return "media." + stream;
    }

    /**
     * Request/reply served by the ingest node that owns the stream: the body is ignored, the
     * reply is a {@link MediaSnapshot} (metadata, sequence headers, current GOP).
     */
    public static String snapshot(String stream) {
        return "ingest.snapshot." + stream;
    }

    /**
     * Request/reply served by the ingest node that publishes the stream, or did until recently:
     * the body is ignored, the reply is the stream's health as JSON
     * ({@code {stream, live, stopped, stoppedAt?, keyframeInterval, keyframeIntervalHigh,
     * keyframeIntervalIrregular, samples: [{t, kbps, fps, keyframeInterval, viewers, messagesPerSecond}]}}).
     */
    public static String health(String stream) {
        return "ingest.health." + stream;
    }

    /**
     * Request/reply to the interaction service: {@code {rooms: [id...]}} -> {@code {rooms: {id: {messages}}}},
     * the messages each room has accepted so far (rooms not in memory are left out, never created).
     */
    public static final String ROOM_STATS = "room.stats";

    /**
     * Request/reply to the interaction service, from gateways: a JSON object
     * {@code {op: join|leave|send, room, user: {id, nick, role, stream}, lastSeq?, message?}}.
     * Replies: join -> {@code {hello}}; send -> {@code {}} or {@code {error, close?}}; leave -> {@code {}}.
     */
    public static final String ROOM_IN = "room.in";

    /**
     * The same requests as {@link #ROOM_IN} for one room, served only by the interaction replica
     * that owns the room (it registers the address while it holds the room's claim in
     * {@link #ROOM_OWNERS}). Gateways send here first and fall back to {@link #ROOM_IN}, whose
     * consumer, any replica, takes the room or forwards to its owner.
     */
    public static String roomIn(String room) {
        return "room.in." + room;
    }

    /** Cluster-wide map of room ownership: room -> {@code {node, epoch, member}}, held as a lease by the owning interaction replica. */
    public static final String ROOM_OWNERS = "live.roomowners";

    /** Published by the interaction service: {@code {type: "batch", events: [...]}} for every member of a room. */
    public static String roomOut(String room) {
        return "room." + room + ".out";
    }

    /** Published by ingest nodes when a stream goes online or offline: {@code {stream, online}}. */
    public static final String STREAM_EVENTS = "streams.events";

    /** Cluster-wide map of room state that survives an interaction restart: room -> history, likes, board, bans. */
    public static final String ROOM_STATE = "live.rooms";

    /** Cluster-wide map of live streams: stream name -> {@code StreamInfo} JSON, held as a lease. */
    public static final String STREAM_REGISTRY = "live.streams";

    /** Cluster-wide map of publishing claims: stream name -> {@code {node, epoch, silent}}, one publisher per name (ingest only). */
    public static final String STREAM_CLAIMS = "live.claims";

    /** Cluster-wide map of relays: relay id -> load and viewers per stream (JSON), held as a lease. */
    public static final String RELAY_REGISTRY = "live.relays";
}
