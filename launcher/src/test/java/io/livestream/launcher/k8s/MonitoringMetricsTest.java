package io.livestream.launcher.k8s;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every series the alerts and the dashboard read is one the platform exports, with the labels they select and group
 * on: checked against the /metrics of a standalone platform with a real publisher (ffmpeg), a viewer, a room member,
 * a refused request and a stream that ended, so that the series made on first use exist too.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MonitoringMetricsTest {
    private static final String STREAM = "watched";
    /** Labels Prometheus puts on every series it scrapes through a PodMonitor: the target's. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "container", "endpoint");
    /** Series a standalone process does not export: who does, and their labels. */
    private static final Map<String, Elsewhere> NOT_IN_STANDALONE = Map.of(
            "live_cluster_relays", new Elsewhere("the gateway role, in a cluster", Set.of()),
            "live_cluster_viewers", new Elsewhere("the gateway role, in a cluster", Set.of("stream")),
            "live_gateway_viewers", new Elsewhere("the gateway role, in a cluster", Set.of("relay")),
            "up", new Elsewhere("Prometheus, one per scraped target", Set.of()));
    private static final Pattern METER_NAME = Pattern.compile("\"(live(?:\\.[a-z]+)+)\"");

    private record Elsewhere(String exportedBy, Set<String> labels) {
    }

    @Test
    void everySeriesTheAlertsAndTheDashboardReadIsExportedWithTheLabelsTheySelect() throws Exception {
        Map<String, Set<String>> exported = new HashMap<>();
        try (Platform platform = Platform.start(s -> s.withRelay(s.relay().withGrace(Duration.ofMillis(300))));
             Ffmpeg publisher = Ffmpeg.publish(platform.publishUrl(STREAM), 320, 240, 25)) {
            platform.awaitLive(STREAM, Duration.ofSeconds(20));
            String token = platform.running().mint(new JsonObject().put("role", "viewer").put("nick", "Ann"), "guest-ann", Duration.ofHours(1));
            try (FlvViewer viewer = FlvViewer.watch(platform.clientVertx(), platform.httpPort(), STREAM);
                 RoomClient member = RoomClient.join(platform.clientVertx(), platform.httpPort(), STREAM, token, 0)) {
                viewer.awaitFirstKeyframe(Duration.ofSeconds(10));
                member.await("hello", e -> "hello".equals(e.getString("type")));
                for (int i = 0; i < 5; i++) { // past the danmaku burst: refusals are counted by reason
                    member.send(new JsonObject().put("type", "danmaku").put("text", "hi " + i).put("color", "#ffffff")
                            .put("mode", "scroll").put("streamTs", 0));
                }
                member.await("rate-limited", e -> "rate-limited".equals(e.getString("code")));
                HttpResponse<String> tooBig = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                        .send(HttpRequest.newBuilder(URI.create(platform.httpUrl("/api/streams")))
                                .header("X-Padding", "x".repeat(9000)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(tooBig.statusCode()).as("a refusal, so that the refusals' series exist").isEqualTo(431);
                try (Socket notRtmp = new Socket("127.0.0.1", platform.rtmpPort())) { // an RTMP rejection and close by reason
                    notRtmp.getOutputStream().write(new byte[] {0x47, 0x45, 0x54, 0x20});
                    notRtmp.getOutputStream().flush();
                }
                System.gc(); // the GC pause timer appears at the first collection
                Await.until("frames received, room events sent, a collection seen", Duration.ofSeconds(20),
                        () -> platform.metric("live_ingest_video_frames_total") > 25 && platform.metric("live_room_messages_out_total") > 0
                                && platform.metric("jvm_gc_pause_seconds_count") > 0
                                && platform.metric("live_rtmp_rejected_total", "reason=\"bad-handshake\"") > 0);
                collect(platform.get("/metrics").body(), exported);
                publisher.close();
                assertThat(viewer.awaitClose(Duration.ofSeconds(20)).reason()).isEqualTo("stream-ended");
                collect(platform.get("/metrics").body(), exported); // the closes by reason
            }
        }

        Map<String, String> queries = new LinkedHashMap<>(MonitoringManifestsTest.ruleExpressions());
        queries.putAll(MonitoringManifestsTest.dashboardExpressions());
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, String> q : queries.entrySet()) {
            PromQl read = PromQl.parse(q.getValue());
            Set<String> labelsOfItsSeries = new HashSet<>(TARGET_LABELS);
            for (PromQl.Selector s : read.selectors) {
                Set<String> labels = exported.containsKey(s.metric()) ? exported.get(s.metric())
                        : NOT_IN_STANDALONE.containsKey(s.metric()) ? NOT_IN_STANDALONE.get(s.metric()).labels() : null;
                soft.assertThat(labels).as("%s reads %s, which nothing exports", q.getKey(), s.metric()).isNotNull();
                if (labels != null) {
                    labelsOfItsSeries.addAll(labels);
                    for (String label : s.labels()) {
                        soft.assertThat(labels.contains(label) || TARGET_LABELS.contains(label))
                                .as("%s selects %s on label %s; %s has %s", q.getKey(), s.metric(), label, s.metric(), labels).isTrue();
                    }
                }
            }
            soft.assertThat(labelsOfItsSeries).as("%s groups on labels its series have", q.getKey()).containsAll(read.groupingLabels);
        }
        soft.assertAll();
    }

    @Test
    void theSeriesStandaloneLacksAreMetersTheCodeRegisters() throws IOException {
        Set<String> meters = new HashSet<>();
        Path root = Manifests.K8S.getParent();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")).toList()) {
                Matcher m = METER_NAME.matcher(Files.readString(f));
                while (m.find()) {
                    meters.add(m.group(1));
                }
            }
        }
        NOT_IN_STANDALONE.forEach((name, elsewhere) -> {
            if (!name.equals("up")) {
                assertThat(meters).as("%s, exported by %s", name, elsewhere.exportedBy())
                        .contains(name.replaceFirst("_total$", "").replace('_', '.'));
            }
        });
    }

    /** Each series name of a Prometheus text exposition, with the names of its labels. */
    private static void collect(String exposition, Map<String, Set<String>> into) {
        for (String line : exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).toList()) {
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
            Set<String> labels = into.computeIfAbsent(name, n -> new HashSet<>());
            if (brace >= 0 && brace < space) {
                Matcher label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"").matcher(line.substring(brace));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
    }
}
