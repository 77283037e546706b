package io.livestream.launcher;

import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.HttpFlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream published with {@code token publish --private} plays, over HTTP-FLV and WebSocket-FLV,
 * and opens its room, only with a play token for it ({@code token play --stream NAME}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrivateStreamsTest {
    private static final String STREAM = "secret";
    private static Platform platform;
    private static Ffmpeg publisher;

    @BeforeAll
    static void start() {
        platform = Platform.start();
        publisher = Ffmpeg.publish(platform.rtmpUrl(STREAM, cli("publish", "--stream", STREAM, "--private")), 320, 240, 30);
        platform.awaitLive(STREAM, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        publisher.close();
        platform.close();
    }

    @Test
    void privateStreamIsListedAndMarkedPrivate() {
        assertThat(platform.listedStream(STREAM).getBoolean("private")).isTrue();
        assertThat(new JsonObject(platform.get("/api/play/" + STREAM).body()).getBoolean("private")).isTrue();
    }

    @Test
    void llHlsTakesThePlayTokenOnEveryRequestAndItsPlaylistPassesItOn() {
        assertThat(platform.get("/live/" + STREAM + ".m3u8").statusCode()).isEqualTo(401);
        assertThat(platform.get("/live/" + STREAM + ".m3u8?token=" + playToken("other")).statusCode()).isEqualTo(403);
        String token = playToken(STREAM);
        var playlist = platform.get("/live/" + STREAM + ".m3u8?token=" + token);
        assertThat(playlist.statusCode()).isEqualTo(200);
        java.util.regex.Matcher part = java.util.regex.Pattern.compile("#EXT-X-PART:DURATION=[0-9.]+,URI=\"([^\"?]+)\\?token=([^\"]+)\"")
                .matcher(playlist.body());
        assertThat(part.find()).as(playlist.body()).isTrue();
        assertThat(part.group(2)).isEqualTo(token);
        assertThat(platform.get("/live/" + part.group(1) + "?token=" + token).statusCode()).isEqualTo(200);
        assertThat(platform.get("/live/" + part.group(1)).statusCode()).as("the media too").isEqualTo(401);
    }

    @Test
    void httpFlvWithoutTokenIsUnauthorized() throws Exception {
        try (HttpFlvViewer viewer = HttpFlvViewer.open(platform.httpPort(), STREAM, null)) {
            assertThat(viewer.status()).isEqualTo(401);
            assertThat(new JsonObject(viewer.text()).getString("error")).isEqualTo("bad-token");
        }
    }

    @Test
    void httpFlvWithTokenForAnotherStreamIsForbidden() throws Exception {
        for (String token : new String[] {playToken("other"), guestToken(), platform.publishToken(STREAM)}) {
            try (HttpFlvViewer viewer = HttpFlvViewer.open(platform.httpPort(), STREAM, token)) {
                assertThat(viewer.status()).isEqualTo(403);
                assertThat(new JsonObject(viewer.text()).getString("error")).isEqualTo("not-allowed");
            }
        }
        try (HttpFlvViewer forged = HttpFlvViewer.open(platform.httpPort(), STREAM, playToken(STREAM) + "x")) {
            assertThat(forged.status()).isEqualTo(401);
        }
    }

    @Test
    void webSocketFlvWithoutTokenOrWithAnotherStreamsTokenIsClosedBadToken() throws Exception {
        for (String token : new String[] {null, playToken("other")}) {
            try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM, token)) {
                FlvViewer.Close close = viewer.awaitClose(Duration.ofSeconds(10));
                assertThat(close.code()).isEqualTo((short) 4401);
                assertThat(close.reason()).isEqualTo("bad-token");
                assertThat(viewer.count()).isZero();
            }
        }
    }

    @Test
    void roomOfAPrivateStreamRefusesAnonymousReadersAndOtherStreamsTokens() throws Exception {
        for (String token : new String[] {null, playToken("other"), guestToken()}) {
            try (RoomClient member = RoomClient.join(platform.clientVertx(), platform.httpPort(), STREAM, token, 0)) {
                FlvViewer.Close close = member.awaitClose();
                assertThat(close.code()).isEqualTo((short) 4401);
                assertThat(close.reason()).isEqualTo("bad-token");
                assertThat(member.events()).noneMatch(e -> "hello".equals(e.getString("type")));
            }
        }
    }

    @Test
    void playTokenPlaysOverWebSocketAndHttpAndOpensTheRoom() throws Exception {
        String token = playToken(STREAM);
        try (FlvViewer ws = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM, token);
             HttpFlvViewer http = HttpFlvViewer.open(platform.httpPort(), STREAM, token);
             RoomClient member = RoomClient.join(platform.clientVertx(), platform.httpPort(), STREAM, token, 0)) {
            ws.awaitFirstKeyframe(Duration.ofSeconds(10));
            assertThat(http.status()).isEqualTo(200);
            assertThat(new String(http.read(3), StandardCharsets.US_ASCII)).isEqualTo("FLV");
            JsonObject hello = member.await("hello", e -> "hello".equals(e.getString("type")));
            assertThat(hello.getJsonObject("you").getString("role")).isEqualTo("viewer");
            member.send(new JsonObject().put("type", "danmaku").put("text", "in private"));
            member.await("own danmaku", e -> "danmaku".equals(e.getString("type")));
        }
    }

    @Test
    void privateInTheStreamKeyMakesAStreamPrivateToo() throws Exception {
        String stream = "bykey";
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            assertThat(client.publish(stream + "?token=" + platform.publishToken(stream) + "&private=1"))
                    .isEqualTo("NetStream.Publish.Start");
            assertThat(platform.listedStream(stream).getBoolean("private")).isTrue();
            try (HttpFlvViewer viewer = HttpFlvViewer.open(platform.httpPort(), stream, null)) {
                assertThat(viewer.status()).isEqualTo(401);
            }
        }
    }

    @Test
    void aPublicStreamStaysOpenToEveryone() throws Exception {
        String stream = "open";
        try (RtmpClient client = new RtmpClient(platform.rtmpPort())) {
            assertThat(client.publish(stream + "?token=" + platform.publishToken(stream))).isEqualTo("NetStream.Publish.Start");
            assertThat(platform.listedStream(stream).getBoolean("private")).isFalse();
            try (RoomClient reader = RoomClient.join(platform.clientVertx(), platform.httpPort(), stream, null, 0)) {
                reader.await("hello", e -> "hello".equals(e.getString("type")));
            }
        }
    }

    /** A play token as an operator mints it: {@code token play --stream NAME}. */
    private static String playToken(String stream) {
        return cli("play", "--stream", stream, "--subject", "fan", "--nick", "Fan");
    }

    /** What {@code POST /api/session} hands a guest: a viewer token for no stream in particular. */
    private static String guestToken() {
        return platform.running().mint(new JsonObject().put("role", "viewer").put("nick", "Guest"), "guest-1", Duration.ofHours(1));
    }

    /** Runs {@code livestream token ARGS} with the platform's secret; returns the token it printed. */
    private static String cli(String... args) {
        String[] command = new String[args.length + 3];
        command[0] = "token";
        System.arraycopy(args, 0, command, 1, args.length);
        command[args.length + 1] = "--jwt-secret";
        command[args.length + 2] = Platform.SECRET;
        return Commands.output(command);
    }
}
