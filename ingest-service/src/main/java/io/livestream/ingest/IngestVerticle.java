package io.livestream.ingest;

import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.ops.AddressLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.List;

/**
 * The ingest service: an RTMP server whose publishers become live streams on the event bus, and
 * with a certificate an RTMPS server beside it (the same sessions behind TLS).
 * Optionally also publishes a looping clip (the demo stream) through the same path.
 */
public final class IngestVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(IngestVerticle.class.getName());

    private final IngestConfig config;
    private final JwtKeys jwtKeys;
    private final String nodeId;
    private final MeterRegistry meters;
    private final List<LoopedClip> clips;
    private LiveStreams streams;
    private NetServer server;
    private NetServer rtmps;

    /** A clip to publish in a loop as {@code stream}, e.g. the bundled demo. */
    public record LoopedClip(String stream, List<io.livestream.media.MediaPacket> packets) {
    }

    public IngestVerticle(IngestConfig config, JwtKeys jwtKeys, String nodeId, MeterRegistry meters, List<LoopedClip> clips) {
        this.config = config;
        this.jwtKeys = jwtKeys;
        this.nodeId = nodeId;
        this.meters = meters;
        this.clips = List.copyOf(clips);
    }

    @Override
    public Future<?> start() {
        MediaCodecs.register(vertx.eventBus());
        Tokens tokens = new Tokens(vertx, jwtKeys);
        return StreamRegistry.open(vertx).compose(registry -> {
            streams = new LiveStreams(vertx, registry, config, nodeId, meters);
            clips.forEach(clip -> new ClipPublisher(vertx, streams, clip.stream(), clip.packets()).start());
            AddressLimiter perAddress = new AddressLimiter(config.maxConnectionsPerAddress());
            IngestBuffers buffers = new IngestBuffers(config.bufferBudget(), config.limits().maxPartialBytes(), meters);
            Handler<NetSocket> accept = socket -> {
                String address = socket.remoteAddress().hostAddress();
                if (!perAddress.tryAcquire(address)) {
                    meters.counter("live.connections.refused", "server", "rtmp", "reason", "too-many-connections").increment();
                    LimitRefusals.count(meters, LimitRefusals.RTMP_CONNECTIONS_PER_ADDRESS);
                    socket.close();
                    return;
                }
                new RtmpConnection(socket, vertx, streams, tokens, config, meters, buffers, () -> perAddress.release(address)).start();
            };
            server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true)).connectHandler(accept);
            Future<NetServer> plain = server.listen(config.rtmpPort(), config.host())
                    .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "RTMP ingest listening on {0}:{1,number,#}",
                            config.host(), s.actualPort()));
            if (config.tls() == null) {
                return plain;
            }
            // RTMPS: Vert.x completes the TLS handshake before the connect handler runs; RtmpConnection sees plain RTMP
            rtmps = vertx.createNetServer(config.tls().applyTo(new NetServerOptions().setTcpNoDelay(true))).connectHandler(accept);
            return plain.compose(s -> rtmps.listen(config.rtmpsPort(), config.host()))
                    .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "RTMPS ingest listening on {0}:{1,number,#}",
                            config.host(), s.actualPort()));
        });
    }

    @Override
    public Future<?> stop() {
        return streams == null ? Future.succeededFuture() : streams.close().compose(v -> server.close())
                .compose(v -> rtmps == null ? Future.succeededFuture() : rtmps.close());
    }

    /** True once the RTMP server (and the RTMPS one, if configured) accepts connections: what the health check reports. */
    public boolean isListening() {
        return server != null && server.actualPort() > 0 && (config.tls() == null || rtmps != null && rtmps.actualPort() > 0);
    }

    /** The bound RTMPS port; 0 when RTMPS is off. */
    public int actualRtmpsPort() {
        return rtmps == null ? 0 : rtmps.actualPort();
    }

    /** The bound RTMP port (useful when configured as 0). */
    public int actualPort() {
        return server.actualPort();
    }
}
