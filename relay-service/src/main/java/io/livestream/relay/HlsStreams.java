package io.livestream.relay;

import io.livestream.common.LogField;
import io.livestream.fanout.ViewerSink;
import io.livestream.media.hls.HlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * LL-HLS on demand: the first request for a stream's playlist starts an {@link HlsSession}, one
 * viewer of the stream's fan-out; it ends when nobody has asked for anything of it for {@code
 * idleTimeout}, or when the stream ends. Paths: {@code /live/<stream>.m3u8} and
 * {@code /live/<stream>/<session>/<init-N.mp4|seg-N.m4s|part-N.m4s>}. Confined to the relay's event loop.
 */
final class HlsStreams {
    private static final System.Logger LOG = System.getLogger(HlsStreams.class.getName());

    /** How long and how many requests may wait for a part, and when an unplayed session ends. */
    record Limits(Duration maxWait, int maxWaiters, Duration idleTimeout) {
        static final Limits DEFAULT = new Limits(Duration.ofSeconds(6), 10_000, Duration.ofSeconds(15));
    }

    private final Vertx vertx;
    private final HlsConfig config;
    private final Limits limits;
    private final BiConsumer<String, ViewerSink> attach;
    private final Map<String, HlsSession> sessions = new HashMap<>();

    /** {@code attach} makes a sink a viewer of the stream's fan-out. */
    HlsStreams(Vertx vertx, HlsConfig config, Limits limits, BiConsumer<String, ViewerSink> attach) {
        this.vertx = vertx;
        this.config = config;
        this.limits = limits;
        this.attach = attach;
    }

    /** An admitted request: {@code path} is {@code .m3u8} or {@code /<session>/<file>}. */
    void handle(String stream, String path, HttpServerRequest request) {
        if (path.equals(".m3u8")) {
            HlsSession session = sessions.get(stream);
            if (session == null) {
                session = start(stream);
            }
            session.playlist(request);
            return;
        }
        HlsSession session = sessions.get(stream);
        String[] parts = path.split("/", 3); // "", session, file
        if (session == null || parts.length != 3) {
            HlsSession.error(request, 404, "no LL-HLS session of " + stream + " plays this");
            return;
        }
        session.media(request, parts[1], parts[2]);
    }

    int sessions() {
        return sessions.size();
    }

    /** Requests of the stream waiting for a part. */
    int waiting(String stream) {
        HlsSession session = sessions.get(stream);
        return session == null ? 0 : session.waiting();
    }

    /** Ends sessions nobody has played for the idle timeout. */
    void housekeeping(long nowNanos) {
        for (Map.Entry<String, HlsSession> e : List.copyOf(sessions.entrySet())) {
            if (e.getValue().idleLongerThan(limits.idleTimeout().toNanos(), nowNanos)) {
                LOG.log(System.Logger.Level.DEBUG, "stream {0}: LL-HLS session {1} unplayed, ended", LogField.stream(e.getKey()), e.getValue().id());
                sessions.remove(e.getKey());
                e.getValue().end();
            }
        }
    }

    void close() {
        List.copyOf(sessions.values()).forEach(HlsSession::end);
        sessions.clear();
    }

    private HlsSession start(String stream) {
        String id = Long.toString(System.currentTimeMillis(), 36);
        HlsSession[] self = new HlsSession[1];
        self[0] = new HlsSession(vertx, stream, id, config, limits, () -> sessions.remove(stream, self[0]));
        sessions.put(stream, self[0]);
        LOG.log(System.Logger.Level.DEBUG, "stream {0}: LL-HLS session {1} started", LogField.stream(stream), id);
        attach.accept(stream, self[0].sink());
        return self[0];
    }
}
