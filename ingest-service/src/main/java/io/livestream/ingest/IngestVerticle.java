package io.livestream.ingest;

import io.livestream.common.LogField;
import io.livestream.common.auth.JwtKeys;
import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.record.RecordingStore;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.registry.RelayRegistry;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.NetUtil;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The ingest service: an RTMP server whose publishers become live streams on the event bus, and
 * with a certificate an RTMPS server beside it (the same sessions behind TLS).
 * Optionally also publishes a looping clip (the demo stream) through the same path.
 */
public final class IngestVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(IngestVerticle.class.getName());
    /** How long a studio still finds a stream's health, with "encoder stopped", after it went off the air. */
    private static final long KEEP_HEALTH_AFTER_END_MS = 5 * 60_000;

    private final IngestConfig config;
    private final JwtKeys jwtKeys;
    private final String nodeId;
    private final MeterRegistry meters;
    private final List<LoopedClip> clips;
    private final LongSupplier clock;
    private LiveStreams streams;
    private RecordingStore recordings;
    private Recorder recorder;
    private NetServer server;
    private NetServer rtmps;

    /** A clip to publish in a loop as {@code stream}, e.g. the bundled demo. */
    public record LoopedClip(String stream, List<io.livestream.media.MediaPacket> packets) {
    }

    public IngestVerticle(IngestConfig config, JwtKeys jwtKeys, String nodeId, MeterRegistry meters, List<LoopedClip> clips) {
        this(config, jwtKeys, nodeId, meters, clips, System::nanoTime);
    }

    /** With {@code clock} (monotonic nanoseconds) for the connections' idle timeout: a test's, to decide when time has passed. */
    IngestVerticle(IngestConfig config, JwtKeys jwtKeys, String nodeId, MeterRegistry meters, List<LoopedClip> clips, LongSupplier clock) {
        this.clock = clock;
        this.config = config;
        this.jwtKeys = jwtKeys;
        this.nodeId = nodeId;
        this.meters = meters;
        this.clips = List.copyOf(clips);
    }

    /** Records every stream published here into {@code store} ({@code --record}); before deployment. */
    public IngestVerticle recordTo(RecordingStore store) {
        this.recordings = store;
        return this;
    }

    @Override
    public Future<?> start() {
        MediaCodecs.register(vertx.eventBus());
        PublishAuthorizer authorizer = new PublishAuthorizer(new Tokens(vertx, jwtKeys));
        return Future.join(StreamRegistry.open(vertx), StreamClaims.open(vertx, nodeId, config.lease()), RelayRegistry.open(vertx)).compose(opened -> {
            StreamHealths health = new StreamHealths(vertx, opened.resultAt(2), KEEP_HEALTH_AFTER_END_MS);
            streams = new LiveStreams(vertx, opened.resultAt(0), opened.resultAt(1), config, nodeId, meters, health);
            if (recordings != null) {
                recorder = new Recorder(vertx, recordings);
                streams.recordWith(recorder);
            }
            clips.forEach(clip -> new ClipPublisher(vertx, streams, clip.stream(), clip.packets()).start());
            IngestBuffers buffers = new IngestBuffers(config.bufferBudget(), config.limits().maxPartialBytes(), meters);
            ConnectionLimiter perAddress = new ConnectionLimiter("rtmp", new ConnectionLimiter.Limits(
                    config.maxConnectionsPerAddress(), config.connectionRate(), config.connectionBurst()), meters);
            // with the PROXY protocol on, Vert.x has read the header before this runs: the address is the client's
            Handler<NetSocket> accept = socket -> {
                String address = clientAddress(socket);
                ConnectionLimiter.Admission admission = perAddress.tryAcquire(address);
                if (admission instanceof ConnectionLimiter.Refused refused) {
                    meters.counter("live.connections.refused", "server", "rtmp", "reason", "too-many-connections").increment();
                    LimitRefusals.count(meters, refused.why() == ConnectionLimiter.Refusal.TOO_FAST
                            ? LimitRefusals.RTMP_CONNECTION_RATE : LimitRefusals.RTMP_CONNECTIONS_PER_ADDRESS);
                    LOG.log(System.Logger.Level.INFO, "rtmp {0} refused: {1}", LogField.client(address), refused.message());
                    socket.close();
                    return;
                }
                ConnectionLimiter.Admitted admitted = (ConnectionLimiter.Admitted) admission;
                new RtmpConnection(socket, address, vertx, streams, authorizer, config, meters, buffers, clock,
                        admitted.slot()::release).start();
            };
            server = vertx.createNetServer(serverOptions()).connectHandler(accept).exceptionHandler(this::beforeConnect);
            Future<NetServer> plain = server.listen(config.rtmpPort(), config.host())
                    .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "RTMP ingest listening on {0}:{1,number,#}",
                            config.host(), s.actualPort()));
            if (config.tls() == null) {
                return plain;
            }
            // RTMPS: Vert.x completes the TLS handshake before the connect handler runs; RtmpConnection sees plain RTMP
            rtmps = vertx.createNetServer(config.tls().applyTo(serverOptions())).connectHandler(accept).exceptionHandler(this::beforeConnect);
            return plain.compose(s -> rtmps.listen(config.rtmpsPort(), config.host()))
                    .onSuccess(s -> LOG.log(System.Logger.Level.INFO, "RTMPS ingest listening on {0}:{1,number,#}",
                            config.host(), s.actualPort()));
        });
    }

    /**
     * The client's IP address in one spelling however it arrived: Vert.x may give an IPv6 address
     * written in full (a PROXY v2 header's {@code 2001:db8::5} comes out as
     * {@code 2001:db8:0:0:0:0:0:5}); it becomes the RFC 5952 form, so the limits count one client
     * once and the registry shows what operators type.
     */
    static String clientAddress(NetSocket socket) {
        String host = socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
        if (host == null) {
            return "";
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        return ip == null ? host : NetUtil.bytesToIpAddress(ip);
    }

    /**
     * With {@code proxyProtocol}, Vert.x reads the PROXY protocol v1/v2 header (netty-codec-haproxy)
     * before TLS and before the connect handler; the socket's remote address is then the client's.
     * A v2 LOCAL header (a balancer's health check) keeps the balancer's own address.
     */
    private NetServerOptions serverOptions() {
        return new NetServerOptions().setTcpNoDelay(true).setUseProxyProtocol(config.proxyProtocol())
                .setProxyProtocolTimeout(config.handshakeTimeout().toMillis()).setProxyProtocolTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /** A connection that failed before it reached the connect handler: a bad PROXY header (closed by Vert.x), a TLS failure. */
    private void beforeConnect(Throwable failure) {
        // Vert.x reports a header for a datagram protocol as an IOException naming the HA PROXY protocol
        if (failure instanceof HAProxyProtocolException || String.valueOf(failure.getMessage()).contains("HA PROXY")) {
            meters.counter("live.rtmp.rejected", "reason", "bad-proxy-header").increment();
            LOG.log(System.Logger.Level.INFO, "rtmp: connection closed, bad PROXY protocol header: {0}", failure.getMessage());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "rtmp: connection failed before it started: {0}", failure.toString());
        }
    }

    @Override
    public Future<?> stop() {
        if (recorder != null) {
            recorder.close();
        }
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
