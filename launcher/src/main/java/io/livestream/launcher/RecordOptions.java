package io.livestream.launcher;

import io.livestream.common.record.RecordingStore;
import io.livestream.gateway.GatewayVerticle;
import io.livestream.ingest.IngestVerticle;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Recording ({@code --record DIR}, off by default): every stream, as fMP4 segments and a VOD playlist. Standalone
 * records and serves; in a cluster the ingest node that owns a stream records it (once, however many relays play
 * it), and a gateway given the same directory (a shared volume) serves {@code /api/recordings} and {@code /vod/}.
 */
public final class RecordOptions {
    @Option(names = "--record", defaultValue = "${env:LIVE_RECORD_DIR:-}",
            description = "Recordings directory: standalone and ingest record every stream there; standalone and the gateway (on a shared volume) serve it at /api/recordings and /vod/<name>.m3u8 (env LIVE_RECORD_DIR; off by default)")
    String dir;

    @Option(names = "--record-max-gb", defaultValue = "${env:LIVE_RECORD_MAX_GB:-0}",
            description = "Delete the oldest ended recordings while all of them hold more than this many GB; 0: no bound (env LIVE_RECORD_MAX_GB; default ${DEFAULT-VALUE})")
    double maxGb;

    @Option(names = "--record-max-age", defaultValue = "${env:LIVE_RECORD_MAX_AGE:-0}", converter = Durations.class,
            description = "Delete recordings this long after they ended, e.g. 7d; 0: keep them (env LIVE_RECORD_MAX_AGE; default ${DEFAULT-VALUE})")
    Duration maxAge;

    /** The recordings directory with its bounds, or null when recording is off. */
    public RecordingStore store() {
        if (dir == null || dir.isBlank()) {
            return null;
        }
        if (maxGb < 0 || maxAge.isNegative()) {
            throw new BadSettingException("--record-max-gb and --record-max-age cannot be negative");
        }
        return new RecordingStore(Path.of(dir), new RecordingStore.Bounds((long) (maxGb * 1e9), maxAge));
    }

    public IngestVerticle recordTo(IngestVerticle ingest) {
        RecordingStore store = store();
        return store == null ? ingest : ingest.recordTo(store);
    }

    public GatewayVerticle serveFrom(GatewayVerticle gateway) {
        RecordingStore store = store();
        return store == null ? gateway : gateway.serveRecordings(store);
    }
}
