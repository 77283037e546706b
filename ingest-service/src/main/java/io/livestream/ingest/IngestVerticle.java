package io.livestream.ingest;

import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.ops.AddressLimiter;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.List;

/**
 * The ingest service: an RTMP server whose publishers become live streams on the event bus.
 * Optionally also publishes a looping clip (the demo stream) through the same path.
 */
public final class IngestVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(IngestVerticle.class.getName());

    private final IngestConfig config;
    private final String jwtSecret;
    private final String nodeId;
    private final MeterRegistry meters;
    private final List<LoopedClip> clips;
    private LiveStreams streams;
    private NetServer server;

    /** A clip to publish in a loop as {@code stream}, e.g. the bundled demo. */
    public record LoopedClip(String stream, List<io.livestream.media.MediaPacket> packets) {
    }

    public IngestVerticle(IngestConfig config, String jwtSecret, String nodeId, MeterRegistry meters, List<LoopedClip> clips) {
        this.config = config;
        this.jwtSecret = jwtSecret;
        this.nodeId = nodeId;
        this.meters = meters;
        this.clips = List.copyOf(clips);
    }

    @Override
    public Future<?> start() {
        MediaCodecs.register(vertx.eventBus());
        Tokens tokens = new Tokens(vertx, jwtSecret);
        return StreamRegistry.open(vertx).compose(registry -> {
            streams = new LiveStreams(vertx, registry, config, nodeId, meters);
            clips.forEach(clip -> new ClipPublisher(vertx, streams, clip.stream(), clip.packets()).start());
            AddressLimiter perAddress = new AddressLimiter(config.maxConnectionsPerAddress());
            server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true))
                    .connectHandler(socket -> {
                        String address = socket.remoteAddress().hostAddress();
                        if (!perAddress.tryAcquire(address)) {
                            meters.counter("live.connections.refused", "server", "rtmp", "reason", "too-many-connections").increment();
                            socket.close();
                            return;
                        }
                        new RtmpConnection(socket, vertx, streams, tokens, config, meters, () -> perAddress.release(address)).start();
                    });
            return server.listen(config.rtmpPort(), config.host());
        }).onSuccess(s -> LOG.log(System.Logger.Level.INFO, "RTMP ingest listening on {0}:{1,number,#}",
                config.host(), s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        return streams == null ? Future.succeededFuture() : streams.close().compose(v -> server.close());
    }

    /** True once the RTMP server is accepting connections: what the health check reports. */
    public boolean isListening() {
        return server != null && server.actualPort() > 0;
    }

    /** The bound RTMP port (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
