package io.livestream.launcher.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;

import java.net.URI;
import java.util.Map;
import java.util.Queue;

/**
 * A light LL-HLS player, the way hls.js and Safari follow a live playlist (RFC 8216bis 6.2.5.2):
 * a blocking reload for the part after the newest ({@code _HLS_msn}, {@code _HLS_part}); when it
 * is answered, the part is fetched and the next reload sent at once. No decoding.
 */
final class HlsBenchPlayer {
    private static final long RETRY_MS = 500;

    private final Vertx vertx;
    private final HttpClient http;
    private final URI playlist;
    /** Shared by all players: per part ({@code msn * 1000 + index}), when the first answer for it arrived. */
    private final Map<Long, Long> firstAnswers;
    volatile boolean measuring;
    volatile boolean stopped;
    volatile long answers;
    volatile long bytes;
    volatile long errors;
    volatile String lastError;
    private final Samples samples;

    /**
     * Answer times, ms, shared by all players: after the part's end on the ingest clock (every answer, and
     * those of requests sent before that end, which waited for the part), and after the first answer for the same part.
     */
    record Samples(Queue<Long> afterPartEnd, Queue<Long> waitedAfterPartEnd, Queue<Long> afterFirstAnswer) {
    }

    HlsBenchPlayer(Vertx vertx, HttpClient http, URI playlist, Map<Long, Long> firstAnswers, Samples samples) {
        this.vertx = vertx;
        this.http = http;
        this.playlist = playlist;
        this.firstAnswers = firstAnswers;
        this.samples = samples;
    }

    /** A plain load of the playlist, then blocking reloads for as long as the player runs. */
    void start() {
        get(playlist.getRawPath()).onSuccess(body -> follow(HlsPlaylistParts.parse(body.toString()))).onFailure(this::failed);
    }

    private void follow(HlsPlaylistParts now) {
        long[] next = now.next();
        if (stopped) {
            return;
        }
        if (next == null) {
            vertx.setTimer(RETRY_MS, t -> start());
            return;
        }
        long msn = next[0];
        int part = (int) next[1];
        long sent = System.currentTimeMillis();
        get(playlist.getRawPath() + "?_HLS_msn=" + msn + "&_HLS_part=" + part).onSuccess(body -> {
            long at = System.currentTimeMillis();
            HlsPlaylistParts answered = HlsPlaylistParts.parse(body.toString());
            HlsPlaylistParts.Part asked = answered.find(msn, part);
            if (asked != null) {
                answered(asked, sent, at);
                get(playlist.resolve(asked.uri()).getRawPath()).onSuccess(b -> bytes += b.length()).onFailure(this::failedPart);
            }
            follow(answered);
        }).onFailure(this::failed);
    }

    private void answered(HlsPlaylistParts.Part part, long sent, long at) {
        long key = part.msn() * 1000 + part.index();
        long first = firstAnswers.merge(key, at, Math::min);
        if (measuring) {
            answers++;
            samples.afterPartEnd().add(at - part.endMillis());
            if (sent < part.endMillis()) {
                samples.waitedAfterPartEnd().add(at - part.endMillis());
            }
            samples.afterFirstAnswer().add(at - first);
        }
    }

    private void failed(Throwable e) {
        if (stopped) {
            return; // the run is over: requests cut short by the client closing are no errors
        }
        errors++;
        lastError = e.getMessage();
        if (!stopped) {
            vertx.setTimer(RETRY_MS, t -> start());
        }
    }

    /** A part that could not be fetched: counted; the player goes on with the next reload. */
    private void failedPart(Throwable e) {
        if (!stopped) {
            errors++;
            lastError = e.getMessage();
        }
    }

    private Future<Buffer> get(String pathAndQuery) {
        if (stopped) {
            return Future.failedFuture("stopped");
        }
        return http.request(HttpMethod.GET, playlist.getPort(), playlist.getHost(), pathAndQuery)
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body()
                        : resp.body().transform(x -> Future.failedFuture("HTTP " + resp.statusCode() + " for " + pathAndQuery)));
    }
}
