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
import java.util.SplittableRandom;

/**
 * Hostile room messages: known and unknown types with fields of every JSON type. The room
 * always answers with an outcome (an error at worst), never an exception, and its state stays
 * serialisable. 100,000 tries at a fixed seed.
 */
class RoomFuzzTest {
    private static final List<String> TYPES = List.of("danmaku", "like", "gift", "mute", "unmute", "ban", "delete", "x", "");
    private static final List<String> FIELDS = List.of("text", "color", "mode", "streamTs", "count", "giftId", "userId", "seconds", "messageId");
    /** Doubles JSON text can carry to the room (1e400 reads as infinity; NaN cannot be written). */
    private static final double[] EDGE_DOUBLES = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, Double.MAX_VALUE, Double.MIN_VALUE};
    private final Room room = new Room("fuzz", RoomRules.defaults().withBlockedWords(List.of("bad")), System::nanoTime, System::currentTimeMillis);
    private final RoomUser moderator = new RoomUser("mod", "Mod", RoomUser.Role.MODERATOR, "fuzz");

    /**
     * A message made from one seed jqwik draws: up to five known fields, each with a value of any
     * JSON type, and a type that is known, unknown or not a string. Composing jqwik's generators
     * field by field cost several times as much per try, most of this test's time.
     */
    @Provide
    Arbitrary<JsonObject> messages() {
        return Arbitraries.longs().withoutEdgeCases().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            JsonObject m = new JsonObject();
            for (int n = random.nextInt(6); n > 0; n--) {
                m.put(FIELDS.get(random.nextInt(FIELDS.size())), value(random));
            }
            return m.put("type", random.nextInt(4) == 0 ? value(random) : TYPES.get(random.nextInt(TYPES.size())));
        });
    }

    private static Object value(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> text(random);
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> random.nextInt(4) == 0 ? EDGE_DOUBLES[random.nextInt(EDGE_DOUBLES.length)] : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-5, 20));
            case 4 -> random.nextBoolean();
            case 5 -> new JsonArray().add(1).add("x");
            case 6 -> new JsonObject().put("nested", true);
            default -> null;
        };
    }

    /** Up to 300 characters: plain ASCII, CJK, emoji halves (lone surrogates) and control characters mixed. */
    private static String text(SplittableRandom random) {
        char[] chars = new char[random.nextInt(301)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(0x20, 0x7f);
                case 1 -> (char) random.nextInt(0x4e00, 0x9fff);
                case 2 -> (char) random.nextInt(0xd800, 0xe000);
                default -> (char) random.nextInt(0x10000);
            };
        }
        return new String(chars);
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
