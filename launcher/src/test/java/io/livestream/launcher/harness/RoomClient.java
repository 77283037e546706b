package io.livestream.launcher.harness;

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
import java.util.function.Predicate;

/** A room WebSocket client that keeps every event it receives (batches unpacked, in order). */
public final class RoomClient implements AutoCloseable {
    private final WebSocketClient client;
    private final ClientWebSocket ws;
    private final List<JsonObject> events = new ArrayList<>();
    private final CompletableFuture<FlvViewer.Close> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> connected = new CompletableFuture<>();

    private RoomClient(Vertx vertx, int port, String uri) {
        client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024).setMaxMessageSize(4 * 1024 * 1024));
        ws = client.webSocket();
        ws.textMessageHandler(this::onText);
        ws.closeHandler(v -> closed.complete(new FlvViewer.Close(ws.closeStatusCode(), ws.closeReason())));
        ws.connect(port, "127.0.0.1", uri).onSuccess(x -> {
            // a server that closes right after the upgrade (a refused token) can be done before the
            // close handler reaches the socket: Vert.x then never calls it
            if (ws.isClosed()) {
                closed.complete(new FlvViewer.Close(ws.closeStatusCode(), ws.closeReason()));
            }
            connected.complete(null);
        }).onFailure(connected::completeExceptionally);
    }

    /** Joins {@code /ws/room/<room>} with the token (none: read-only) and the last sequence it had (0: none). */
    public static RoomClient join(Vertx vertx, int port, String room, String token, long lastSeq) {
        String uri = "/ws/room/" + room + "?lastSeq=" + lastSeq + (token == null ? "" : "&token=" + token);
        return new RoomClient(vertx, port, uri);
    }

    private synchronized void onText(String text) {
        JsonObject m = new JsonObject(text);
        if ("batch".equals(m.getString("type"))) {
            m.getJsonArray("events").forEach(e -> events.add((JsonObject) e));
        } else {
            events.add(m);
        }
        notifyAll();
    }

    public void send(JsonObject message) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeTextMessage(message.encode()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public void sendRaw(String text) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeTextMessage(text);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        connected.get(10, TimeUnit.SECONDS);
        ws.writeBinaryMessage(Buffer.buffer(bytes));
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

    @Override
    public void close() {
        if (!closed.isDone()) {
            ws.close();
        }
        client.close();
    }
}
