package io.livestream.interaction;

import io.livestream.common.room.RoomUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

/**
 * Hostile room messages: known and unknown types with fields of every JSON type. The room
 * always answers with an outcome (an error at worst), never an exception, and its state stays
 * serialisable. 100,000 tries at a fixed seed.
 */
class RoomFuzzTest {
    private static final List<String> TYPES = List.of("danmaku", "like", "gift", "mute", "unmute", "ban", "delete", "x", "");
    private static final List<String> FIELDS = List.of("text", "color", "mode", "streamTs", "count", "giftId", "userId", "seconds", "messageId");
    private final Room room = new Room("fuzz", RoomRules.defaults().withBlockedWords(List.of("bad")), System::nanoTime, System::currentTimeMillis);
    private final RoomUser moderator = new RoomUser("mod", "Mod", RoomUser.Role.MODERATOR, "fuzz");

    private static Arbitrary<Object> value() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(300).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(new JsonArray().add(1).add("x")),
                Arbitraries.just(new JsonObject().put("nested", true)),
                Arbitraries.just((Object) null));
    }

    @Provide
    Arbitrary<JsonObject> messages() {
        Arbitrary<JsonObject> fields = Arbitraries.of(FIELDS).list().ofMaxSize(5).flatMap(names ->
                value().list().ofSize(names.size()).map(values -> {
                    JsonObject m = new JsonObject();
                    for (int i = 0; i < names.size(); i++) {
                        m.put(names.get(i), values.get(i));
                    }
                    return m;
                }));
        return fields.flatMap(m -> Arbitraries.oneOf(Arbitraries.of(TYPES).map(t -> (Object) t), value())
                .map(type -> m.copy().put("type", type)));
    }

    @Property(tries = 100_000, seed = "20261124")
    void everyMessageGetsAnOutcomeNeverAnException(@ForAll("messages") JsonObject message, @ForAll boolean asModerator) {
        RoomUser sender = asModerator ? moderator : new RoomUser("u" + (message.hashCode() & 7), "U", RoomUser.Role.VIEWER, null);
        Room.Outcome outcome = room.receive(sender, message);
        if (outcome == null) {
            throw new AssertionError("no outcome");
        }
        outcome.broadcast().forEach(JsonObject::encode);
        room.tick();
        if (room.takePersistChanged()) {
            room.toJson().encode(); // what would be saved to the cluster map
        }
    }
}
