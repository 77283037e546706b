package io.livestream.launcher.k8s;

import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.RoleProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Pods on loopback": one process per Deployment of the dev overlay, with the args and environment
 * its manifest gives it. What only a cluster provides is mapped to this machine: the pod IP and
 * the service DNS names are 127.0.0.1, and each pod gets its own ports.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PodsOnLoopbackIT {

    /** The recordings claim of {@code components/recording}, here one directory every pod that mounts it shares. */
    private static final String RECORDINGS_CLAIM = "livestream-recordings";

    @Test
    void devOverlayFormsAClusterAndAPublishedStreamPlaysThroughTheGatewayWhichServesItsRecording() throws Exception {
        Manifests dev = Manifests.compose("overlays/dev", "components/recording");
        Path claim = Files.createTempDirectory("pods-recordings-");
        int clusterPort = 9701 + (int) (Math.random() * 100) * 10;
        String clusterName = "pods-" + UUID.randomUUID().toString().substring(0, 8); // apart from other test clusters
        List<RoleProcess> pods = new ArrayList<>();
        Map<String, RoleProcess> byRole = new HashMap<>();
        Map<String, String> secretEnv = null;
        Vertx clients = Vertx.vertx();
        try {
            for (Map<String, Object> deployment : dev.ofKind("Deployment")) {
                Map<String, Object> container = Manifests.containers(deployment).get(0);
                String role = (String) ((List<?>) container.get("args")).get(0);
                Map<String, String> env = dev.environment(container, Map.of("status.podIP", "127.0.0.1"));
                assertThat(env.get("LIVE_DISCOVERY")).isEqualTo("kubernetes");
                env.put("LIVE_KUBERNETES_SERVICE_DNS", "127.0.0.1"); // the headless service resolves to the pods: here, loopback
                env.put("LIVE_CLUSTER_PORT", String.valueOf(clusterPort));
                env.put("LIVE_CLUSTER_NAME", clusterName);
                env.put("LIVE_RTMP_PORT", String.valueOf(RoleProcess.freePort()));
                assertThat(env.get("LIVE_BUS_PORT")).as("the event bus on the fixed port the NetworkPolicies name").isNotEqualTo("0");
                env.put("LIVE_BUS_PORT", String.valueOf(RoleProcess.freePort())); // fixed per pod, apart on this one machine
                env.remove("LIVE_HTTP_PORT"); // RoleProcess gives each pod its own
                mountClaim(deployment, env, claim);
                if (env.containsKey("LIVE_JWT_SECRET")) {
                    secretEnv = env;
                }
                RoleProcess pod = RoleProcess.start(role, env);
                pods.add(pod);
                byRole.put(role, pod);
            }
            for (RoleProcess pod : pods) {
                pod.awaitHealthy(Duration.ofSeconds(120)); // the readiness probe: joined the cluster
                assertThat(pod.get("/health/live").orElseThrow().statusCode()).as("the liveness probe").isEqualTo(200);
                try (Socket bus = new Socket("127.0.0.1", Integer.parseInt(pod.env("LIVE_BUS_PORT")))) {
                    assertThat(bus.isConnected()).as("the event bus listens on LIVE_BUS_PORT").isTrue();
                }
            }
            RoleProcess ingest = byRole.get("ingest");
            RoleProcess gateway = byRole.get("gateway");
            String secret = secretEnv.get("LIVE_JWT_SECRET");
            JWTAuth jwt = JWTAuth.create(clients, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
            String token = jwt.generateToken(new JsonObject().put("role", "publish").put("stream", "k8s"),
                    new JWTOptions().setAlgorithm("HS256").setSubject("it").setExpiresInSeconds(600));
            try (Ffmpeg publisher = Ffmpeg.publish("rtmp://127.0.0.1:" + ingest.env("LIVE_RTMP_PORT") + "/live/k8s?token=" + token, 320, 240, 30)) {
                Await.until("k8s listed through the gateway", Duration.ofSeconds(60), () -> gateway.get("/api/streams")
                        .map(r -> r.body().contains("\"k8s\"")).orElse(false));
                try (FlvViewer viewer = FlvViewer.watch(clients, gateway.httpPort(), "k8s")) {
                    viewer.awaitFirstKeyframe(Duration.ofSeconds(20));
                    viewer.awaitReceived("a second of media", Duration.ofSeconds(20), r -> r.size() > 60);
                }
            }
            // the ingest pod recorded the stream into the claim; the gateway pod lists it from there and plays it
            JsonObject recording = Await.value("the recording ended and listed at the gateway", Duration.ofSeconds(30), () ->
                    gateway.get("/api/recordings").map(r -> new JsonObject(r.body()).getJsonArray("recordings").stream()
                            .map(o -> (JsonObject) o).filter(o -> "k8s".equals(o.getString("stream")) && !o.getBoolean("live"))
                            .findFirst().orElse(null)).orElse(null));
            assertThat(recording.getDouble("duration")).as("seconds recorded").isPositive();
            assertThat(gateway.get(recording.getString("url")).orElseThrow().body()).contains("#EXT-X-ENDLIST");
        } finally {
            for (RoleProcess pod : pods) {
                pod.close();
            }
            clients.close().await();
        }
    }

    /** Where the pod mounts {@link #RECORDINGS_CLAIM}, the environment's paths under that mount point to {@code claim} instead. */
    private static void mountClaim(Map<String, Object> deployment, Map<String, String> env, Path claim) {
        Map<?, ?> mount = Manifests.claimMount(deployment, RECORDINGS_CLAIM);
        if (mount != null) {
            String path = (String) mount.get("mountPath");
            env.replaceAll((name, value) -> value.startsWith(path) ? claim + value.substring(path.length()) : value);
        }
    }
}
