package io.livestream.relay;

import io.livestream.media.hls.HlsConfig;
import io.livestream.media.hls.LlHlsSegmenter;
import io.livestream.media.hls.Part;
import io.livestream.media.hls.Segment;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One stream's LL-HLS while anyone plays it: a segmenter fed by an {@link HlsSink} in the stream's
 * fan-out, and the requests waiting on it. A blocking playlist reload ({@code _HLS_msn},
 * {@code _HLS_part}, RFC 8216bis 6.2.5.2), a request for the preload-hinted part, and the first
 * playlist request before a segment is complete wait for the part they need and are answered from
 * the segmenter's part announcement, in the same event-loop turn; each waits at most {@code maxWait}
 * (then the playlist as it is, or 503), and at most {@code maxWaiters} wait at once (the next is 503).
 * URIs carry the session's id, so that a CDN never mixes the parts of two sessions of a stream.
 * Confined to the relay's event loop.
 */
final class HlsSession {
    private static final Pattern MEDIA = Pattern.compile("(init|seg|part)-([0-9]{1,18})\\.(mp4|m4s)");
    static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final String MEDIA_TYPE = "video/mp4";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final Vertx vertx;
    private final String stream;
    private final String id;
    private final HlsStreams.Limits limits;
    private final LlHlsSegmenter segmenter;
    private final HlsSink sink;
    private final List<Waiter> waiters = new ArrayList<>();
    private long lastRequestNanos = System.nanoTime();
    private boolean ended;
    private Buffer rendered;
    private long renderedVersion;
    private String renderedQuery;

    private record Waiter(BooleanSupplier done, Runnable answer, Runnable timedOut, long timer) {
    }

    HlsSession(Vertx vertx, String stream, String id, HlsConfig config, HlsStreams.Limits limits, Runnable onEnded) {
        this.vertx = vertx;
        this.stream = stream;
        this.id = id;
        this.limits = limits;
        this.segmenter = new LlHlsSegmenter(config, System::currentTimeMillis, this::partCut);
        this.sink = new HlsSink(stream, segmenter::accept, segmenter::publisherChanged, reason -> {
            end();
            onEnded.run();
        });
    }

    HlsSink sink() {
        return sink;
    }

    String id() {
        return id;
    }

    int waiting() {
        return waiters.size();
    }

    boolean idleLongerThan(long nanos, long now) {
        return waiters.isEmpty() && now - lastRequestNanos > nanos;
    }

    /** Leaves the fan-out and answers whoever waits: the stream is not played any more, or has ended. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        sink.leave();
        for (Waiter w : List.copyOf(waiters)) {
            vertx.cancelTimer(w.timer);
            w.timedOut.run();
        }
        waiters.clear();
    }

    /** {@code GET /live/<stream>.m3u8}, with the blocking-reload parameters if any. */
    void playlist(HttpServerRequest request) {
        lastRequestNanos = System.nanoTime();
        String msnParam = request.getParam("_HLS_msn");
        String partParam = request.getParam("_HLS_part");
        long msn;
        int part;
        try {
            msn = msnParam == null ? -1 : Long.parseLong(msnParam);
            part = partParam == null ? -1 : Integer.parseInt(partParam);
        } catch (NumberFormatException e) {
            error(request, 400, "bad _HLS_msn or _HLS_part");
            return;
        }
        if (msn < -1 || part < -1 || partParam != null && msnParam == null) {
            error(request, 400, "_HLS_part needs _HLS_msn; both count from 0");
            return;
        }
        boolean blocking = msn >= 0;
        List<Segment> segments = segmenter.segments();
        if (blocking && segmenter.ready() && msn > segments.get(segments.size() - 1).msn() + 2) {
            error(request, 400, "_HLS_msn " + msn + " is too far ahead"); // 6.2.5.2
            return;
        }
        BooleanSupplier done = blocking ? () -> segmenter.ready() && segmenter.reached(msn, part) : segmenter::ready;
        waitFor(request, done, () -> sendPlaylist(request, blocking),
                () -> {
                    if (segmenter.ready() && !ended) {
                        sendPlaylist(request, false); // the playlist as it is; the player asks again
                    } else {
                        error(request, 503, "no playlist yet");
                    }
                });
    }

    /** {@code GET /live/<stream>/<id>/<file>}: the init section, a segment or a part. */
    void media(HttpServerRequest request, String sessionId, String file) {
        lastRequestNanos = System.nanoTime();
        Matcher m = MEDIA.matcher(file);
        if (!sessionId.equals(id) || !m.matches()) {
            error(request, 404, "no such media: " + file);
            return;
        }
        long n = Long.parseLong(m.group(2));
        switch (m.group(1) + "." + m.group(3)) {
            case "init.mp4" -> sendOr404(request, n > Integer.MAX_VALUE ? Optional.empty()
                    : segmenter.init((int) n).map(i -> Buffer.buffer(i.bytes())));
            case "seg.m4s" -> sendOr404(request, segmenter.segment(n).filter(Segment::isComplete).map(HlsSession::bytesOf));
            case "part.m4s" -> {
                if (n == segmenter.nextPartSequence() && !ended) { // the preload hint: held until it exists
                    waitFor(request, () -> segmenter.part(n).isPresent(),
                            () -> sendOr404(request, segmenter.part(n).map(p -> Buffer.buffer(p.bytes()))),
                            () -> error(request, 503, "part " + n + " did not come in time"));
                } else {
                    sendOr404(request, segmenter.part(n).map(p -> Buffer.buffer(p.bytes())));
                }
            }
            default -> error(request, 404, "no such media: " + file);
        }
    }

    private void waitFor(HttpServerRequest request, BooleanSupplier done, Runnable answer, Runnable timedOut) {
        if (done.getAsBoolean()) {
            answer.run();
            return;
        }
        if (ended) {
            timedOut.run();
            return;
        }
        if (waiters.size() >= limits.maxWaiters()) {
            error(request, 503, "too many waiting requests");
            return;
        }
        Waiter[] self = new Waiter[1];
        long timer = vertx.setTimer(limits.maxWait().toMillis(), t -> {
            if (waiters.remove(self[0])) {
                timedOut.run();
            }
        });
        self[0] = new Waiter(done, answer, timedOut, timer);
        waiters.add(self[0]);
        request.response().closeHandler(v -> { // the player hung up while it waited
            if (waiters.remove(self[0])) {
                vertx.cancelTimer(timer);
            }
        });
    }

    /** A part was cut (and the segment it ends completed): the requests it satisfies are answered now. */
    private void partCut(Part part) {
        if (waiters.isEmpty()) {
            return;
        }
        for (Waiter w : List.copyOf(waiters)) {
            if (w.done.getAsBoolean()) {
                waiters.remove(w);
                vertx.cancelTimer(w.timer);
                w.answer.run();
            }
        }
    }

    private void sendPlaylist(HttpServerRequest request, boolean blocking) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        // a blocking reload names one playlist version, which may be cached; otherwise not beyond a part
        String cache = blocking ? "public, max-age=" + 6 * segmenter.targetDuration() : "no-cache";
        cors(response).putHeader("Content-Type", PLAYLIST_TYPE).putHeader("Cache-Control", cache).end(playlistBytes(tokenQuery(request)));
    }

    /**
     * The playlist as it is now, rendered and encoded once for every request answered at the same part
     * (a part's announcement answers all its waiters at once); a new part, or another token, renders anew.
     */
    private Buffer playlistBytes(String query) {
        long version = segmenter.nextPartSequence() << 1 | (segmenter.ended() ? 1 : 0);
        if (rendered == null || renderedVersion != version || !renderedQuery.equals(query)) {
            rendered = Buffer.buffer(segmenter.playlist(stream + "/" + id + "/", query));
            renderedVersion = version;
            renderedQuery = query;
        }
        return rendered;
    }

    /** A private stream's play token goes on to every URI of the playlist, so its media plays with it too. */
    private static String tokenQuery(HttpServerRequest request) {
        String token = request.getParam("token");
        return token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static void sendOr404(HttpServerRequest request, Optional<Buffer> body) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        if (body.isEmpty()) {
            error(request, 404, "gone or not yet there");
            return;
        }
        cors(response).putHeader("Content-Type", MEDIA_TYPE).putHeader("Cache-Control", IMMUTABLE).end(body.get());
    }

    private static Buffer bytesOf(Segment segment) {
        Buffer out = Buffer.buffer((int) segment.bytes());
        for (Part p : segment.parts()) {
            out.appendBytes(p.bytes());
        }
        return out;
    }

    static HttpServerResponse cors(HttpServerResponse response) {
        return response.putHeader("Access-Control-Allow-Origin", "*");
    }

    static void error(HttpServerRequest request, int status, String message) {
        HttpServerResponse response = request.response();
        if (response.closed() || response.ended()) {
            return;
        }
        cors(response).setStatusCode(status).putHeader("Content-Type", "text/plain").putHeader("Cache-Control", "no-store")
                .end(message + "\n");
    }
}
