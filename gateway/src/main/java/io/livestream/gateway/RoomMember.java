package io.livestream.gateway;

import io.livestream.common.CloseReason;
import io.livestream.common.bus.Addresses;
import io.livestream.common.room.RoomError;
import io.livestream.common.room.RoomMessage;
import io.livestream.common.room.RoomProtocol;
import io.livestream.common.room.RoomUser;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One member's room socket, bridged to the interaction service: what it says goes to the room's
 * owner at the pace of {@link RoomInflow} (a flood past its bound is closed {@code abuse}), the
 * answer back to it alone; the room's batches come from its {@link RoomHubs}. A request goes to
 * {@code room.in.<room>}, served by the replica that owns the room, and when nobody serves that
 * (no owner yet, or it was lost) to {@code room.in}, where any replica takes the room or forwards
 * to its owner. The member is passed each event once: after a move the new owner sends the
 * room's history again, and only what the member has not had (sequence above the last it got)
 * reaches it. Confined to the gateway's event loop.
 */
final class RoomMember implements RoomHubs.Recipient {
    private static final System.Logger LOG = System.getLogger(RoomMember.class.getName());
    /**
     * The room's answer comes after its save, milliseconds; a message to an owner that died
     * unannounced is lost without a failure, and this is how long its member waits for the
     * {@code unavailable} that tells it to send again (the room's claim runs out meanwhile).
     */
    private static final DeliveryOptions REQUEST = new DeliveryOptions().setSendTimeout(3_000);

    private final ServerWebSocket ws;
    private final String room;
    private final EventBus bus;
    private final RoomHubs hubs;
    private final LongSupplier clock;
    private RoomUser user;
    private String address;
    /** The highest sequence number this member has been given (its hello's, then its batches'). */
    private long seen = -1;
    /** Batches that came before the hello; null once it has been sent. */
    private List<RoomMessage.Batch> early = new ArrayList<>();
    private final RoomInflow inflow;
    /** We sent the close frame: nothing it says counts any more, nothing more is sent to it. */
    private boolean closing;
    private boolean closed;

    /** {@code clock}: epoch milliseconds, for the pong. */
    RoomMember(ServerWebSocket ws, String room, EventBus bus, RoomHubs hubs, LongSupplier clock) {
        this.ws = ws;
        this.room = room;
        this.bus = bus;
        this.hubs = hubs;
        this.clock = clock;
        this.inflow = new RoomInflow(ws, this::send);
    }

    @Override
    public String userId() {
        return user == null ? "" : user.id();
    }

    /** {@code address}: the client's, for the room to refuse guests from the address of a banned one. */
    void join(RoomUser identity, long lastSeq, String address) {
        if (closed) {
            return;
        }
        user = identity;
        this.address = address;
        hubs.add(room, this);
        ask(new RoomMessage.Join(room, user, lastSeq, address)).onComplete(this::joined);
    }

    private void joined(AsyncResult<Message<RoomMessage.Reply>> ar) {
        if (closed || closing) {
            return;
        }
        if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "room {0}: interaction service unavailable: {1}", room, ar.cause().getMessage());
            error(RoomError.Code.UNAVAILABLE, "the room service is unavailable; try again");
            close(CloseReason.UNAVAILABLE);
            return;
        }
        if (ar.result().body() instanceof RoomMessage.Answer refused) { // it never joined, so it does not leave either
            user = null;
            write(refused.error().toJson());
            close(refused.close() == null ? CloseReason.BANNED : refused.close());
            return;
        }
        JsonObject hello = ((RoomMessage.Hello) ar.result().body()).hello();
        seen = hello.getLong("seq", 0L);
        write(hello.put("you", user.toJson()));
        // batches that overtook the hello: only what the hello did not already contain
        List<RoomMessage.Batch> overtaking = early;
        early = null;
        overtaking.forEach(batch -> deliver(batch, null));
    }

    /** A request to the room's owner, or to any replica when the owner's address has nobody (see the class comment). */
    private Future<Message<RoomMessage.Reply>> ask(RoomMessage.Request request) {
        return bus.<RoomMessage.Reply>request(Addresses.roomIn(room), request, REQUEST).recover(e -> {
            // a send that timed out may have been taken: not sent twice
            boolean retry = e instanceof ReplyException r && (r.failureType() != ReplyFailure.TIMEOUT || !(request instanceof RoomMessage.Send));
            return retry ? bus.request(Addresses.ROOM_IN, request, REQUEST) : Future.failedFuture(e);
        });
    }

    /**
     * Whole when every event in it is new to this member (the common case: the text encoded once
     * for every member is written); else only the new ones, encoded for this member alone.
     */
    private void pass(RoomMessage.Batch batch, String text) {
        boolean whole = text != null;
        List<JsonObject> fresh = new ArrayList<>();
        for (JsonObject e : batch.events()) {
            boolean stats = RoomProtocol.EventType.STATS.label.equals(e.getString("type"));
            long seq = e.getLong("seq", 0L);
            if (stats || seq > seen) {
                fresh.add(e);
                seen = stats ? seen : seq;
            } else {
                whole = false;
            }
        }
        if (whole) {
            ws.writeTextMessage(text);
        } else if (!fresh.isEmpty()) {
            write(new RoomMessage.Batch(fresh).toJson());
        }
    }

    /** Joins the room's new owner as well, which knows nothing of members that joined its predecessor; its hello is not passed on. */
    @Override
    public void moved() {
        if (user == null || early != null || closed || closing) {
            return;
        }
        ask(new RoomMessage.Join(room, user, Math.max(0, seen), address)).onSuccess(reply -> {
            if (reply.body() instanceof RoomMessage.Answer refused && refused.close() != null) {
                close(refused.close());
            }
        });
    }

    @Override
    public void deliver(RoomMessage.Batch batch, String text) {
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
        pass(batch, text);
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
            error(RoomError.Code.BAD_REQUEST, "not a JSON object");
            return;
        }
        if (RoomProtocol.ClientType.PING.label.equals(message.getValue("type"))) {
            if (ws.writeQueueFull()) { // pinging without reading the pongs
                close(CloseReason.SLOW_CONSUMER);
                return;
            }
            write(RoomProtocol.pong(clock.getAsLong()));
            return;
        }
        if (user == null) {
            error(RoomError.Code.NOT_READY, "wait for the hello message");
            return;
        }
        if (!inflow.offer(message, text.length())) {
            error(RoomError.Code.RATE_LIMITED, "flooding: more than " + RoomInflow.MAX_WAITING_CHARS / 1024 + " KiB of messages awaiting the room");
            close(CloseReason.ABUSE);
        }
    }

    void onBinary() {
        error(RoomError.Code.BAD_REQUEST, "room messages are JSON text");
    }

    private void send(JsonObject message) {
        ask(new RoomMessage.Send(room, user, message)).onComplete(this::answered);
    }

    private void answered(AsyncResult<Message<RoomMessage.Reply>> ar) {
        if (closed || closing) {
            inflow.answeredWhileClosing();
            return;
        }
        if (ar.failed()) {
            error(RoomError.Code.UNAVAILABLE, "the room service is unavailable; try again");
        } else if (ar.result().body() instanceof RoomMessage.Answer answer) {
            if (answer.error() != null) {
                write(answer.error().toJson());
            }
            if (answer.close() != null) {
                close(answer.close());
                return;
            }
        }
        inflow.answered();
    }

    void error(RoomError.Code code, String message) {
        if (!closed && !closing && !ws.isClosed()) {
            write(RoomError.of(code, message).toJson());
        }
    }

    private void write(JsonObject message) {
        ws.writeTextMessage(message.encode());
    }

    /**
     * Sends the close frame once; what the member says from then on is dropped. A member closed
     * for abuse is not even read: the rest of its flood stays in its socket, and the connection
     * goes at the closing timeout (see {@link #closed}).
     */
    @Override
    public void close(CloseReason reason) {
        if (closing || ws.isClosed()) {
            return;
        }
        closing = true;
        if (reason == CloseReason.ABUSE) {
            inflow.pause();
        }
        ws.close(reason.code, reason.label);
    }

    /** Its socket has closed, however: it leaves the hub and, if it had joined, the room. */
    void closed() {
        if (closed) {
            return;
        }
        closed = true;
        inflow.closed();
        hubs.remove(room, this);
        if (user != null) {
            ask(new RoomMessage.Leave(room, user));
        }
    }
}
