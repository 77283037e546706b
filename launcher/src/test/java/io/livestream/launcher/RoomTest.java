package io.livestream.launcher;

import io.livestream.interaction.RoomRules;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms over real WebSockets in one process: danmaku, likes, errors, resume, and bad input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomTest {
    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.start(s -> s.withRooms(RoomRules.defaults().withBlockedWords(List.of("spoiler"))));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    /** A viewer token, as {@code POST /api/session} gives a guest (that endpoint is rate-limited per address). */
    private static String guest(String nick) {
        return platform.running().mint(new JsonObject().put("role", "viewer").put("nick", nick),
                "guest-" + nick.toLowerCase(java.util.Locale.ROOT), Duration.ofHours(1));
    }

    private static HttpResponse<String> postSession(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(platform.httpUrl("/api/session")))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void guestSessionGivesAViewerTokenAndIsRateLimitedPerAddress() throws Exception {
        HttpResponse<String> first = postSession(new JsonObject().put("nickname", "Guest One").encode());
        assertThat(first.statusCode()).isEqualTo(200);
        String token = new JsonObject(first.body()).getString("token");
        try (RoomClient c = join("session", token, 0)) {
            JsonObject you = c.events().get(0).getJsonObject("you");
            assertThat(you.getString("nick")).isEqualTo("Guest One");
            assertThat(you.getString("role")).isEqualTo("viewer");
        }
        assertThat(postSession("{\"nickname\": \"\"}").statusCode()).isEqualTo(400);
        int status = 0;
        for (int i = 0; i < 40 && status != 429; i++) { // a burst of 20, then 1 a second
            status = postSession(new JsonObject().put("nickname", "g" + i).encode()).statusCode();
        }
        assertThat(status).as("sessions past the per-address limit").isEqualTo(429);
        assertThat(platform.metric("live_limit_refusals_total", "limit=\"session-rate\"")).isEqualTo(1);
    }

    private static RoomClient join(String room, String token, long lastSeq) throws InterruptedException {
        RoomClient c = RoomClient.join(platform.clientVertx(), platform.httpPort(), room, token, lastSeq);
        c.await("hello", e -> "hello".equals(e.getString("type")));
        return c;
    }

    private static JsonObject danmaku(String text) {
        return new JsonObject().put("type", "danmaku").put("text", text).put("color", "#00ff00").put("mode", "scroll").put("streamTs", 5000);
    }

    @Test
    void twoMembersSeeEachOthersDanmakuInOrderWithConsecutiveSequenceNumbers() throws Exception {
        try (RoomClient a = join("order", guest("Ann"), 0); RoomClient b = join("order", guest("Ben"), 0)) {
            for (int i = 0; i < 3; i++) {
                a.send(danmaku("from a " + i));
                b.send(danmaku("from b " + i));
            }
            List<JsonObject> atA = a.awaitAll("six danmaku", l -> l.stream().filter(e -> "danmaku".equals(e.getString("type"))).count() == 6);
            List<JsonObject> atB = b.awaitAll("six danmaku", l -> l.stream().filter(e -> "danmaku".equals(e.getString("type"))).count() == 6);
            List<Long> seqA = atA.stream().filter(e -> "danmaku".equals(e.getString("type"))).map(e -> e.getLong("seq")).toList();
            List<Long> seqB = atB.stream().filter(e -> "danmaku".equals(e.getString("type"))).map(e -> e.getLong("seq")).toList();
            assertThat(seqA).isEqualTo(seqB);
            for (int i = 1; i < seqA.size(); i++) {
                assertThat(seqA.get(i)).isEqualTo(seqA.get(i - 1) + 1);
            }
            JsonObject one = atA.stream().filter(e -> "danmaku".equals(e.getString("type"))).findFirst().orElseThrow();
            assertThat(one.getLong("streamTs")).isEqualTo(5000);
            assertThat(one.getJsonObject("user").getString("nick")).isIn("Ann", "Ben");
        }
    }

    @Test
    void readersWithoutTokenCannotSend() throws Exception {
        try (RoomClient reader = join("quiet", null, 0)) {
            reader.send(danmaku("hello?"));
            assertThat(reader.await("error", e -> "error".equals(e.getString("type"))).getString("code")).isEqualTo("not-allowed");
        }
    }

    @Test
    void rulesAnswerWithTheirErrorCodes() throws Exception {
        try (RoomClient c = join("rules", guest("Cat"), 0)) {
            c.send(danmaku("x".repeat(101)));
            c.await("too-long", e -> "too-long".equals(e.getString("code")));
            c.send(danmaku("one"));
            c.send(danmaku("two"));
            c.send(danmaku("three"));
            c.send(danmaku("four"));
            c.await("rate-limited", e -> "rate-limited".equals(e.getString("code")));
        }
    }

    @Test
    void roomIsToldWhenItsStreamGoesOnlineAndOffline() throws Exception {
        try (RoomClient reader = join("onair", null, 0)) {
            try (RtmpClient publisher = new RtmpClient(platform.rtmpPort())) {
                assertThat(publisher.publish("onair?token=" + platform.publishToken("onair"))).isEqualTo("NetStream.Publish.Start");
                reader.await("online notice", e -> "stream-online".equals(e.getString("kind")));
            }
            reader.await("offline notice", e -> "stream-offline".equals(e.getString("kind")));
        }
    }

    @Test
    void blockedWordsAreFiltered() throws Exception {
        try (RoomClient c = join("words", guest("Wes"), 0)) {
            c.send(danmaku("huge SPOILER: it was a dream"));
            assertThat(c.await("error", e -> "error".equals(e.getString("type"))).getString("code")).isEqualTo("filtered");
        }
    }

    @Test
    void bannedViewerIsClosedAndCannotComeBackToTalk() throws Exception {
        String moderator = platform.running().mint(new JsonObject().put("role", "moderator").put("stream", "banroom").put("nick", "Mo"),
                "mod-1", Duration.ofHours(1));
        String trollToken = guest("Troll");
        try (RoomClient mod = join("banroom", moderator, 0); RoomClient troll = join("banroom", trollToken, 0)) {
            mod.send(new JsonObject().put("type", "ban").put("userId", "guest-troll"));
            assertThat(troll.awaitClose().reason()).isEqualTo("banned");
        }
        // from another address: from its own, a banned guest is refused at the door (see below)
        try (RoomClient again = RoomClient.joinFrom(platform.clientVertx(), "127.0.0.2", platform.httpPort(), "banroom", trollToken, 0)) {
            again.await("hello", e -> "hello".equals(e.getString("type")));
            again.send(danmaku("I am back"));
            assertThat(again.await("error", e -> "error".equals(e.getString("type"))).getString("code")).isEqualTo("banned");
        }
    }

    @Test
    void streamerMutesAViewerAndTheRoomIsTold() throws Exception {
        String streamer = platform.running().mint("streamer", "mod", Duration.ofHours(1));
        try (RoomClient star = join("mod", streamer, 0); RoomClient fan = join("mod", guest("Fan"), 0)) {
            String fanId = fan.await("hello", e -> "hello".equals(e.getString("type"))).getJsonObject("you").getString("id");
            star.send(new JsonObject().put("type", "mute").put("userId", fanId).put("seconds", 60));
            fan.await("muted notice", e -> "notice".equals(e.getString("type")) && "muted".equals(e.getString("kind")));
            fan.send(danmaku("can I speak"));
            assertThat(fan.await("error", e -> "error".equals(e.getString("type"))).getString("code")).isEqualTo("muted");
        }
    }

    @Test
    void thousandLikesArriveAsAFewAggregatedUpdatesWithTheExactTotal() throws Exception {
        try (RoomClient liker = join("likes", guest("Lia"), 0); RoomClient watcher = join("likes", null, 0)) {
            for (int i = 0; i < 10; i++) { // batched, as the web client sends them
                liker.sendRaw(new JsonObject().put("type", "like").put("count", 100).encode());
            }
            watcher.awaitAll("likes total 1000", l -> l.stream().anyMatch(e -> "stats".equals(e.getString("type")) && e.getLong("likes") == 1000));
            long updates = watcher.events().stream().filter(e -> "stats".equals(e.getString("type"))).count();
            assertThat(updates).as("stats updates for 1000 likes").isLessThan(20);
        }
    }

    /**
     * A member with 8 messages awaiting the room is not read until the room answers, so a flood
     * costs the gateway only what the room hears of it: its rate limit and abuse count settle it
     * after a handful, and the rest stays in the flooder's socket (the gateway's event loop, which
     * every member and viewer shares, never parses it).
     */
    @Test
    void aFlooderIsClosedForAbuseHavingBeenHeardOnlyUntilTheRoomCouldJudgeIt() throws Exception {
        RoomRules rules = RoomRules.defaults();
        double heard = platform.metric("live_room_messages_in_total");
        try (RoomClient flooder = join("flood", guest("Flo"), 0)) {
            flooder.flood(danmaku("flood").encode(), 100_000); // about 9 MiB, as fast as the socket takes it
            assertThat(flooder.awaitClose().reason()).isEqualTo("abuse");
        }
        // the room closes it at its abuse limit; what was in flight then is answered, nothing after
        assertThat(platform.metric("live_room_messages_in_total") - heard).as("messages the room handled")
                .isLessThanOrEqualTo(rules.burst() + rules.abuseLimit() + 8);
    }

    @Test
    void reconnectingWithTheLastSequenceGetsExactlyWhatItMissed() throws Exception {
        String token = guest("Rex");
        long lastSeq;
        try (RoomClient first = join("resume", token, 0)) {
            first.send(danmaku("before"));
            lastSeq = first.await("own danmaku", e -> "danmaku".equals(e.getString("type"))).getLong("seq");
        }
        try (RoomClient other = join("resume", guest("Oz"), 0)) {
            other.send(danmaku("missed 1"));
            Thread.sleep(1100); // the per-user rate limit, not synchronisation: one danmaku a second
            other.send(danmaku("missed 2"));
            other.awaitAll("both sent", l -> l.stream().filter(e -> "danmaku".equals(e.getString("type"))).count() >= 2);
        }
        try (RoomClient back = RoomClient.join(platform.clientVertx(), platform.httpPort(), "resume", token, lastSeq)) {
            JsonObject hello = back.await("hello", e -> "hello".equals(e.getString("type")));
            assertThat(hello.getBoolean("resumed")).isTrue();
            assertThat(hello.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("text")).toList())
                    .containsExactly("missed 1", "missed 2");
        }
    }

    @Test
    void badInputGetsAnErrorOrACloseForThatClientAlone() throws Exception {
        try (RoomClient bystander = join("noise", guest("Bea"), 0); RoomClient noisy = join("noise", guest("Nim"), 0)) {
            noisy.sendRaw("{not json");
            assertThat(noisy.await("error", e -> "error".equals(e.getString("type"))).getString("code")).isEqualTo("bad-request");
            noisy.send(new JsonObject().put("type", "teleport"));
            noisy.awaitAll("second error", l -> l.stream().filter(e -> "error".equals(e.getString("type"))).count() == 2);
            noisy.sendBinary(new byte[1024 * 1024]);
            // the server closes with 1009 (too big) while the client is still writing: it may see 1009 or 1006
            assertThat(noisy.awaitClose().code()).as("1 MiB frame closes the connection").isIn((short) 1009, (short) 1006);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"websocket-frame-size\"")).isEqualTo(1);
            bystander.send(danmaku("still here"));
            bystander.await("own danmaku after the noise", e -> "still here".equals(e.getString("text")));
            assertThat(bystander.isClosed()).isFalse();
        }
    }

    @Test
    void likesAndGiftsAreRateLimitedPerUser() throws Exception {
        RoomRules rules = RoomRules.defaults();
        double refusedBefore = platform.metric("live_room_rejected_total", "reason=\"rate-limited\"");
        try (RoomClient fan = join("pace", guest("Pia"), 0); RoomClient other = join("pace", guest("Pat"), 0)) {
            // a few more than the burst, faster than any refill: the last ones are refused
            for (int i = 0; i < rules.likes().burst() + 2; i++) {
                fan.sendRaw(new JsonObject().put("type", "like").put("count", 100).encode());
            }
            JsonObject likeRefused = fan.await("like refused", e -> "rate-limited".equals(e.getString("code")));
            assertThat(likeRefused.getString("message")).contains("like messages per second");
            for (int i = 0; i < rules.gifts().burst() + 2; i++) {
                fan.sendRaw(new JsonObject().put("type", "gift").put("giftId", "heart").put("count", 1).encode());
            }
            fan.await("gift refused", e -> "rate-limited".equals(e.getString("code")) && e.getString("message").contains("gifts per second"));
            assertThat(platform.metric("live_room_rejected_total", "reason=\"rate-limited\"") - refusedBefore)
                    .as("refusals counted").isGreaterThanOrEqualTo(2);
            other.send(new JsonObject().put("type", "gift").put("giftId", "heart").put("count", 1));
            other.await("another user's gift", e -> "gift".equals(e.getString("type")) && "Pat".equals(e.getJsonObject("user").getString("nick")));
            assertThat(fan.isClosed()).as("refusals below the abuse limit keep the socket").isFalse();
        }
    }

    @Test
    void aBannedGuestsAddressRefusesItsNewGuestIdsAndAdmitsAnotherAddress() throws Exception {
        String moderator = platform.running().mint(new JsonObject().put("role", "moderator").put("stream", "doorban").put("nick", "Mo"),
                "mod-2", Duration.ofHours(1));
        try (RoomClient mod = join("doorban", moderator, 0); RoomClient troll = join("doorban", guest("Trolla"), 0)) {
            mod.send(new JsonObject().put("type", "ban").put("userId", "guest-trolla"));
            assertThat(troll.awaitClose().reason()).isEqualTo("banned");
        }
        double refusedBefore = platform.metric("live_room_rejected_total", "reason=\"banned\"");
        try (RoomClient newId = RoomClient.join(platform.clientVertx(), platform.httpPort(), "doorban", guest("Trollb"), 0)) {
            FlvViewer.Close close = newId.awaitClose();
            assertThat(close.code()).isEqualTo((short) 4403);
            assertThat(close.reason()).as("a new guest id from the banned guest's address").isEqualTo("banned");
            assertThat(newId.events()).as("told why first").anyMatch(e -> "banned".equals(e.getString("code")));
        }
        assertThat(platform.metric("live_room_rejected_total", "reason=\"banned\"") - refusedBefore).isEqualTo(1);
        try (RoomClient elsewhere = RoomClient.joinFrom(platform.clientVertx(), "127.0.0.2", platform.httpPort(), "doorban", guest("Neighbour"), 0);
             RoomClient reader = join("doorban", null, 0)) {
            assertThat(elsewhere.awaitHello(Duration.ofSeconds(10)).getJsonObject("you").getString("id"))
                    .as("a guest from another address").isEqualTo("guest-neighbour");
            assertThat(reader.isClosed()).as("a reader from the banned address still reads").isFalse();
        }
    }
}
