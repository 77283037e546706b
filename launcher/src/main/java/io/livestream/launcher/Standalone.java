package io.livestream.launcher;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.livestream.gateway.GatewayConfig;
import io.livestream.gateway.GatewayVerticle;
import io.livestream.gateway.PlayBackend;
import io.livestream.ingest.IngestVerticle;
import io.livestream.interaction.InteractionVerticle;
import io.livestream.media.MediaPacket;
import io.livestream.media.flv.FlvReader;
import io.livestream.relay.Relay;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Every service in one JVM on one HTTP port: the embedded default. */
public final class Standalone {
    private static final System.Logger LOG = System.getLogger(Standalone.class.getName());
    private static final String DEMO_CLIP = "/demo/demo.flv";
    private static final int MAX_CLIP_TAG = 4 * 1024 * 1024;

    /** A started platform: its ports (RTMPS 0 when off), its secret, and how to stop it. */
    public record Running(Vertx vertx, int httpPort, int rtmpPort, int rtmpsPort, String jwtSecret, PrometheusMeterRegistry metrics) {
        public Future<Void> close() {
            return vertx.close();
        }

        public String mint(String role, String stream, Duration ttl) {
            return new Tokens(vertx, jwtSecret).mint(role, stream, "launcher", ttl);
        }

        public String mint(io.vertx.core.json.JsonObject claims, String subject, Duration ttl) {
            return new Tokens(vertx, jwtSecret).mint(claims, subject, ttl);
        }
    }

    private Standalone() {
    }

    public static Future<Running> start(StandaloneSettings settings) {
        JwtKeys keys = settings.jwt().secret() != null ? settings.jwt() : settings.jwt().withSecret(Tokens.randomSecret());
        String nodeId = "standalone-" + UUID.randomUUID().toString().substring(0, 8);
        PrometheusMeterRegistry prometheus = ProcessRuntime.meterRegistry();
        Vertx vertx = Vertx.builder().with(new VertxOptions().setPreferNativeTransport(true)).build();

        List<IngestVerticle.LoopedClip> clips = settings.demo()
                ? List.of(new IngestVerticle.LoopedClip("demo", loadClip(DEMO_CLIP)))
                : List.of();
        IngestVerticle ingest = new IngestVerticle(settings.ingest(), keys, nodeId, prometheus, clips);
        if (settings.recordings() != null) {
            ingest.recordTo(settings.recordings());
        }
        HealthChecks checks = HealthChecks.create(vertx)
                .register("rtmp", p -> p.complete(ingest.isListening() ? Status.OK() : Status.KO()));
        return vertx.deployVerticle(ingest)
                .compose(id -> vertx.deployVerticle(new InteractionVerticle(settings.rooms(), prometheus)))
                .compose(id -> {
                    // the studio hands out the RTMP(S) port ingest really listens on (0 in tests picks one)
                    GatewayConfig.Studio studio = settings.gateway().studio();
                    GatewayVerticle gateway = new GatewayVerticle(settings.gateway().withStudio(new GatewayConfig.Studio(
                            studio.openOnLoopback(), studio.publicRtmpUrl(), ingest.actualPort(), ingest.actualRtmpsPort())),
                            prometheus, (v, relays, tokens) -> Relay.create(v, settings.relay(), nodeId, null, null, null, prometheus)
                                    .map(relay -> PlayBackend.Player.of(relay::play, relay::play, relay::playHls)),
                            checks, keys);
                    if (settings.recordings() != null) {
                        gateway.serveRecordings(settings.recordings());
                    }
                    return vertx.deployVerticle(gateway).map(gatewayId -> gateway);
                })
                .map(gateway -> new Running(vertx, gateway.actualPort(), ingest.actualPort(), ingest.actualRtmpsPort(),
                        keys.secret(), prometheus))
                .onFailure(e -> vertx.close());
    }

    static List<MediaPacket> loadClip(String resource) {
        try (InputStream in = Standalone.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return FlvReader.readAll(in.readAllBytes(), MAX_CLIP_TAG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
