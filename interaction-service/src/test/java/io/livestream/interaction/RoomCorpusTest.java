package io.livestream.interaction;

import io.livestream.common.room.RoomUser;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

/**
 * Replays the room's regression corpus, {@code src/test/resources/fuzz-corpus/room/}: text frames as
 * a member sends them ({@code .json}, gzipped when large). Each is parsed as the gateway parses it
 * (a {@link DecodeException} or {@link ClassCastException} is its {@code bad-request}), then given to
 * a room from a viewer and from a moderator: the room answers with an outcome, never an exception,
 * keeps its history bounded, and its state stays serialisable.
 */
class RoomCorpusTest {
    private final Room room = new Room("corpus", RoomRules.defaults(), System::nanoTime, System::currentTimeMillis);
    private final List<RoomUser> senders = List.of(new RoomUser("u1", "U", RoomUser.Role.VIEWER, null),
            new RoomUser("mod", "Mod", RoomUser.Role.MODERATOR, "corpus"));

    @TestFactory
    Stream<DynamicTest> everyCorpusMessageGetsAnOutcomeNeverAnException() throws IOException, URISyntaxException {
        Path dir = Path.of(RoomCorpusTest.class.getResource("/fuzz-corpus/room").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.sorted().toList();
        }
        assertThat(files).isNotEmpty();
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
            String text = read(file);
            assertTimeout(Duration.ofSeconds(5), () -> receive(text));
        }));
    }

    private void receive(String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return; // the gateway answers bad-request
        }
        for (RoomUser sender : senders) {
            Room.Outcome outcome = room.receive(sender, message);
            assertThat(outcome).isNotNull();
            outcome.broadcast().forEach(JsonObject::encode);
        }
        room.tick();
        assertThat(room.toJson().encode()).isNotEmpty();
        assertThat(room.hello(0).getJsonArray("history").size()).isLessThanOrEqualTo(RoomRules.defaults().historySize());
    }

    private static String read(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return Files.readString(file);
    }
}
