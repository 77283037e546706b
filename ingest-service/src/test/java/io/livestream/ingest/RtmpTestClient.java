package io.livestream.ingest;

import io.livestream.media.rtmp.RtmpClientProtocol;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * An RTMP publisher on a Vert.x socket around media-core's {@link RtmpClientProtocol}: every step
 * a future, so a test awaits the server's answers instead of sleeping. Confined to the context
 * that connected it.
 */
final class RtmpTestClient {
    private final NetSocket socket;
    private final RtmpClientProtocol protocol = new RtmpClientProtocol();
    private final ByteBuf inbound = Unpooled.buffer();
    private final List<RtmpMessage> backlog = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final Promise<Void> handshaken = Promise.promise();
    private final Promise<Void> closed = Promise.promise();
    private int streamId = 1;
    private long pings;

    private record Waiter(Predicate<RtmpMessage> wanted, Promise<RtmpMessage> promise) {
    }

    /** Held for the connection's life: Vert.x 5 closes a client nothing refers to when the collector finds it. */
    private final NetClient client;

    private RtmpTestClient(NetClient client, NetSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.handler(this::onData);
        socket.closeHandler(v -> {
            closed.tryComplete();
            handshaken.tryFail("the server closed the connection during the handshake");
            List<Waiter> waiting = List.copyOf(waiters);
            waiters.clear();
            waiting.forEach(w -> w.promise().tryFail("the server closed the connection; got " + backlog));
        });
    }

    /** Connects to {@code 127.0.0.1:port} without a handshake: what a peer that sends nothing does. */
    static Future<RtmpTestClient> open(Vertx vertx, int port) {
        NetClient client = vertx.createNetClient();
        return client.connect(port, "127.0.0.1").map(socket -> new RtmpTestClient(client, socket));
    }

    /** Connects and completes the handshake (RTMP spec 5.2). */
    static Future<RtmpTestClient> connect(Vertx vertx, int port) {
        return open(vertx, port).compose(client -> client.handshake().map(client));
    }

    Future<Void> handshake() {
        ByteBuf out = Unpooled.buffer();
        protocol.start(out);
        write(out);
        return handshaken.future();
    }

    /** Completes when the server has closed the connection. */
    Future<Void> closed() {
        return closed.future();
    }

    /** Sends connect for {@code app}; succeeds with the server's {@code _result}, fails on an {@code _error}. */
    Future<RtmpMessage.Command> connectApp(String app) {
        return call(RtmpCommands.connect(protocol.nextTransaction(), app, "rtmp://127.0.0.1/" + app));
    }

    /** Connect to {@code live}, createStream, publish {@code key}; succeeds with the publish onStatus's code. */
    Future<String> publish(String key) {
        return connectApp("live")
                .compose(connected -> call(RtmpCommands.createStream(protocol.nextTransaction())))
                .compose(created -> {
                    if (created.args().size() > 1 && created.args().get(1) instanceof Number id) {
                        streamId = id.intValue();
                    }
                    send(RtmpCommands.publish(protocol.nextTransaction(), streamId, key, "live"));
                    return await(RtmpClientProtocol::isOnStatus);
                })
                .map(status -> RtmpClientProtocol.statusCode((RtmpMessage.Command) status));
    }

    /** On a connection that published and unpublished: publish {@code key} again; succeeds with the onStatus's code. */
    Future<String> republish(String key) {
        send(RtmpCommands.publish(protocol.nextTransaction(), streamId, key, "live"));
        return await(RtmpClientProtocol::isOnStatus).map(status -> RtmpClientProtocol.statusCode((RtmpMessage.Command) status));
    }

    /** FCUnpublish (what OBS sends on "stop streaming"); succeeds with the onStatus's code. */
    Future<String> unpublish(String name) {
        send(RtmpCommands.fcUnpublish(protocol.nextTransaction(), name));
        return await(RtmpClientProtocol::isOnStatus).map(status -> RtmpClientProtocol.statusCode((RtmpMessage.Command) status));
    }

    /** A ping (RTMP spec 7.1.7); succeeds when the server has answered it. */
    Future<RtmpMessage> ping() {
        long value = ++pings;
        send(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_REQUEST, value, 0));
        return await(m -> m instanceof RtmpMessage.UserControl u && u.eventType() == RtmpMessage.UserControl.PING_RESPONSE && u.value() == value);
    }

    /** The description of the next onStatus already received or to come. */
    Future<String> statusDescription() {
        return await(RtmpClientProtocol::isOnStatus).map(m -> RtmpClientProtocol.infoField((RtmpMessage.Command) m, "description"));
    }

    /** A video frame on the published stream: an AVC inter frame of a few bytes. */
    void sendFrame(long timestamp) {
        send(new RtmpMessage.Video(timestamp, streamId, new byte[] {0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41}));
    }

    void send(RtmpMessage message) {
        ByteBuf out = Unpooled.buffer();
        protocol.send(message, out);
        write(out);
    }

    Future<Void> close() {
        return socket.close().eventually(client::close);
    }

    private Future<RtmpMessage.Command> call(RtmpMessage.Command command) {
        send(command);
        return await(m -> RtmpClientProtocol.isAnswer(m, command.transactionId())).compose(m -> {
            RtmpMessage.Command reply = (RtmpMessage.Command) m;
            return reply.name().equals("_error")
                    ? Future.failedFuture(command.name() + " refused: " + RtmpClientProtocol.statusCode(reply))
                    : Future.succeededFuture(reply);
        });
    }

    /** The first message received, or to come, that is {@code wanted}. */
    Future<RtmpMessage> await(Predicate<RtmpMessage> wanted) {
        for (Iterator<RtmpMessage> it = backlog.iterator(); it.hasNext(); ) {
            RtmpMessage m = it.next();
            if (wanted.test(m)) {
                it.remove();
                return Future.succeededFuture(m);
            }
        }
        if (closed.future().isComplete()) {
            return Future.failedFuture("the server closed the connection; got " + backlog);
        }
        Promise<RtmpMessage> promise = Promise.promise();
        waiters.add(new Waiter(wanted, promise));
        return promise.future();
    }

    private void onData(Buffer data) {
        inbound.writeBytes(((BufferInternal) data).getByteBuf());
        ByteBuf out = Unpooled.buffer();
        protocol.feed(inbound, out, this::received);
        inbound.discardSomeReadBytes();
        write(out);
        if (protocol.handshakeDone()) {
            handshaken.tryComplete();
        }
    }

    private void received(RtmpMessage message) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.wanted().test(message)) {
                it.remove();
                waiter.promise().complete(message);
                return;
            }
        }
        backlog.add(message);
    }

    private void write(ByteBuf out) {
        if (out.isReadable()) {
            socket.write(BufferInternal.buffer(out));
        }
    }
}
