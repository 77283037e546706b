package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.auth.PlayAccess;
import io.livestream.common.auth.Tokens;
import io.livestream.common.bus.Addresses;
import io.livestream.common.net.TrustedProxies;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Room WebSockets ({@code /ws/room/<stream>?token=...&lastSeq=...}), bridged to the interaction
 * service: what a member says goes to {@code room.in} and is answered to that member alone; what
 * the room sees comes from {@code room.<id>.out}, to which this gateway subscribes only while it
 * has members of that room, and each batch is encoded once and written to every member.
 * The room of a private stream admits only holders of a play token for it ({@link PlayAccess}),
 * and one client address holds a bounded number of room sockets. Confined to the gateway's event loop.
 */
final class RoomSockets {
    private static final System.Logger LOG = System.getLogger(RoomSockets.class.getName());
    private static final int MEMBER_QUEUE_BYTES = 256 * 1024;
    /**
     * A member's messages awaiting the room's answer. While it has that many its socket is not
     * read: the rest of a burst waits in the client's own socket (TCP pushes back), so nobody can
     * pile requests up in memory, and a flood costs the event loop this gateway's members and
     * viewers share no more than the room's pace. Messages Vert.x had already decoded wait at the
     * gateway, in order, up to {@link #MAX_WAITING_CHARS}; past that the member is closed {@code abuse}.
     */
    private static final int MAX_IN_FLIGHT = 8;
    private static final int MAX_WAITING_CHARS = 256 * 1024;

    /** A member's message waiting for its turn to go to the room, with its size as it arrived. */
    private record Waiting(JsonObject message, int chars) {
    }

    private final Vertx vertx;
    private final Tokens tokens;
    private final StreamRegistry streams;
    private final AddressSlots perAddress;
    private final TrustedProxies proxies;
    private final MeterRegistry meters;
    private final Map<String, RoomHub> hubs = new HashMap<>();

    RoomSockets(Vertx vertx, Tokens tokens, StreamRegistry streams, AddressSlots perAddress, TrustedProxies proxies, MeterRegistry meters) {
        this.vertx = vertx;
        this.tokens = tokens;
        this.streams = streams;
        this.perAddress = perAddress;
        this.proxies = proxies;
        this.meters = meters;
    }

    int members() {
        return hubs.values().stream().mapToInt(h -> h.members.size()).sum();
    }

    void handle(RoutingContext ctx) {
        String room = ctx.pathParam("param0");
        String token = ctx.request().getParam("token");
        long lastSeq = parseLong(ctx.request().getParam("lastSeq"));
        // the slot goes back when the connection closes, however it ends (AddressSlots)
        String address = proxies.clientAddress(ctx.request());
        ConnectionLimiter.Admission admission = perAddress.admit(ctx.request(), address);
        boolean admitted = admission instanceof ConnectionLimiter.Admitted;
        ctx.request().toWebSocket().onComplete(upgraded -> {
            if (upgraded.failed()) { // the connection may stay open (an HTTP answer): its slot goes now
                if (admission instanceof ConnectionLimiter.Admitted a) {
                    a.slot().release();
                }
                return;
            }
            if (!admitted) {
                upgraded.result().close(CloseReason.TOO_MANY_CONNECTIONS.code, CloseReason.TOO_MANY_CONNECTIONS.label);
                return;
            }
            ServerWebSocket ws = upgraded.result();
            ws.setWriteQueueMaxSize(MEMBER_QUEUE_BYTES);
            Member member = new Member(ws, room);
            // handlers first: nothing the client sends before its identity is settled is lost
            ws.textMessageHandler(text -> member.onText(text));
            ws.binaryMessageHandler(b -> member.error("bad-request", "room messages are JSON text"));
            ws.exceptionHandler(e -> {
                if (e instanceof CorruptedWebSocketFrameException) { // over the frame limit: Vert.x closes it 1009
                    LimitRefusals.count(meters, LimitRefusals.WEBSOCKET_FRAME_SIZE);
                }
            });
            ws.closeHandler(v -> member.closed());
            admit(room, token).onComplete(ar -> {
                if (ar.failed()) {
                    CloseReason refusal = refusal(room, ar.cause());
                    ws.close(refusal.code, refusal.label);
                } else {
                    member.join(ar.result(), lastSeq, address);
                }
            });
        });
    }

    /**
     * The member's identity from its token: {@code {id, nick, role, stream}}; no token is an
     * anonymous reader, except in the room of a private stream, which takes only play tokens for it.
     */
    private Future<JsonObject> admit(String room, String token) {
        return streams.get(room).compose(info -> {
            if (info.isPresent() && info.get().privateStream()) {
                return PlayAccess.authorize(tokens, room, token).map(RoomSockets::identity);
            }
            if (token == null || token.isEmpty()) {
                return Future.succeededFuture(new JsonObject().put("id", "").put("role", "anonymous"));
            }
            return tokens.verify(token).map(RoomSockets::identity);
        });
    }

    /**
     * Why a member was not admitted: its token ({@code bad-token}), or the stream registry that
     * says whether the room is private could not be read ({@code unavailable}: try again).
     */
    private static CloseReason refusal(String room, Throwable cause) {
        if (cause instanceof Tokens.TokenRejectedException || cause instanceof PlayAccess.Refused) {
            return CloseReason.BAD_TOKEN;
        }
        LOG.log(System.Logger.Level.WARNING, "room {0}: stream registry unavailable: {1}", room, cause.getMessage());
        return CloseReason.UNAVAILABLE;
    }

    private static JsonObject identity(JsonObject claims) {
        String role = claims.getString("role", "viewer");
        String sub = claims.getString("sub", "");
        if (sub.isEmpty()) {
            throw new Tokens.TokenRejectedException("token without a subject");
        }
        return new JsonObject().put("id", sub).put("nick", claims.getString("nick", sub))
                .put("role", switch (role) {
                    case "streamer", "moderator", "admin" -> role;
                    default -> "viewer";
                })
                .put("stream", claims.getString("stream"));
    }

    private static long parseLong(String s) {
        try {
            return s == null ? 0 : Math.max(0, Long.parseLong(s));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The members of one room on this gateway, and the subscription that feeds them. */
    private final class RoomHub {
        final String room;
        final Set<Member> members = new LinkedHashSet<>();
        final MessageConsumer<JsonObject> consumer;

        RoomHub(String room) {
            this.room = room;
            this.consumer = vertx.eventBus().consumer(Addresses.roomOut(room), this::onBatch);
        }

        void onBatch(Message<JsonObject> message) {
            JsonObject batch = message.body();
            String text = batch.encode(); // once for every member
            List<String> bannedUsers = new ArrayList<>();
            batch.getJsonArray("events", new JsonArray()).forEach(o -> {
                JsonObject e = (JsonObject) o;
                if ("notice".equals(e.getString("type")) && "banned".equals(e.getString("kind"))) {
                    bannedUsers.add(e.getString("userId"));
                }
            });
            for (Member m : List.copyOf(members)) {
                m.deliver(batch, text);
                if (bannedUsers.contains(m.userId())) {
                    m.close(CloseReason.BANNED);
                }
            }
        }

        void remove(Member m) {
            if (members.remove(m) && members.isEmpty()) {
                consumer.unregister();
                hubs.remove(room);
            }
        }
    }

    private final class Member {
        final ServerWebSocket ws;
        final String room;
        JsonObject user;
        long helloSeq = -1;
        List<JsonObject> early = new ArrayList<>();
        int inFlight;
        final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        int waitingChars;
        /** Not read while it has {@link #MAX_IN_FLIGHT} messages awaiting the room. */
        boolean paused;
        /** We sent the close frame: nothing it says counts any more, nothing more is sent to it. */
        boolean closing;
        boolean closed;

        Member(ServerWebSocket ws, String room) {
            this.ws = ws;
            this.room = room;
        }

        String userId() {
            return user == null ? "" : user.getString("id");
        }

        /** {@code address}: the client's, for the room to refuse guests from the address of a banned one. */
        void join(JsonObject identity, long lastSeq, String address) {
            if (closed) {
                return;
            }
            user = identity;
            hubs.computeIfAbsent(room, RoomHub::new).members.add(this);
            vertx.eventBus().<JsonObject>request(Addresses.ROOM_IN, new JsonObject().put("op", "join").put("room", room)
                    .put("user", user).put("lastSeq", lastSeq).put("address", address)).onComplete(ar -> {
                if (closed || closing) {
                    return;
                }
                if (ar.failed()) {
                    LOG.log(System.Logger.Level.WARNING, "room {0}: interaction service unavailable: {1}", room, ar.cause().getMessage());
                    error("unavailable", "the room service is unavailable; try again");
                    close(CloseReason.UNAVAILABLE);
                    return;
                }
                JsonObject reply = ar.result().body();
                if (reply.containsKey("close")) { // refused: it never joined, so it does not leave either
                    user = null;
                    ws.writeTextMessage(reply.getJsonObject("error").encode());
                    close(CloseReason.BANNED);
                    return;
                }
                JsonObject hello = reply.getJsonObject("hello");
                helloSeq = hello.getLong("seq", 0L);
                ws.writeTextMessage(hello.put("you", user).encode());
                // batches that overtook the hello: only what the hello did not already contain
                for (JsonObject batch : early) {
                    JsonArray newer = new JsonArray();
                    batch.getJsonArray("events").forEach(o -> {
                        JsonObject e = (JsonObject) o;
                        if (e.getLong("seq", 0L) > helloSeq || "stats".equals(e.getString("type"))) {
                            newer.add(e);
                        }
                    });
                    if (!newer.isEmpty()) {
                        ws.writeTextMessage(new JsonObject().put("type", "batch").put("events", newer).encode());
                    }
                }
                early = null;
            });
        }

        void deliver(JsonObject batch, String text) {
            // closing (we sent the close frame, its close handler has not run yet): writeQueueFull
            // would throw and end the batch's loop before the members after this one
            if (closed || closing || ws.isClosed()) {
                return;
            }
            if (early != null) {
                early.add(batch);
                return;
            }
            if (ws.writeQueueFull()) {
                close(CloseReason.SLOW_CONSUMER);
                return;
            }
            ws.writeTextMessage(text);
        }

        void onText(String text) {
            // Vert.x reads on after our close frame until the client's answer, which a flooder's
            // backlog delays: none of it is parsed, answered or sent to the room
            if (closed || closing || ws.isClosed()) {
                return;
            }
            JsonObject message;
            try {
                message = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                error("bad-request", "not a JSON object");
                return;
            }
            if ("ping".equals(message.getValue("type"))) {
                if (ws.writeQueueFull()) { // pinging without reading the pongs
                    close(CloseReason.SLOW_CONSUMER);
                    return;
                }
                ws.writeTextMessage(new JsonObject().put("type", "pong").put("ts", System.currentTimeMillis()).encode());
                return;
            }
            if (user == null) {
                error("not-ready", "wait for the hello message");
                return;
            }
            if (inFlight == MAX_IN_FLIGHT) { // decoded before the pause took effect
                if (waitingChars + text.length() > MAX_WAITING_CHARS) {
                    error("rate-limited", "flooding: more than " + MAX_WAITING_CHARS / 1024 + " KiB of messages awaiting the room");
                    close(CloseReason.ABUSE);
                    return;
                }
                waiting.addLast(new Waiting(message, text.length()));
                waitingChars += text.length();
                return;
            }
            send(message);
            if (inFlight == MAX_IN_FLIGHT && !paused) {
                paused = true;
                ws.pause();
            }
        }

        private void send(JsonObject message) {
            inFlight++;
            vertx.eventBus().<JsonObject>request(Addresses.ROOM_IN, new JsonObject().put("op", "send").put("room", room)
                    .put("user", user).put("message", message)).onComplete(ar -> {
                inFlight--;
                if (closed || closing) {
                    waiting.clear();
                    waitingChars = 0;
                    return;
                }
                if (ar.failed()) {
                    error("unavailable", "the room service is unavailable; try again");
                } else {
                    JsonObject reply = ar.result().body();
                    if (reply.containsKey("error")) {
                        ws.writeTextMessage(reply.getJsonObject("error").encode());
                    }
                    String close = reply.getString("close");
                    if (close != null) {
                        close("banned".equals(close) ? CloseReason.BANNED : CloseReason.ABUSE);
                        return;
                    }
                }
                Waiting next = waiting.pollFirst();
                if (next != null) {
                    waitingChars -= next.chars();
                    send(next.message());
                } else if (paused) {
                    paused = false;
                    ws.resume();
                }
            });
        }

        void error(String code, String message) {
            if (!closed && !closing && !ws.isClosed()) {
                ws.writeTextMessage(new JsonObject().put("type", "error").put("code", code).put("message", message).encode());
            }
        }

        /**
         * Sends the close frame once; what the member says from then on is dropped. A member closed
         * for abuse is not even read: the rest of its flood stays in its socket, and the connection
         * goes at the closing timeout (see {@link #closed}).
         */
        void close(CloseReason reason) {
            if (closing || ws.isClosed()) {
                return;
            }
            closing = true;
            if (reason == CloseReason.ABUSE && !paused) {
                paused = true;
                ws.pause();
            }
            ws.close(reason.code, reason.label);
        }

        void closed() {
            if (closed) {
                return;
            }
            closed = true;
            if (paused) {
                // frames Vert.x 5.0 still holds for a paused socket are released only by reading
                // them (it drops them unreleased when the connection closes: Netty reports leaks)
                ws.resume();
            }
            RoomHub hub = hubs.get(room);
            if (hub != null) {
                hub.remove(this);
            }
            if (user != null) {
                vertx.eventBus().request(Addresses.ROOM_IN, new JsonObject().put("op", "leave").put("room", room).put("user", user));
            }
        }
    }
}
