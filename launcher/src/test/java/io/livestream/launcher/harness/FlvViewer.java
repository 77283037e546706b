package io.livestream.launcher.harness;

import io.livestream.media.MediaPacket;
import io.livestream.media.flv.FlvReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.TrustOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket-FLV player that parses what it receives and remembers when each tag arrived; or, as a
 * {@link #probe}, only whether and when a keyframe came.
 */
public final class FlvViewer implements AutoCloseable {

    /** A tag as it arrived. */
    public record Received(MediaPacket packet, long arrivalNanos) {
    }

    /** How the server closed the socket. */
    public record Close(Short code, String reason) {
        /**
         * How a socket whose connect failed ended: a server that closes right after the upgrade
         * (a refused token) can get its close frame in before Vert.x completes the connect, which
         * then fails with "WebSocket is closed" although the close code and reason arrived.
         */
        static Close ofFailedConnect(WebSocketBase ws, Throwable failure) {
            return ws.isClosed() && ws.closeStatusCode() != null
                    ? new Close(ws.closeStatusCode(), ws.closeReason())
                    : new Close(null, "connect failed: " + failure);
        }
    }

    /** Sockets one shared client may hold at a time (Vert.x's default is 50; more would queue). */
    private static final int SHARED_CLIENT_CONNECTIONS = 10_000;

    private final WebSocketClient ownClient;
    private final boolean keepTags;
    private final ClientWebSocket ws;
    private final Future<WebSocket> connecting;
    private final FlvReader reader = new FlvReader(16 * 1024 * 1024);
    private final ByteBuf pendingBytes = Unpooled.buffer();
    private final List<Received> received = new ArrayList<>();
    private final CompletableFuture<Long> firstKeyframeNanos = new CompletableFuture<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final long startNanos = System.nanoTime();
    private volatile Throwable error;
    private volatile boolean firstMessageStartsWithHeader;
    private volatile int messages;

    private FlvViewer(Vertx vertx, WebSocketClientOptions options, int port, String path) {
        this(vertx.createWebSocketClient(options.setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)), true, true, port, path);
    }

    private FlvViewer(WebSocketClient client, boolean ownsClient, boolean keepTags, int port, String path) {
        this.ownClient = ownsClient ? client : null;
        this.keepTags = keepTags;
        ws = client.webSocket();
        ws.binaryMessageHandler(this::onMessage);
        ws.closeHandler(v -> closed.complete(new Close(ws.closeStatusCode(), ws.closeReason())));
        ws.exceptionHandler(e -> error = e);
        connecting = ws.connect(port, "127.0.0.1", path).onSuccess(x -> {
            // closed right after the upgrade (stream-not-found, bad-token): Vert.x may not call the handler
            if (ws.isClosed()) {
                closed.complete(new Close(ws.closeStatusCode(), ws.closeReason()));
            }
        }).onFailure(e -> {
            error = e;
            closed.complete(Close.ofFailedConnect(ws, e));
        });
    }

    /** Connects to {@code ws://127.0.0.1:port/live/<stream>.flv}. */
    public static FlvViewer watch(Vertx vertx, int port, String stream) {
        return new FlvViewer(vertx, new WebSocketClientOptions(), port, "/live/" + stream + ".flv");
    }

    /** Connects to {@code ws://127.0.0.1:port/live/<stream>.flv?token=<token>} (a play token for a private stream). */
    public static FlvViewer watch(Vertx vertx, int port, String stream, String token) {
        return new FlvViewer(vertx, new WebSocketClientOptions(), port, "/live/" + stream + ".flv" + (token == null ? "" : "?token=" + token));
    }

    /** Connects to {@code wss://127.0.0.1:port/live/<stream>.flv}, trusting the server's certificate {@code trust}. */
    public static FlvViewer watchTls(Vertx vertx, int port, String stream, TrustOptions trust) {
        return new FlvViewer(vertx, new WebSocketClientOptions().setSsl(true).setTrustOptions(trust), port, "/live/" + stream + ".flv");
    }

    /**
     * A viewer for load tests, one of many over a {@link #sharedClient shared client}: it parses only
     * up to its first keyframe and keeps no tags ({@link #received()} stays empty), so that thousands
     * of them cost the test next to nothing. What it remembers: the first keyframe, the close, an error.
     */
    public static FlvViewer probe(WebSocketClient client, int port, String stream) {
        return new FlvViewer(client, false, false, port, "/live/" + stream + ".flv");
    }

    /** A client for {@link #probe probes}; the caller closes it. Its sockets are not limited to the default 50 at a time. */
    public static WebSocketClient sharedClient(Vertx vertx) {
        return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024)
                .setMaxConnections(SHARED_CLIENT_CONNECTIONS));
    }

    public long startNanos() {
        return startNanos;
    }

    private synchronized void onMessage(Buffer message) {
        if (messages++ == 0) {
            firstMessageStartsWithHeader = message.length() >= 3 && message.getString(0, 3).equals("FLV");
        }
        if (!keepTags && (firstKeyframeNanos.isDone() || error != null)) {
            return; // a probe has what it came for
        }
        pendingBytes.writeBytes(((BufferInternal) message).getByteBuf());
        try {
            reader.feed(pendingBytes, packet -> {
                long now = System.nanoTime();
                if (keepTags) {
                    received.add(new Received(packet, now));
                }
                if (packet.isKeyframe()) {
                    firstKeyframeNanos.complete(now);
                }
            });
        } catch (RuntimeException e) {
            error = e;
        }
        pendingBytes.discardReadBytes();
        if (!keepTags && firstKeyframeNanos.isDone()) {
            pendingBytes.clear().capacity(0);
        }
        notifyAll();
    }

    public boolean hasKeyframe() {
        return firstKeyframeNanos.isDone();
    }

    /** Nanoseconds from connecting to the first keyframe. */
    public long awaitFirstKeyframe(Duration timeout) throws Exception {
        return firstKeyframeNanos.get(timeout.toMillis(), TimeUnit.MILLISECONDS) - startNanos;
    }

    /** Waits until what was received satisfies {@code condition}; returns a copy of it. */
    public synchronized List<Received> awaitReceived(String what, Duration timeout, Predicate<List<Received>> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(received)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed.isDone() && !condition.test(received)) {
                if (left > 0) {
                    throw new AssertionError("socket closed " + closed.getNow(null) + " before " + what
                            + "; received " + received.size() + " tags");
                }
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; received " + received.size() + " tags");
            }
            wait(Math.max(1, Math.min(100, left / 1_000_000)));
        }
        return List.copyOf(received);
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    public synchronized int count() {
        return received.size();
    }

    /**
     * Waits until this viewer is past its own start (the GOP it started on comes as a burst: until that
     * is read, its latest frame is not the live edge), then returns the timestamp of the latest video
     * frame it has: the live edge as it sees it.
     */
    public int awaitLiveEdge() throws Exception {
        awaitFirstKeyframe(Duration.ofSeconds(20));
        int started = count();
        awaitReceived("a second of live after the start", Duration.ofSeconds(10), tags -> tags.size() > started + 60);
        return latestVideoTimestamp();
    }

    /** The timestamp of the latest video frame received so far. */
    public synchronized int latestVideoTimestamp() {
        return received.stream().filter(r -> r.packet().kind() == MediaPacket.Kind.VIDEO)
                .mapToInt(r -> r.packet().timestamp()).max().orElseThrow();
    }

    /** The first video frame received that is not a sequence header. */
    public synchronized MediaPacket firstVideoFrame() {
        return received.stream().map(Received::packet)
                .filter(p -> p.kind() == MediaPacket.Kind.VIDEO && !p.isVideoSequenceHeader()).findFirst().orElseThrow();
    }

    public boolean firstMessageStartsWithHeader() {
        return firstMessageStartsWithHeader;
    }

    public FlvReader reader() {
        return reader;
    }

    public Throwable error() {
        return error;
    }

    public Close awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Hangs up; a socket still being upgraded (Vert.x cannot close it yet: "Not connected") as soon as it is. */
    @Override
    public void close() {
        connecting.onSuccess(x -> {
            if (!closed.isDone() && !ws.isClosed()) {
                ws.close();
            }
        });
        if (ownClient != null) {
            ownClient.close();
        }
    }
}
