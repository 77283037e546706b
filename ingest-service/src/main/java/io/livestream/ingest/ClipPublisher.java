package io.livestream.ingest;

import io.livestream.media.MediaPacket;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;

/**
 * Publishes a recorded clip in real time, looping forever on one continuous timeline, through
 * the same {@link LiveStreams} path as an RTMP publisher: the demo stream a newcomer sees.
 */
final class ClipPublisher implements Publisher {
    private static final System.Logger LOG = System.getLogger(ClipPublisher.class.getName());
    private static final int RETRY_MS = 1000;

    private final Vertx vertx;
    private final LiveStreams streams;
    private final String stream;
    private final List<MediaPacket> headers = new ArrayList<>();
    private final List<MediaPacket> media = new ArrayList<>();
    private final int loopDuration;

    private PublishSession session;
    private int next;
    private int loopOffset;
    private long startNanos;
    private long timer = -1;
    private boolean evicted;

    ClipPublisher(Vertx vertx, LiveStreams streams, String stream, List<MediaPacket> clip) {
        this.vertx = vertx;
        this.streams = streams;
        this.stream = stream;
        for (MediaPacket p : clip) {
            if (!p.isEndOfSequence()) { // the loop goes on: no decoder flush at the clip's end
                (p.isMetadata() || p.isSequenceHeader() ? headers : media).add(p);
            }
        }
        if (media.isEmpty()) {
            throw new IllegalArgumentException("clip for " + stream + " has no media");
        }
        int first = media.get(0).timestamp();
        int last = media.get(media.size() - 1).timestamp();
        int frameGap = media.size() > 1 ? Math.max(1, (last - first) / (media.size() - 1)) : 40;
        this.loopDuration = last - first + frameGap;
        media.replaceAll(p -> p.withTimestamp(p.timestamp() - first));
    }

    void start() {
        streams.start(stream, this).onSuccess(s -> {
            session = s;
            headers.forEach(h -> s.push(h.withTimestamp(0)));
            startNanos = System.nanoTime();
            pump();
        }).onFailure(e -> {
            LOG.log(System.Logger.Level.WARNING, "clip {0} not published: {1}", stream, e.getMessage());
            vertx.setTimer(RETRY_MS, id -> start());
        });
    }

    @Override
    public String describe() {
        return "clip " + stream;
    }

    @Override
    public String address() {
        return "";
    }

    @Override
    public void evict(String reason) {
        evicted = true;
        vertx.cancelTimer(timer);
    }

    /** Sends every packet that is due by the wall clock, then sleeps until the next one is. */
    private void pump() {
        if (evicted || session == null || session.ended()) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        while (true) {
            MediaPacket p = media.get(next);
            int ts = loopOffset + p.timestamp();
            if (ts > elapsedMs) {
                timer = vertx.setTimer(Math.max(1, ts - elapsedMs), id -> pump());
                return;
            }
            session.push(p.withTimestamp(ts));
            if (++next == media.size()) {
                next = 0;
                loopOffset += loopDuration;
            }
        }
    }
}
