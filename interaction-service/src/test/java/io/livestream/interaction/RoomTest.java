package io.livestream.interaction;

import io.livestream.common.CloseReason;
import io.livestream.common.room.RoomUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RoomTest {
    private long nanos = 1_000_000_000L;
    private long millis = 1_700_000_000_000L;
    private final RoomUser alice = new RoomUser("alice", "Alice", RoomUser.Role.VIEWER, null);
    private final RoomUser bob = new RoomUser("bob", "Bob", RoomUser.Role.VIEWER, null);
    private final RoomUser streamer = new RoomUser("star", "Star", RoomUser.Role.STREAMER, "show");
    private final RoomUser otherStreamer = new RoomUser("x", "X", RoomUser.Role.STREAMER, "elsewhere");

    private Room room(RoomRules rules) {
        return new Room("show", rules, () -> nanos, () -> millis);
    }

    private static JsonObject danmaku(String text) {
        return new JsonObject().put("type", "danmaku").put("text", text).put("color", "#ff0000").put("mode", "top").put("streamTs", 1234);
    }

    private void advanceSeconds(double s) {
        nanos += (long) (s * 1e9);
        millis += (long) (s * 1000);
    }

    @Test
    void danmakuIsStampedWithConsecutiveSequenceNumbers() {
        Room room = room(RoomRules.defaults());
        JsonObject first = room.receive(alice, danmaku("hi")).broadcast().get(0);
        advanceSeconds(1);
        JsonObject second = room.receive(bob, danmaku("hello")).broadcast().get(0);
        assertThat(first.getLong("seq")).isEqualTo(1);
        assertThat(second.getLong("seq")).isEqualTo(2);
        assertThat(first.getString("mode")).isEqualTo("top");
        assertThat(first.getLong("streamTs")).isEqualTo(1234);
        assertThat(first.getJsonObject("user").getString("nick")).isEqualTo("Alice");
    }

    @Test
    void tooLongDanmakuIsRefused() {
        Room room = room(RoomRules.defaults());
        assertThat(room.receive(alice, danmaku("x".repeat(101))).error().code()).isEqualTo("too-long");
        assertThat(room.receive(alice, danmaku("x".repeat(100))).error()).isNull();
    }

    @Test
    void rateLimitAllowsABurstOfThreeThenOnePerSecond() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 3; i++) {
            assertThat(room.receive(alice, danmaku("m" + i)).error()).isNull();
        }
        assertThat(room.receive(alice, danmaku("m3")).error().code()).isEqualTo("rate-limited");
        assertThat(room.receive(bob, danmaku("m3")).error()).as("another user has his own bucket").isNull();
        advanceSeconds(1.01);
        assertThat(room.receive(alice, danmaku("m4")).error()).isNull();
    }

    @Test
    void duplicateTextWithinTheWindowIsRefused() {
        Room room = room(RoomRules.defaults());
        room.receive(alice, danmaku("same"));
        advanceSeconds(2);
        assertThat(room.receive(alice, danmaku(" SAME ")).error().code()).isEqualTo("duplicate");
        advanceSeconds(11);
        assertThat(room.receive(alice, danmaku("same")).error()).isNull();
    }

    @Test
    void blockedWordsAreFiltered() {
        Room room = room(RoomRules.defaults().withBlockedWords(List.of("spoiler")));
        assertThat(room.receive(alice, danmaku("big SPOILER ahead")).error().code()).isEqualTo("filtered");
    }

    @Test
    void anonymousUsersCannotSend() {
        Room room = room(RoomRules.defaults());
        assertThat(room.receive(RoomUser.ANONYMOUS, danmaku("hi")).error().code()).isEqualTo("not-allowed");
    }

    @Test
    void streamerMutesAndBansInTheirOwnRoomOnly() {
        Room room = room(RoomRules.defaults());
        assertThat(room.receive(otherStreamer, new JsonObject().put("type", "mute").put("userId", "alice")).error().code())
                .isEqualTo("not-allowed");
        JsonObject notice = room.receive(streamer, new JsonObject().put("type", "mute").put("userId", "alice").put("seconds", 60)).broadcast().get(0);
        assertThat(notice.getString("kind")).isEqualTo("muted");
        assertThat(room.receive(alice, danmaku("let me speak")).error().code()).isEqualTo("muted");
        advanceSeconds(61);
        assertThat(room.receive(alice, danmaku("back")).error()).isNull();

        room.receive(streamer, new JsonObject().put("type", "ban").put("userId", "bob"));
        Room.Outcome banned = room.receive(bob, danmaku("hi"));
        assertThat(banned.error().code()).isEqualTo("banned");
        assertThat(banned.close()).isEqualTo(CloseReason.BANNED);
    }

    @Test
    void deletionRemovesFromHistoryAndIsBroadcast() {
        Room room = room(RoomRules.defaults());
        String id = room.receive(alice, danmaku("oops")).broadcast().get(0).getString("id");
        JsonObject notice = room.receive(streamer, new JsonObject().put("type", "delete").put("messageId", id)).broadcast().get(0);
        assertThat(notice.getString("kind")).isEqualTo("deleted");
        assertThat(room.hello(0).getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("id"))).doesNotContain(id);
    }

    @Test
    void likesAreSummedIntoOneStatsEventPerTick() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 10; i++) { // batched, as the web client sends them
            Room.Outcome liked = room.receive(alice, new JsonObject().put("type", "like").put("count", 100));
            assertThat(liked.broadcast()).isEmpty();
            assertThat(liked.error()).isNull();
        }
        JsonObject stats = room.tick();
        assertThat(stats.getLong("likes")).isEqualTo(1000);
        assertThat(room.tick()).as("nothing changed since").isNull();
    }

    @Test
    void giftsBuildTheLeaderboard() {
        Room room = room(RoomRules.defaults());
        room.receive(alice, new JsonObject().put("type", "gift").put("giftId", "rocket").put("count", 2));
        room.receive(bob, new JsonObject().put("type", "gift").put("giftId", "crown").put("count", 1));
        assertThat(room.receive(bob, new JsonObject().put("type", "gift").put("giftId", "yacht")).error().code()).isEqualTo("unknown-gift");
        JsonObject stats = room.tick();
        assertThat(stats.getJsonArray("leaderboard").getJsonObject(0).getString("id")).isEqualTo("bob");
        assertThat(stats.getJsonArray("leaderboard").getJsonObject(1).getLong("coins")).isEqualTo(200);
    }

    @Test
    void helloResumesFromTheLastSequenceAClientHad() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 5; i++) {
            room.receive(alice, danmaku("m" + i));
            advanceSeconds(1);
        }
        JsonObject hello = room.hello(3);
        assertThat(hello.getBoolean("resumed")).isTrue();
        assertThat(hello.getJsonArray("history").stream().map(o -> ((JsonObject) o).getLong("seq")).toList()).containsExactly(4L, 5L);
        assertThat(room.hello(0).getJsonArray("history")).hasSize(5);
    }

    @Test
    void giftCatalogComesFromTheSetting() {
        RoomRules rules = RoomRules.defaults().withGifts("star:Star:5, car:Sports car:1000");
        Room room = room(rules);
        assertThat(room.hello(0).getJsonArray("gifts").getJsonObject(1).getString("name")).isEqualTo("Sports car");
        assertThat(room.receive(alice, new JsonObject().put("type", "gift").put("giftId", "car")).broadcast().get(0).getLong("coins")).isEqualTo(1000);
        assertThat(room.receive(alice, new JsonObject().put("type", "gift").put("giftId", "rocket")).error().code()).isEqualTo("unknown-gift");
    }

    @Test
    void historyKeepsTheLastHundredAndSurvivesARestore() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 150; i++) {
            room.receive(new RoomUser("u" + i, "U", RoomUser.Role.VIEWER, null), danmaku("m" + i));
        }
        Room restored = room(RoomRules.defaults());
        restored.restore(room.toJson());
        JsonObject hello = restored.hello(0);
        assertThat(hello.getJsonArray("history")).hasSize(100);
        assertThat(hello.getLong("seq")).isEqualTo(150);
        assertThat(restored.receive(alice, danmaku("after")).broadcast().get(0).getLong("seq")).isEqualTo(151);
    }

    @Test
    void repeatedViolationsCloseTheSocket() {
        Room room = room(RoomRules.defaults());
        Room.Outcome last = null;
        for (int i = 0; i < 10; i++) {
            last = room.receive(alice, new JsonObject().put("type", "nonsense"));
        }
        assertThat(last.close()).isEqualTo(CloseReason.ABUSE);
    }

    @Test
    void perUserStateOfQuietGuestsIsForgottenButLiveLimitsHold() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 1000; i++) {
            room.receive(new RoomUser("guest" + i, "G", RoomUser.Role.VIEWER, null), danmaku("hello " + i));
        }
        room.receive(alice, new JsonObject().put("type", "nonsense"));
        for (int i = 0; i < 3; i++) {
            room.receive(bob, danmaku("burst " + i));
        }
        assertThat(room.trackedUsers()).isEqualTo(1002);

        room.forgetIdleUsers();
        assertThat(room.trackedUsers()).as("nothing forgotten while it still matters").isEqualTo(1002);
        assertThat(room.receive(bob, danmaku("burst 4")).error().code()).as("bob's bucket is still empty")
                .isEqualTo("rate-limited");

        advanceSeconds(61);
        assertThat(room.forgetIdleUsers()).isPositive();
        assertThat(room.trackedUsers()).as("every quiet user forgotten").isZero();
        assertThat(room.receive(alice, danmaku("hello 0")).broadcast()).as("a fresh start after the windows").hasSize(1);
    }

    private static JsonObject like(int count) {
        return new JsonObject().put("type", "like").put("count", count);
    }

    private static JsonObject gift(String id) {
        return new JsonObject().put("type", "gift").put("giftId", id).put("count", 1);
    }

    @Test
    void likeMessagesHaveTheirOwnBucketPerUserAndCountCappedUnits() {
        Room room = room(RoomRules.defaults());
        RoomRules.Rate rate = RoomRules.defaults().likes();
        for (int i = 0; i < rate.burst(); i++) {
            assertThat(room.receive(alice, like(100)).error()).as("like message " + i).isNull();
        }
        Room.Outcome refused = room.receive(alice, like(1));
        assertThat(refused.error().code()).isEqualTo("rate-limited");
        assertThat(refused.error().message()).contains("like messages per second");
        assertThat(room.receive(alice, danmaku("still may talk")).error()).as("danmaku have their own bucket").isNull();
        assertThat(room.receive(bob, like(1)).error()).as("another user has his own bucket").isNull();
        assertThat(room.receive(alice, like(101)).error().code()).as("units per message are capped").isEqualTo("bad-request");
        advanceSeconds(1 / rate.perSecond() + 0.01);
        assertThat(room.receive(alice, like(100)).error()).isNull();
        assertThat(room.tick().getLong("likes")).isEqualTo(100L * (rate.burst() + 1) + 1);
    }

    @Test
    void theWebClientsPaceOfLikesIsNeverRefused() {
        Room room = room(RoomRules.defaults());
        for (int i = 0; i < 600; i++) { // one batched like message per 500 ms (web-client LikeBatcher), for 5 minutes
            assertThat(room.receive(alice, like(100)).error()).as("like message " + i).isNull();
            advanceSeconds(0.5);
        }
    }

    @Test
    void giftsHaveTheirOwnBucketPerUser() {
        Room room = room(RoomRules.defaults());
        RoomRules.Rate rate = RoomRules.defaults().gifts();
        for (int i = 0; i < rate.burst(); i++) {
            assertThat(room.receive(alice, gift("heart")).error()).as("gift " + i).isNull();
        }
        Room.Outcome refused = room.receive(alice, gift("heart"));
        assertThat(refused.error().code()).isEqualTo("rate-limited");
        assertThat(refused.broadcast()).as("a refused gift reaches nobody").isEmpty();
        assertThat(room.receive(alice, like(1)).error()).as("likes have their own bucket").isNull();
        assertThat(room.receive(bob, gift("heart")).error()).isNull();
        advanceSeconds(1 / rate.perSecond() + 0.01);
        assertThat(room.receive(alice, gift("heart")).error()).isNull();
    }

    private final RoomUser troll = new RoomUser("guest-troll", "Troll", RoomUser.Role.VIEWER, null);
    private final RoomUser trollAgain = new RoomUser("guest-troll2", "Troll", RoomUser.Role.VIEWER, null);

    @Test
    void aBannedGuestsAddressRefusesNewGuestsFromItWhileTheBanLasts() {
        Room room = room(RoomRules.defaults());
        room.joined(troll, "203.0.113.7");
        room.receive(streamer, new JsonObject().put("type", "ban").put("userId", "guest-troll").put("seconds", 600));

        Room.Outcome refused = room.refusesJoin(trollAgain, "203.0.113.7");
        assertThat(refused.close()).isEqualTo(CloseReason.BANNED);
        assertThat(refused.error().code()).isEqualTo("banned");
        assertThat(room.refusesJoin(trollAgain, "198.51.100.1")).as("another address").isNull();
        assertThat(room.refusesJoin(alice, "203.0.113.7")).as("a signed-in viewer from a shared address").isNull();
        assertThat(room.refusesJoin(RoomUser.ANONYMOUS, "203.0.113.7")).as("a reader").isNull();

        Room restored = room(RoomRules.defaults());
        restored.restore(room.toJson());
        assertThat(restored.refusesJoin(trollAgain, "203.0.113.7")).as("saved with the room").isNotNull();

        advanceSeconds(601);
        assertThat(room.refusesJoin(trollAgain, "203.0.113.7")).as("the ban ran out").isNull();
        assertThat(room.receive(troll, danmaku("back")).error()).as("so did the user's").isNull();
        room.forgetIdleUsers();
        assertThat(room.toJson().getJsonObject("addressBans")).as("forgotten once over").isEmpty();
    }

    @Test
    void unbanLiftsTheAddressBanWithTheUsers() {
        Room room = room(RoomRules.defaults());
        room.joined(troll, "203.0.113.7");
        JsonObject notice = room.receive(streamer, new JsonObject().put("type", "ban").put("userId", "guest-troll")).broadcast().get(0);
        assertThat(notice.containsKey("until")).as("banned until lifted").isFalse();
        advanceSeconds(86_400);
        assertThat(room.refusesJoin(trollAgain, "203.0.113.7")).isNotNull();

        assertThat(room.receive(streamer, new JsonObject().put("type", "unban").put("userId", "guest-troll")).broadcast().get(0)
                .getString("kind")).isEqualTo("unbanned");
        assertThat(room.refusesJoin(trollAgain, "203.0.113.7")).isNull();
        assertThat(room.receive(troll, danmaku("sorry")).error()).isNull();
    }

    @Test
    void aGuestThatLeftBeforeItsBanLeavesNoAddressBehind() {
        Room room = room(RoomRules.defaults());
        room.joined(troll, "203.0.113.7");
        room.joined(troll, "203.0.113.7");
        room.left(troll);
        room.receive(streamer, new JsonObject().put("type", "ban").put("userId", "guest-troll"));
        assertThat(room.refusesJoin(trollAgain, "203.0.113.7")).as("one of its sockets is still in").isNotNull();

        Room other = room(RoomRules.defaults());
        other.joined(troll, "203.0.113.7");
        other.left(troll);
        other.receive(streamer, new JsonObject().put("type", "ban").put("userId", "guest-troll"));
        assertThat(other.refusesJoin(trollAgain, "203.0.113.7")).isNull();
        assertThat(other.receive(troll, danmaku("hi")).close()).as("its id stays banned").isEqualTo(CloseReason.BANNED);
    }

    @Test
    void bansSavedAsAListBeforeTimedBansStillHold() {
        Room room = room(RoomRules.defaults());
        room.restore(new JsonObject().put("seq", 3).put("banned", new io.vertx.core.json.JsonArray().add("bob")));
        assertThat(room.receive(bob, danmaku("hi")).close()).isEqualTo(CloseReason.BANNED);
    }
}
