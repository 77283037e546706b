package io.livestream.launcher.harness;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A room WebSocket client that keeps every event it receives (batches unpacked, in order); or, for
 * load tests, hands each event to a listener and keeps none.
 */
public final class RoomClient implements AutoCloseable {
    /** Sockets one shared client may hold at a time (Vert.x's default is 50; more would queue). */
    private static final int SHARED_CLIENT_CONNECTIONS = 10_000;
    private static final int FLOOD_BURST = 64;
    private static final int FLOOD_QUEUE_BYTES = 8 * 1024;

    private final WebSocketClient ownClient;
    private final Consumer<JsonObject> listener;
    private final ClientWebSocket ws;
    private final List<JsonObject> events = new ArrayList<>();
    private final CompletableFuture<JsonObject> hello = new CompletableFuture<>();
    private final CompletableFuture<FlvViewer.Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile Context context;

    private RoomClient(Vertx vertx, int port, String uri) {
        this(sharedClient(vertx), true, null, port, uri);
    }

    private RoomClient(WebSocketClient client, boolean ownsClient, Consumer<JsonObject> listener, int port, String uri) {
        this.ownClient = ownsClient ? client : null;
        this.listener = listener;
        ws = client.webSocket();
        ws.textMessageHandler(this::onText);
        ws.closeHandler(v -> closed.complete(new FlvViewer.Close(ws.closeStatusCode(), ws.closeReason())));
        ws.connect(port, "127.0.0.1", uri).onSuccess(x -> {
            context = Vertx.currentContext();
            // a server that closes right after the upgrade (a refused token) can be done before the
            // close handler reaches the socket: Vert.x then never calls it
            if (ws.isClosed()) {
                closed.complete(new FlvViewer.Close(ws.closeStatusCode(), ws.closeReason()));
            }
            connected.complete(null);
        }).onFailure(e -> {
            connected.completeExceptionally(e);
            closed.complete(FlvViewer.Close.ofFailedConnect(ws, e));
        });
    }

    /** Joins {@code /ws/room/<room>} with the token (none: read-only) and the last sequence it had (0: none). */
    public static RoomClient join(Vertx vertx, int port, String room, String token, long lastSeq) {
        return new RoomClient(vertx, port, uri(room, token, lastSeq));
    }

    /**
     * Joins from {@code localAddress} (e.g. {@code 127.0.0.2}: every 127/8 address reaches the
     * server on loopback), so that the server sees another client address.
     */
    public static RoomClient joinFrom(Vertx vertx, String localAddress, int port, String room, String token, long lastSeq) {
        return new RoomClient(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(localAddress)), true, null,
                port, uri(room, token, lastSeq));
    }

    /**
     * Joins over a {@link #sharedClient shared client}, handing every event to {@code listener} (on
     * the client's event loop, one at a time) and keeping none: {@link #events()} stays empty.
     */
    public static RoomClient join(WebSocketClient client, int port, String room, String token, long lastSeq,
                                  Consumer<JsonObject> listener) {
        return new RoomClient(client, false, listener, port, uri(room, token, lastSeq));
    }

    private static String uri(String room, String token, long lastSeq) {
        return "/ws/room/" + room + "?lastSeq=" + lastSeq + (token == null ? "" : "&token=" + token);
    }

    /** A client for room members that share one; the caller closes it. Its sockets are not limited to the default 50 at a time. */
    public static WebSocketClient sharedClient(Vertx vertx) {
        return vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024).setMaxMessageSize(4 * 1024 * 1024)
                .setMaxConnections(SHARED_CLIENT_CONNECTIONS));
    }

    private synchronized void onText(String text) {
        JsonObject m = new JsonObject(text);
        if ("batch".equals(m.getString("type"))) {
            m.getJsonArray("events").forEach(e -> received((JsonObject) e));
        } else {
            received(m);
        }
        notifyAll();
    }

    private void received(JsonObject event) {
        if ("hello".equals(event.getString("type"))) {
            hello.complete(event);
        }
        if (listener == null) {
            events.add(event);
        } else {
            listener.accept(event);
        }
    }

    public void send(JsonObject message) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeTextMessage(message.encode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public void sendRaw(String text) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeTextMessage(text);
    }

    /**
     * Sends {@code text} {@code times} times as fast as the socket takes it, as a browser's
     * {@code send} in a loop would, from the socket's own event loop: a burst at a time while the
     * write queue (kept small) has room, going on at its drain, so that the event loop stays free to
     * read what the server says meanwhile (a close, say). Each write of a backlog walks the
     * connection's whole outbound buffer (and, with the tests' paranoid leak detection, records
     * every buffer in it), so a long queue would keep the event loop busy for seconds. Completes
     * with the number sent when all are written or the socket closes.
     */
    public CompletableFuture<Integer> flood(String text, int times) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        CompletableFuture<Integer> done = new CompletableFuture<>();
        int[] sent = {0};
        closed.thenRun(() -> done.complete(sent[0]));
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            for (int burst = 0; burst < FLOOD_BURST && sent[0] < times && !ws.isClosed() && !ws.writeQueueFull(); burst++) {
                ws.writeTextMessage(text);
                sent[0]++;
            }
            if (sent[0] == times) {
                done.complete(sent[0]);
            } else if (ws.isClosed()) {
                return;
            } else if (ws.writeQueueFull()) {
                ws.drainHandler(v -> pump[0].run());
            } else {
                context.runOnContext(v -> pump[0].run());
            }
        };
        context.runOnContext(v -> {
            ws.setWriteQueueMaxSize(FLOOD_QUEUE_BYTES);
            pump[0].run();
        });
        return done;
    }

    public void sendBinary(byte[] bytes) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeBinaryMessage(Buffer.buffer(bytes));
    }

    /** Waits for the room's hello; fails if the socket closes first. */
    public JsonObject awaitHello(Duration timeout) throws Exception {
        CompletableFuture.anyOf(hello, closed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!hello.isDone()) {
            throw new AssertionError("closed " + closed.getNow(null) + " before the hello");
        }
        return hello.getNow(null);
    }

    /** Waits for the first event matching {@code wanted}. */
    public JsonObject await(String what, Predicate<JsonObject> wanted) throws InterruptedException {
        return awaitAll(what, list -> list.stream().anyMatch(wanted)).stream().filter(wanted).findFirst().orElseThrow();
    }

    public synchronized List<JsonObject> awaitAll(String what, Predicate<List<JsonObject>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.test(events)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; got " + events);
            }
            wait(Math.max(1, Math.min(100, left / 1_000_000)));
        }
        return List.copyOf(events);
    }

    public synchronized List<JsonObject> events() {
        return List.copyOf(events);
    }

    public FlvViewer.Close awaitClose() throws Exception {
        return closed.get(20, TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Hangs up; a socket still being upgraded (Vert.x cannot close it yet: "Not connected") as soon as it is. */
    @Override
    public void close() {
        connected.thenRun(() -> {
            if (!closed.isDone() && !ws.isClosed()) {
                ws.close();
            }
        });
        if (ownClient != null) {
            ownClient.close();
        }
    }
}
