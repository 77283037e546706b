package io.livestream.ingest;

import io.livestream.common.CloseReason;
import io.livestream.common.LogField;
import io.livestream.common.ops.LimitRefusals;
import io.livestream.media.MediaPacket;
import io.livestream.media.amf.Amf0;
import io.livestream.media.rtmp.ChunkDecoder;
import io.livestream.media.rtmp.ChunkEncoder;
import io.livestream.media.rtmp.HandshakeServer;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.livestream.media.rtmp.RtmpProtocolException;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The server side of one RTMP connection: the thin adapter around the media-core parsers that
 * owns the socket. Walks a publisher (OBS, ffmpeg) through handshake, connect, createStream and
 * an authorised publish (RTMP spec 7.2), then turns its audio, video and metadata messages into
 * media packets of a {@link PublishSession}. Any protocol violation closes this connection only.
 * It keeps the connection's states; what publish asks for is read by {@link PublishQuery}, whether
 * it may is decided by {@link PublishAuthorizer}, and each refusal is named by {@link PublishRefusal}.
 */
final class RtmpConnection implements Publisher, IngestBuffers.Holder {
    private static final System.Logger LOG = System.getLogger(RtmpConnection.class.getName());
    private static final String APP = "live";
    private static final int OUT_CHUNK_SIZE = 4096;
    private static final long OUR_WINDOW = 5_000_000;
    private static final int PUBLISH_STREAM_ID = 1;

    private enum State { HANDSHAKE, AWAIT_CONNECT, CONNECTED, AUTHORIZING, PUBLISHING, CLOSED }

    private final NetSocket socket;
    private final Vertx vertx;
    private final LiveStreams streams;
    private final PublishAuthorizer authorizer;
    private final IngestConfig config;
    private final MeterRegistry meters;
    private final IngestBuffers buffers;
    private final String remote;
    private final String address;
    private final HandshakeServer handshake = new HandshakeServer();
    private final ChunkDecoder decoder;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ByteBuf inbound = Unpooled.buffer();
    private final Runnable onSocketClosed;
    /** Monotonic nanoseconds for the idle timeout: {@code System::nanoTime}, or a test's clock. */
    private final LongSupplier clock;

    private State state = State.HANDSHAKE;
    private PublishSession session;
    private PublishQuery.Connect connectQuery = PublishQuery.Connect.NONE;
    private long peerWindow = 2_500_000;
    private long lastAcked;
    private long lastReadNanos;
    /** Since when this connection has not been publishing: one that never does is closed as idle too. */
    private long notPublishingSince;
    private long handshakeTimer = -1;
    private long idleTimer = -1;

    RtmpConnection(NetSocket socket, String address, Vertx vertx, LiveStreams streams, PublishAuthorizer authorizer, IngestConfig config, MeterRegistry meters,
                   IngestBuffers buffers, LongSupplier clock, Runnable onSocketClosed) {
        this.clock = clock;
        this.lastReadNanos = clock.getAsLong();
        this.notPublishingSince = lastReadNanos;
        this.buffers = buffers;
        this.socket = socket;
        this.onSocketClosed = onSocketClosed;
        this.vertx = vertx;
        this.streams = streams;
        this.authorizer = authorizer;
        this.config = config;
        this.meters = meters;
        this.remote = String.valueOf(socket.remoteAddress());
        this.address = address;
        this.decoder = new ChunkDecoder(config.limits());
    }

    void start() {
        socket.handler(this::onData);
        socket.closeHandler(v -> onSocketClosed());
        socket.exceptionHandler(e -> LOG.log(System.Logger.Level.DEBUG, "rtmp {0}: {1}", remote, e.toString()));
        handshakeTimer = vertx.setTimer(config.handshakeTimeout().toMillis(), id -> {
            if (state == State.HANDSHAKE) {
                close(CloseReason.HANDSHAKE_TIMEOUT, "no complete handshake within " + config.handshakeTimeout());
            }
        });
        long idleMs = config.idleTimeout().toMillis();
        idleTimer = vertx.setPeriodic(Math.max(100, idleMs / 4), id -> {
            long now = clock.getAsLong();
            if (now - lastReadNanos > idleMs * 1_000_000) {
                close(CloseReason.IDLE_TIMEOUT, "nothing received for " + config.idleTimeout());
            } else if (state != State.PUBLISHING && state != State.AUTHORIZING && now - notPublishingSince > idleMs * 1_000_000) {
                close(CloseReason.IDLE_TIMEOUT, "not publishing for " + config.idleTimeout());
            }
        });
    }

    @Override
    public String describe() {
        return "rtmp " + remote;
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public void shed() {
        close(CloseReason.INGEST_MEMORY, "ingest buffers over budget, this connection held the most unfinished bytes");
    }

    @Override
    public void evict(String reason) {
        session = null;
        close(CloseReason.STREAM_BUSY, reason);
    }

    private void onData(Buffer data) {
        if (state == State.CLOSED) {
            return;
        }
        lastReadNanos = clock.getAsLong();
        inbound.writeBytes(((BufferInternal) data).getByteBuf());
        try {
            if (state == State.HANDSHAKE) {
                ByteBuf reply = Unpooled.buffer();
                boolean done = handshake.feed(inbound, reply);
                send(reply);
                if (!done) {
                    return;
                }
                vertx.cancelTimer(handshakeTimer);
                state = State.AWAIT_CONNECT;
            }
            decoder.decode(inbound, this::onMessage);
            if (state != State.CLOSED) {
                buffers.update(this, decoder.heldBytes());
            }
            acknowledge();
        } catch (RtmpProtocolException e) {
            meters.counter("live.rtmp.rejected", "reason", e.reason()).increment();
            close(CloseReason.PROTOCOL_VIOLATION, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "rtmp " + remote + ": unexpected input", e);
            meters.counter("live.rtmp.rejected", "reason", "internal-error").increment();
            close(CloseReason.PROTOCOL_VIOLATION, "unexpected input: " + e);
        } finally {
            inbound.discardSomeReadBytes();
        }
    }

    private void onMessage(RtmpMessage message) {
        if (state == State.CLOSED) {
            return;
        }
        if (message instanceof RtmpMessage.Command c) {
            onCommand(c);
        } else if (message instanceof RtmpMessage.Video v) {
            media(MediaPacket.video((int) v.timestamp(), v.payload()));
        } else if (message instanceof RtmpMessage.Audio a) {
            media(MediaPacket.audio((int) a.timestamp(), a.payload()));
        } else if (message instanceof RtmpMessage.Data d) {
            onData(d);
        } else if (message instanceof RtmpMessage.WindowAckSize w) {
            peerWindow = Math.max(1, w.size());
        } else if (message instanceof RtmpMessage.UserControl u && u.eventType() == RtmpMessage.UserControl.PING_REQUEST) {
            send(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_RESPONSE, u.value(), 0));
        }
        // chunk size and abort are applied by the decoder; acks and bandwidth need no answer
    }

    private void media(MediaPacket packet) {
        if (session != null) {
            session.push(packet);
        }
    }

    /** {@code @setDataFrame onMetaData {...}} (as ffmpeg and OBS send it) becomes the stream's script tag. */
    private void onData(RtmpMessage.Data data) {
        if (session == null || data.values().isEmpty()) {
            return;
        }
        List<Object> values = data.values();
        if ("@setDataFrame".equals(values.get(0))) {
            values = values.subList(1, values.size());
        }
        if (!values.isEmpty() && "onMetaData".equals(values.get(0))) {
            session.push(MediaPacket.script((int) data.timestamp(), Amf0.encodeAll(values.toArray())));
        }
    }

    private void onCommand(RtmpMessage.Command command) {
        if (session != null) {
            session.touch();
        }
        switch (command.name()) {
            case "connect" -> onConnect(command);
            case "releaseStream", "FCPublish" -> send(RtmpCommands.result(command.transactionId(), Amf0.NULL, Amf0.UNDEFINED));
            case "createStream" -> send(RtmpCommands.result(command.transactionId(), Amf0.NULL, (double) PUBLISH_STREAM_ID));
            case "publish" -> onPublish(command);
            case "FCUnpublish", "deleteStream", "closeStream" -> unpublish();
            default -> {
                if (command.transactionId() != 0) {
                    send(RtmpCommands.error(command.transactionId(), Map.of(
                            "level", "error", "code", "NetConnection.Call.Failed",
                            "description", "unsupported command " + command.name())));
                }
            }
        }
    }

    private void onConnect(RtmpMessage.Command command) {
        if (state != State.AWAIT_CONNECT) {
            throw new RtmpProtocolException("protocol-violation", "connect sent twice");
        }
        Object props = command.args().isEmpty() ? null : command.args().get(0);
        connectQuery = PublishQuery.Connect.of(props);
        if (!connectQuery.isApp(APP)) {
            send(RtmpCommands.error(command.transactionId(), Map.of(
                    "level", "error", "code", "NetConnection.Connect.Rejected",
                    "description", "unknown application '" + connectQuery.app() + "'; publish to rtmp://HOST/" + APP + "/STREAM")));
            close(CloseReason.PROTOCOL_VIOLATION, "unknown application " + connectQuery.app());
            return;
        }
        double objectEncoding = props instanceof Map<?, ?> m && m.get("objectEncoding") instanceof Number n ? n.doubleValue() : 0;
        send(new RtmpMessage.WindowAckSize(OUR_WINDOW));
        send(new RtmpMessage.SetPeerBandwidth(OUR_WINDOW, 2));
        send(new RtmpMessage.SetChunkSize(OUT_CHUNK_SIZE));
        encoder.setChunkSize(OUT_CHUNK_SIZE);
        send(RtmpCommands.connectResult(command.transactionId(), objectEncoding));
        state = State.CONNECTED;
    }

    private void onPublish(RtmpMessage.Command command) {
        if (state != State.CONNECTED) {
            throw new RtmpProtocolException("protocol-violation", "publish in state " + state);
        }
        String key = command.args().size() > 1 && command.args().get(1) instanceof String s ? s : "";
        PublishQuery.Publish request = PublishQuery.Publish.of(key, connectQuery);
        int streamId = command.streamId();
        if (!buffers.admitsPublisher()) {
            buffers.refused();
            refuse(request.stream(), streamId, PublishRefusal.ingestMemory());
            return;
        }
        state = State.AUTHORIZING;
        authorizer.authorize(request)
                .compose(grant -> streams.start(grant.stream(), this, grant.privateStream()))
                .onSuccess(granted -> started(granted, streamId))
                .onFailure(e -> refuse(request.stream(), streamId, PublishRefusal.of(e)));
    }

    private void started(PublishSession granted, int streamId) {
        if (state == State.CLOSED) {
            streams.end(granted, "publisher-disconnected");
            return;
        }
        session = granted;
        state = State.PUBLISHING;
        send(new RtmpMessage.UserControl(RtmpMessage.UserControl.STREAM_BEGIN, streamId, 0));
        send(RtmpCommands.onStatus(streamId, "status", "NetStream.Publish.Start", granted.name() + " is now published"));
    }

    private void unpublish() {
        if (session != null) {
            streams.end(session, "unpublished");
            send(RtmpCommands.onStatus(PUBLISH_STREAM_ID, "status", "NetStream.Unpublish.Success", session.name() + " is now unpublished"));
            session = null;
            state = State.CONNECTED;
            notPublishingSince = clock.getAsLong();
        }
    }

    /** An onStatus error before NetStream.Publish.Start, then the connection is closed. */
    private void refuse(String stream, int streamId, PublishRefusal refusal) {
        if (state == State.CLOSED) {
            return;
        }
        if (refusal.reason == CloseReason.TOO_MANY_PUBLISHERS) {
            LimitRefusals.count(meters, LimitRefusals.PUBLISHERS);
        }
        meters.counter("live.rtmp.rejected", "reason", refusal.code).increment();
        LOG.log(System.Logger.Level.INFO, "rtmp {0}: {1} {2}", remote, refusal.code, refusal.description(),
                LogField.stream(stream), LogField.client(address));
        send(RtmpCommands.onStatus(streamId, "error", refusal.code, refusal.description()));
        close(refusal.reason, refusal.description());
    }

    /** Spec 5.4.3: acknowledge every window's worth of received bytes. */
    private void acknowledge() {
        long received = decoder.bytesReceived();
        if (received - lastAcked >= peerWindow) {
            lastAcked = received;
            send(new RtmpMessage.Acknowledgement(received & 0xFFFFFFFFL));
        }
    }

    private void send(RtmpMessage message) {
        ByteBuf out = Unpooled.buffer();
        encoder.encode(message, out);
        send(out);
    }

    private void send(ByteBuf out) {
        if (out.isReadable() && state != State.CLOSED) {
            socket.write(BufferInternal.buffer(out));
        }
    }

    private void close(CloseReason reason, String detail) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "rtmp {0} closed: {1} ({2})", remote, reason, detail,
                session == null ? null : LogField.stream(session.name()), LogField.client(address));
        meters.counter("live.rtmp.closed", "reason", reason.label).increment();
        release(reason.label);
        socket.close();
    }

    private void onSocketClosed() {
        release("publisher-disconnected");
        onSocketClosed.run();
    }

    private void release(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        buffers.release(this);
        vertx.cancelTimer(handshakeTimer);
        vertx.cancelTimer(idleTimer);
        if (session != null) {
            streams.end(session, why);
            session = null;
        }
    }
}
