package io.livestream.relay;

import io.livestream.fanout.FlvTag;
import io.livestream.fanout.ViewerSink;
import io.livestream.media.MediaPacket;
import io.livestream.media.hls.HlsConfig;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LL-HLS sessions behind a real HTTP server, fed by hand through the sink a fan-out would feed:
 * blocking reloads answered at the part, the bounds on waiting, an unplayed session leaving the
 * fan-out, a new publisher's discontinuity.
 */
@ExtendWith(VertxExtension.class)
@org.junit.jupiter.api.Timeout(60)
class HlsStreamsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final MediaPacket VIDEO_HEADER = MediaPacket.video(0, HEX.parseHex(
            "17000000000142c01effe100196742c01ed900a02ff970110000030001000003003c0f162e4801000568cb83cb20"));
    private static final MediaPacket AUDIO_HEADER = MediaPacket.audio(0, HEX.parseHex("af001210"));
    private static final Pattern LAST_PART = Pattern.compile("(?s).*#EXT-X-PART:DURATION=[0-9.]+,URI=\"[^\"]*/part-([0-9]+)\\.m4s\".*");

    private Vertx vertx;
    private Context loop;
    private HlsStreams hls;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final Promise<ViewerSink> attached = Promise.promise();
    private final AtomicBoolean left = new AtomicBoolean();

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        this.loop = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            within(server.close());
        }
    }

    private void serve(HlsStreams.Limits limits) {
        Promise<HttpServer> started = Promise.promise();
        loop.runOnContext(v -> {
            hls = new HlsStreams(vertx, HlsConfig.DEFAULT, limits, (stream, sink) -> {
                attached.tryComplete(sink);
                sink.closeHandler(() -> left.set(true));
            });
            vertx.createHttpServer().requestHandler(request -> {
                String path = request.path().substring("/live/cam".length());
                hls.handle("cam", path, request);
            }).listen(0, "127.0.0.1").onComplete(started);
        });
        server = within(started.future());
    }

    /** Runs on the sessions' event loop and waits for it. */
    private void onLoop(Runnable action) {
        Promise<Void> done = Promise.promise();
        loop.runOnContext(v -> {
            try {
                action.run();
                done.complete();
            } catch (RuntimeException | AssertionError e) {
                done.fail(e);
            }
        });
        within(done.future());
    }

    /** The future's result, failing the test if it takes more than 10 s. */
    private <T> T within(Future<T> future) {
        try {
            return future.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer within 10 s", e);
        }
    }

    /** Until {@code n} requests wait for a part (they travel to the server meanwhile). */
    private void awaitWaiting(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int[] now = new int[1];
        do {
            onLoop(() -> now[0] = hls.waiting("cam"));
            assertThat(System.nanoTime()).as("%d requests waiting", n).isLessThan(deadline);
        } while (now[0] < n);
    }

    /** Feeds the session's sink once the first request has started the session. */
    private void feed(List<MediaPacket> packets) {
        ViewerSink sink = within(attached.future());
        onLoop(() -> packets.forEach(p -> sink.write(new FlvTag(p, Buffer.buffer(), Unpooled.EMPTY_BUFFER,
                p.isMetadata() || p.isSequenceHeader()))));
    }

    /** Headers (if asked), then 30 fps video with a keyframe a second from {@code from} ms, for {@code millis}. */
    private static List<MediaPacket> stream(int from, int millis, boolean headers) {
        List<MediaPacket> out = new ArrayList<>();
        if (headers) {
            out.add(VIDEO_HEADER);
            out.add(AUDIO_HEADER);
        }
        for (int i = 0; i * 1000 / 30 < millis; i++) {
            boolean key = i % 30 == 0;
            out.add(MediaPacket.video(from + i * 1000 / 30, new byte[] {(byte) (key ? 0x17 : 0x27), 1, 0, 0, 0, 0, 0, 0, 1, 0x65}));
            out.add(MediaPacket.audio(from + i * 1000 / 30, new byte[] {(byte) 0xaf, 1, 0x21}));
        }
        return out;
    }

    private Future<Response> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/live/cam" + path)).build();
        return Future.fromCompletionStage(client.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1)))
                .map(r -> new Response(r.statusCode(), r.headers().firstValue("Cache-Control").orElse(""),
                        r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }

    private record Response(int status, String cacheControl, String contentType, String body) {
    }

    private static long lastPart(String playlist) {
        Matcher m = LAST_PART.matcher(playlist);
        assertThat(m.matches()).as("a part in %s", playlist).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void aBlockingReloadIsAnsweredWithThePlaylistAsItIsWhenItsPartIsCut() {
        serve(HlsStreams.Limits.DEFAULT);
        Future<Response> first = get(".m3u8");
        feed(stream(0, 2200, true));
        assertThat(within(first).body()).as("answered once the first segment was complete").contains("seg-0.m4s\n").doesNotContain("seg-1");
        String playlist = within(get(".m3u8")).body();
        // 0-1 s and 1-2 s complete, segment 2 open; its first part comes with the frame that ends it
        assertThat(playlist).contains("seg-1.m4s\n").doesNotContain("seg-2.m4s");
        long before = lastPart(playlist);
        Future<Response> blocked = get(".m3u8?_HLS_msn=2&_HLS_part=1");
        Future<Response> hinted = get(playlist.replaceFirst("(?s).*PRELOAD-HINT:TYPE=PART,URI=\"cam(/[^\"]+)\".*", "$1").trim());
        awaitWaiting(2);
        feed(stream(2200, 3000, false)); // in one turn of the loop: the answer is the playlist at the part, not after
        Response reload = within(blocked);
        assertThat(reload.status()).isEqualTo(200);
        assertThat(reload.cacheControl()).isEqualTo("public, max-age=6");
        assertThat(lastPart(reload.body())).as("part 1 of segment 2, the second after part %d", before).isEqualTo(before + 2);
        Response part = within(hinted);
        assertThat(part.status()).isEqualTo(200);
        assertThat(part.contentType()).isEqualTo("video/mp4");
        assertThat(part.body().substring(4, 8)).isEqualTo("moof");
    }

    @Test
    void waitingIsBoundedInTimeAndInNumber() {
        serve(new HlsStreams.Limits(Duration.ofMillis(300), 2, Duration.ofSeconds(15)));
        long started = System.nanoTime();
        List<Future<Response>> three = List.of(get(".m3u8"), get(".m3u8"), get(".m3u8")); // no media yet: they wait
        List<String> bodies = three.stream().map(f -> within(f).status() + " " + within(f).body().trim()).toList();
        assertThat(bodies).as("two wait, the third may not").containsExactlyInAnyOrder(
                "503 too many waiting requests", "503 no playlist yet", "503 no playlist yet");
        assertThat((System.nanoTime() - started) / 1_000_000).as("the longest wait, 300 ms").isBetween(250L, 5_000L);
        feed(stream(0, 2200, true));
        Response timedOut = within(get(".m3u8?_HLS_msn=3&_HLS_part=0"));
        assertThat(timedOut.status()).as("the playlist as it is, after the longest wait").isEqualTo(200);
        assertThat(timedOut.body()).doesNotContain("seg-2.m4s");
        assertThat(within(get(".m3u8?_HLS_part=0")).status()).isEqualTo(400);
        assertThat(within(get(".m3u8?_HLS_msn=9")).status()).as("more than two segments ahead").isEqualTo(400);
    }

    @Test
    void anUnplayedSessionLeavesTheFanOutAndItsMediaIsGone() {
        serve(HlsStreams.Limits.DEFAULT);
        Future<Response> first = get(".m3u8");
        feed(stream(0, 2200, true));
        String playlist = within(first).body();
        String init = playlist.replaceFirst("(?s).*#EXT-X-MAP:URI=\"cam(/[^\"]+)\".*", "$1").trim();
        assertThat(within(get(init)).status()).isEqualTo(200);
        onLoop(() -> hls.housekeeping(System.nanoTime() + Duration.ofSeconds(14).toNanos()));
        assertThat(left).as("played within the idle timeout").isFalse();
        onLoop(() -> hls.housekeeping(System.nanoTime() + Duration.ofSeconds(16).toNanos()));
        assertThat(left).as("the sink left the fan-out").isTrue();
        assertThat(within(get(init)).status()).isEqualTo(404);
        assertThat(hls.sessions()).isZero();
    }

    @Test
    void aNewPublishersSequenceHeadersPutADiscontinuityInThePlaylist() {
        serve(HlsStreams.Limits.DEFAULT);
        Future<Response> first = get(".m3u8");
        feed(stream(0, 2200, true));
        within(first);
        feed(stream(2300, 2500, true)); // the hub's one timeline goes on; a new session starts with its headers
        String playlist = within(get(".m3u8")).body();
        assertThat(playlist).contains("seg-2.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:");
    }

    @Test
    void aHundredWaitingPlayersAreAllAnsweredAtTheirPart() {
        serve(HlsStreams.Limits.DEFAULT);
        Future<Response> first = get(".m3u8");
        feed(stream(0, 2200, true));
        within(first);
        long before = lastPart(within(get(".m3u8")).body());
        List<Future<Response>> players = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            players.add(get(".m3u8?_HLS_msn=2&_HLS_part=1"));
        }
        awaitWaiting(100);
        long cut = System.nanoTime();
        feed(stream(2200, 3000, false));
        List<Long> arrivedMs = new java.util.concurrent.CopyOnWriteArrayList<>();
        players.forEach(f -> f.onSuccess(r -> arrivedMs.add((System.nanoTime() - cut) / 1_000_000)));
        List<Long> lastParts = players.stream().map(f -> lastPart(within(f).body())).distinct().toList();
        assertThat(lastParts).as("every one with the playlist at that part").containsExactly(before + 2);
        List<Long> rounds = new ArrayList<>(); // warm: the feed's turn of the loop, answers included
        for (int round = 0; round < 5; round++) {
            List<Future<Response>> again = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                again.add(get(".m3u8?_HLS_msn=" + (6 + round * 3) + "&_HLS_part=1"));
            }
            awaitWaiting(100);
            long t1 = System.nanoTime();
            feed(stream(5300 + round * 3000, 3000, false));
            rounds.add((System.nanoTime() - t1) / 1_000_000);
            again.forEach(this::within);
        }
        List<Long> sorted = arrivedMs.stream().sorted().toList();
        System.out.printf("HlsStreamsTest: 100 blocking reloads received %d-%d ms after the feed that cut their part began;"
                + " warm, feeding 3 s of stream and answering 100 took %s ms%n", sorted.get(0), sorted.get(sorted.size() - 1), rounds);
    }
}
