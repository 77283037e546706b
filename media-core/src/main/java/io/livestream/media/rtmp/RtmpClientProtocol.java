package io.livestream.media.rtmp;

import io.netty.buffer.ByteBuf;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The client side of an RTMP connection without its I/O, for whatever moves the bytes (a blocking
 * socket, a Vert.x one): the handshake (spec 5.2), then the chunk stream both ways, with the
 * answers a server expects of any client: a ping answered (7.1.7), every window's worth of bytes
 * acknowledged (5.4.3). Bytes written to an {@code out} buffer are for the server.
 */
public final class RtmpClientProtocol {
    public static final String PUBLISH_START = "NetStream.Publish.Start";

    private final HandshakeClient handshake = new HandshakeClient();
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
    private boolean handshakeDone;
    private double nextTransaction = 1;
    /** The server's acknowledgement window (5.4.4); 0 until it sends one. */
    private long peerWindow;
    private long lastAcked;

    /** Writes C0 and C1, the client's opening. */
    public void start(ByteBuf out) {
        handshake.start(out);
    }

    public boolean handshakeDone() {
        return handshakeDone;
    }

    /**
     * Takes what the server sent: the rest of the handshake first (C2 goes to {@code out}), then
     * every whole message, each handed to {@code received}; pongs and acknowledgements go to {@code out}.
     * Bytes of a message not all here yet stay in {@code in}.
     */
    public void feed(ByteBuf in, ByteBuf out, Consumer<RtmpMessage> received) {
        if (!handshakeDone) {
            handshakeDone = handshake.feed(in, out);
            if (!handshakeDone) {
                return;
            }
        }
        decoder.decode(in, m -> {
            if (m instanceof RtmpMessage.WindowAckSize w) {
                peerWindow = w.size();
            } else if (m instanceof RtmpMessage.UserControl u && u.eventType() == RtmpMessage.UserControl.PING_REQUEST) {
                send(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_RESPONSE, u.value(), 0), out);
            }
            received.accept(m);
        });
        long bytes = decoder.bytesReceived();
        if (peerWindow > 0 && bytes - lastAcked >= peerWindow) {
            lastAcked = bytes;
            send(new RtmpMessage.Acknowledgement(bytes & 0xFFFFFFFFL), out);
        }
    }

    /** Encodes {@code message} to {@code out}; a Set Chunk Size applies to the messages after it (5.4.1). */
    public void send(RtmpMessage message, ByteBuf out) {
        encoder.encode(message, out);
        if (message instanceof RtmpMessage.SetChunkSize s) {
            encoder.setChunkSize(s.size());
        }
    }

    /** The transaction id for the next command that expects an answer (7.1.1). */
    public double nextTransaction() {
        return nextTransaction++;
    }

    /** True for a command's {@code _result} or {@code _error} answer to {@code transactionId}. */
    public static boolean isAnswer(RtmpMessage m, double transactionId) {
        return m instanceof RtmpMessage.Command c && (c.name().equals("_result") || c.name().equals("_error"))
                && c.transactionId() == transactionId;
    }

    public static boolean isOnStatus(RtmpMessage m) {
        return m instanceof RtmpMessage.Command c && c.name().equals("onStatus");
    }

    /** The {@code code} of an onStatus or {@code _error} info object, e.g. {@link #PUBLISH_START}. */
    public static String statusCode(RtmpMessage.Command command) {
        return infoField(command, "code");
    }

    /** A field ({@code level}, {@code code}, {@code description}) of the command's info object; null if none. */
    public static String infoField(RtmpMessage.Command command, String field) {
        for (Object arg : command.args()) {
            if (arg instanceof Map<?, ?> info && info.get(field) instanceof String value) {
                return value;
            }
        }
        return null;
    }
}
