package io.livestream.common.room;

import io.livestream.common.CloseReason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/room-protocol.md and the Java types say the same: every type, event, notice kind, error code
 * and close reason the types name is in the document, and the document names no other.
 */
class RoomProtocolDocTest {
    private static final Pattern TYPE = Pattern.compile("\"type\": \"([a-z-]+)\"");
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
    private static String serverToClient;
    private static String clientToServer;
    private static String whole;

    @BeforeAll
    static void read() throws IOException {
        Path doc = Path.of("..", "docs", "room-protocol.md");
        whole = Files.readString(doc);
        serverToClient = section("## Server to client");
        clientToServer = section("## Client to server");
    }

    /** From the heading to the next heading of the same level. */
    private static String section(String heading) {
        int start = whole.indexOf(heading);
        assertThat(start).as(heading + " in the document").isNotNegative();
        int end = whole.indexOf("\n## ", start + heading.length());
        return whole.substring(start, end < 0 ? whole.length() : end);
    }

    private static Set<String> all(Pattern pattern, String text) {
        Set<String> found = new HashSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void theClientsMessagesAreTheClientTypes() {
        assertThat(all(TYPE, clientToServer))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(RoomProtocol.ClientType.values()).map(t -> t.label).toList());
    }

    @Test
    void theServersMessagesAndEventsAreTheServerAndEventTypes() {
        Set<String> types = new HashSet<>();
        Arrays.stream(RoomProtocol.ServerType.values()).forEach(t -> types.add(t.label));
        Arrays.stream(RoomProtocol.EventType.values()).forEach(t -> types.add(t.label));
        assertThat(all(TYPE, serverToClient)).containsExactlyInAnyOrderElementsOf(types);
    }

    @Test
    void theNoticeKindsAreTheNoticeTypes() {
        String line = serverToClient.lines().filter(l -> l.startsWith("- `notice` kinds:")).findFirst().orElseThrow();
        int end = serverToClient.indexOf("\n- ", serverToClient.indexOf(line) + 1);
        String bullet = serverToClient.substring(serverToClient.indexOf(line), end);
        Set<String> fields = Set.of("notice", "userId", "until", "messageId");
        Set<String> kinds = all(TICKED, bullet).stream().filter(k -> !fields.contains(k)).collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(Arrays.stream(RoomNotice.Kind.values()).map(k -> k.label).toList());
    }

    @Test
    void theErrorTableIsTheErrorCodes() {
        Pattern row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\| ");
        String table = serverToClient.substring(serverToClient.indexOf("| code | when |"));
        assertThat(all(row, table))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(RoomError.Code.values()).map(c -> c.label).toList());
    }

    @Test
    void theClosesAreTheRoomsCloseReasonsWithTheirCodes() {
        Pattern close = Pattern.compile("`(\\d{4}) ([a-z-]+)`");
        Matcher m = close.matcher(whole);
        Set<CloseReason> named = new HashSet<>();
        while (m.find()) {
            String code = m.group(1);
            String label = m.group(2);
            CloseReason reason = Arrays.stream(CloseReason.values()).filter(r -> r.label.equals(label)).findFirst()
                    .orElseThrow(() -> new AssertionError("no close reason " + label));
            assertThat(Integer.parseInt(code)).as(label + "'s code").isEqualTo(reason.code);
            named.add(reason);
        }
        assertThat(named).containsExactlyInAnyOrderElementsOf(RoomProtocol.CLOSES);
    }
}
