package io.livestream.launcher.bench;

import io.livestream.media.MediaPacket;
import io.livestream.media.codec.AvcDecoderConfig;
import io.livestream.media.codec.CodecConfigException;
import io.livestream.media.codec.SendTimeSei;
import io.livestream.media.flv.FlvReader;
import io.livestream.media.flv.ScriptTags;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.internal.buffer.BufferInternal;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One measured player: parses the FLV it receives and notes bytes, time to first keyframe and (a probe) each frame's delay. */
final class BenchViewer {
    private final FlvReader reader = new FlvReader(16 * 1024 * 1024);
    private final ByteBuf pending = Unpooled.buffer();
    private long connectNanos;
    /** When the WebSocket upgrade (or the HTTP response head) arrived: the server's part starts there. */
    private volatile long openNanos = -1;
    volatile long firstKeyframeNanos = -1;
    volatile long bytes;
    volatile long bytesAtWindowStart;
    volatile String failure;
    volatile boolean closed;
    /** Measures delay (parses every tag), or only counts bytes after the first keyframe. */
    final boolean probe;
    /** From the publisher's send times ({@link SendTimeSei} in every video frame): the delay the server adds. */
    final Delays sent = new Delays();
    /** From ingest's clock cue points after keyframes, for a publisher without send times: the delay after ingest. */
    final Delays clock = new Delays();
    volatile boolean measuring;
    private int nalLengthSize = 4;

    BenchViewer(boolean probe) {
        this.probe = probe;
    }

    Future<Void> start(URI url, WebSocketClient ws, HttpClient http) {
        connectNanos = System.nanoTime();
        if (url.getScheme().startsWith("ws")) {
            ClientWebSocket socket = ws.webSocket();
            socket.binaryMessageHandler(this::onBytes);
            socket.closeHandler(v -> {
                closed = true;
                if (socket.closeStatusCode() != null && socket.closeStatusCode() != 1000) {
                    failure = "closed " + socket.closeStatusCode() + " " + socket.closeReason();
                }
            });
            return socket.connect(url.getPort(), url.getHost(), url.getRawPath()).<Void>mapEmpty()
                    .onSuccess(v -> opened())
                    .onFailure(e -> failure = "connect: " + e.getMessage());
        }
        return http.request(HttpMethod.GET, url.getPort(), url.getHost(), url.getRawPath())
                .compose(req -> req.send())
                .compose(resp -> {
                    opened();
                    if (resp.statusCode() != 200) {
                        return Future.failedFuture("HTTP " + resp.statusCode());
                    }
                    resp.handler(this::onBytes);
                    resp.endHandler(v -> closed = true);
                    return Future.<Void>succeededFuture();
                })
                .onFailure(e -> failure = "connect: " + e.getMessage());
    }

    private void onBytes(Buffer data) {
        bytes += data.length();
        if (firstKeyframeNanos >= 0 && !probe) {
            return; // after the first keyframe only bytes are counted: parsing would cost the client, not the server
        }
        pending.writeBytes(((BufferInternal) data).getByteBuf());
        try {
            reader.feed(pending, p -> {
                if (p.isKeyframe() && firstKeyframeNanos < 0) {
                    firstKeyframeNanos = System.nanoTime();
                }
                if (probe) {
                    measure(p, PublishBench.epochMicros());
                }
            });
        } catch (RuntimeException e) {
            failure = "bad FLV: " + e.getMessage();
        }
        pending.discardReadBytes();
    }

    /** Video frames give their send time; an audio frame's is the latest video frame's plus the timestamp difference. */
    private void measure(MediaPacket p, long nowMicros) {
        switch (p.kind()) {
            case VIDEO -> {
                if (p.isVideoSequenceHeader()) {
                    nalLengthSize = nalLengthSize(p);
                } else {
                    SendTimeSei.read(p.payload(), nalLengthSize).ifPresent(t -> sent.video(p.timestamp(), t, nowMicros, measuring));
                }
            }
            case AUDIO -> {
                if (!p.isAudioSequenceHeader()) {
                    sent.audio(p.timestamp(), nowMicros, measuring);
                    clock.audio(p.timestamp(), nowMicros, measuring);
                }
            }
            case SCRIPT -> ScriptTags.serverTime(p).ifPresent(ms -> clock.video(p.timestamp(), ms * 1000, nowMicros, measuring));
        }
    }

    private static int nalLengthSize(MediaPacket sequenceHeader) {
        try {
            return AvcDecoderConfig.parse(sequenceHeader.payload()).nalLengthSize();
        } catch (CodecConfigException unreadable) {
            return 4;
        }
    }

    private void opened() {
        if (openNanos < 0) {
            openNanos = System.nanoTime();
        }
    }

    /** From starting the connect (TCP, upgrade, and the client's own queueing during a connect storm). */
    double firstKeyframeMs() {
        return firstKeyframeNanos < 0 ? Double.NaN : (firstKeyframeNanos - connectNanos) / 1e6;
    }

    /** From the upgrade response to the first keyframe: what the server's late-join path costs. */
    double firstKeyframeAfterOpenMs() {
        return firstKeyframeNanos < 0 || openNanos < 0 ? Double.NaN : Math.max(0, firstKeyframeNanos - openNanos) / 1e6;
    }

    /**
     * Delays from one source of send times (microseconds of the wall clock; publisher, server and
     * viewers share this machine's): video frames directly, audio frames through the latest video
     * frame's, valid because the publisher paces by timestamp. Written on the viewer's event loop.
     */
    static final class Delays {
        final List<Double> videoMs = Collections.synchronizedList(new ArrayList<>());
        final List<Double> audioMs = Collections.synchronizedList(new ArrayList<>());
        private boolean mapped;
        private long videoTs;
        private long videoSentMicros;

        void video(int ts, long sentMicros, long nowMicros, boolean measuring) {
            mapped = true;
            videoTs = ts;
            videoSentMicros = sentMicros;
            if (measuring) {
                videoMs.add((nowMicros - sentMicros) / 1000.0);
            }
        }

        void audio(int ts, long nowMicros, boolean measuring) {
            if (mapped && measuring) {
                long sentMicros = videoSentMicros + (ts - videoTs) * 1000;
                audioMs.add((nowMicros - sentMicros) / 1000.0);
            }
        }
    }
}
