package io.livestream.launcher;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.record.RecordingStore;
import io.livestream.gateway.GatewayConfig;
import io.livestream.ingest.IngestConfig;
import io.livestream.interaction.RoomRules;
import io.livestream.fanout.FanoutConfig;

/**
 * Everything a standalone node needs.
 *
 * @param jwt        token keys: an HS256 secret (none: one is generated for this run), a public key
 * @param publicHost host name printed in the URLs the start-up log shows
 * @param demo       publish the bundled looping clip as the stream {@code demo}
 * @param recordings where every stream is recorded and served from ({@code --record}); null: nothing is recorded
 */
public record StandaloneSettings(
        IngestConfig ingest,
        FanoutConfig relay,
        GatewayConfig gateway,
        RoomRules rooms,
        JwtKeys jwt,
        String publicHost,
        boolean demo,
        RecordingStore recordings) {

    public static StandaloneSettings defaults() {
        return new StandaloneSettings(IngestConfig.defaults(), FanoutConfig.defaults(), GatewayConfig.defaults(),
                RoomRules.defaults(), JwtKeys.ofSecret(null), "localhost", false, null);
    }

    /** Loopback only, free ports: what tests start. */
    public static StandaloneSettings forTests(String secret) {
        return new StandaloneSettings(IngestConfig.defaults().withHost("127.0.0.1").withRtmpPort(0),
                FanoutConfig.defaults(), GatewayConfig.defaults().withHost("127.0.0.1").withHttpPort(0)
                        .withStudio(new GatewayConfig.Studio(true, null, 0, 0)),
                RoomRules.defaults(), JwtKeys.ofSecret(secret), "127.0.0.1", false, null);
    }

    public StandaloneSettings withRelay(FanoutConfig r) {
        return new StandaloneSettings(ingest, r, gateway, rooms, jwt, publicHost, demo, recordings);
    }

    public StandaloneSettings withIngest(IngestConfig i) {
        return new StandaloneSettings(i, relay, gateway, rooms, jwt, publicHost, demo, recordings);
    }

    public StandaloneSettings withRooms(RoomRules r) {
        return new StandaloneSettings(ingest, relay, gateway, r, jwt, publicHost, demo, recordings);
    }

    public StandaloneSettings withGateway(GatewayConfig g) {
        return new StandaloneSettings(ingest, relay, g, rooms, jwt, publicHost, demo, recordings);
    }

    public StandaloneSettings withDemo(boolean d) {
        return new StandaloneSettings(ingest, relay, gateway, rooms, jwt, publicHost, d, recordings);
    }

    public StandaloneSettings withRecordings(RecordingStore store) {
        return new StandaloneSettings(ingest, relay, gateway, rooms, jwt, publicHost, demo, store);
    }

    public StandaloneSettings withJwt(JwtKeys keys) {
        return new StandaloneSettings(ingest, relay, gateway, rooms, keys, publicHost, demo, recordings);
    }
}
