package io.livestream.launcher.cluster;

import io.livestream.launcher.harness.LocalCluster;
import io.livestream.launcher.harness.RoleProcess;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Rooms across two gateways and an interaction process, each its own JVM in one Hazelcast cluster. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RoomClusterIT {
    private static LocalCluster cluster;
    private static RoleProcess interaction;
    private static RoleProcess gatewayA;
    private static RoleProcess gatewayB;
    private static Vertx clients;

    @BeforeAll
    static void start() throws Exception {
        cluster = new LocalCluster("rooms");
        clients = cluster.vertx();
        interaction = cluster.start("interaction");
        gatewayA = cluster.start("gateway");
        gatewayB = cluster.start("gateway");
        for (RoleProcess p : List.of(interaction, gatewayA, gatewayB)) {
            p.awaitHealthy(Duration.ofSeconds(90));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static String viewer(String nick) {
        return cluster.token(new JsonObject().put("role", "viewer").put("nick", nick), "user-" + nick);
    }

    private static RoomClient join(RoleProcess gateway, String room, String nick, long lastSeq) throws InterruptedException {
        RoomClient c = RoomClient.join(clients, gateway.httpPort(), room, viewer(nick), lastSeq);
        c.await("hello", e -> "hello".equals(e.getString("type")));
        return c;
    }

    private static JsonObject danmaku(String text) {
        return new JsonObject().put("type", "danmaku").put("text", text);
    }

    private static List<JsonObject> danmakuOf(List<JsonObject> events) {
        return events.stream().filter(e -> "danmaku".equals(e.getString("type"))).toList();
    }

    @Test
    @Order(1)
    void clientsOnTwoGatewaysSeeEachOthersDanmakuInTheSameOrderWithConsecutiveSequenceNumbers() throws Exception {
        try (RoomClient a = join(gatewayA, "lobby", "ann", 0); RoomClient b = join(gatewayB, "lobby", "ben", 0)) {
            for (int i = 0; i < 3; i++) {
                a.send(danmaku("a" + i));
                b.send(danmaku("b" + i));
            }
            List<JsonObject> atA = danmakuOf(a.awaitAll("6 danmaku at A", l -> danmakuOf(l).size() == 6));
            List<JsonObject> atB = danmakuOf(b.awaitAll("6 danmaku at B", l -> danmakuOf(l).size() == 6));
            assertThat(atA.stream().map(e -> e.getString("text")).toList()).isEqualTo(atB.stream().map(e -> e.getString("text")).toList());
            List<Long> seqs = atA.stream().map(e -> e.getLong("seq")).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
            }
            assertThat(atB.stream().map(e -> e.getLong("seq")).toList()).isEqualTo(seqs);
        }
    }

    @Test
    @Order(2)
    void restartingTheInteractionProcessKeepsHistoryAndAReconnectGetsExactlyWhatItMissed() throws Exception {
        long lastSeq;
        try (RoomClient leaver = join(gatewayA, "keep", "lea", 0)) {
            leaver.send(danmaku("seen"));
            lastSeq = leaver.await("own danmaku", e -> "seen".equals(e.getString("text"))).getLong("seq");
        }
        try (RoomClient talker = join(gatewayB, "keep", "tom", 0)) {
            talker.send(danmaku("missed one"));
            talker.await("echo", e -> "missed one".equals(e.getString("text")));

            interaction.close(); // SIGTERM: a restart
            interaction.start();
            interaction.awaitHealthy(Duration.ofSeconds(90));

            // the room works again through the same socket once the service's consumer has reached the gateways
            JsonObject after = null;
            for (int attempt = 0; attempt < 50 && after == null; attempt++) {
                int seen = talker.events().size();
                String text = "missed two " + attempt;
                talker.send(danmaku(text));
                JsonObject answer = talker.awaitAll("an answer to " + text, l -> l.size() > seen && l.subList(seen, l.size()).stream()
                                .anyMatch(e -> text.equals(e.getString("text")) || "unavailable".equals(e.getString("code"))))
                        .stream().skip(seen).filter(e -> text.equals(e.getString("text")) || "unavailable".equals(e.getString("code")))
                        .findFirst().orElseThrow();
                if (text.equals(answer.getString("text"))) {
                    after = answer;
                } else {
                    Thread.sleep(200); // polling an outside condition: the restarted consumer is not yet known cluster-wide
                }
            }
            assertThat(after).as("danmaku accepted after the restart").isNotNull();
        }
        try (RoomClient back = RoomClient.join(clients, gatewayA.httpPort(), "keep", viewer("lea"), lastSeq)) {
            JsonObject hello = back.await("hello", e -> "hello".equals(e.getString("type")));
            assertThat(hello.getBoolean("resumed")).isTrue();
            List<String> missed = hello.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("text")).toList();
            assertThat(missed.get(0)).isEqualTo("missed one");
            assertThat(missed).hasSize(2);
            assertThat(missed.get(1)).startsWith("missed two");
            assertThat(hello.getJsonArray("history").getJsonObject(0).getLong("seq")).isEqualTo(lastSeq + 1);
        }
    }
}
