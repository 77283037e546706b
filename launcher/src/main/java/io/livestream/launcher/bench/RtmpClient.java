package io.livestream.launcher.bench;

import io.livestream.media.rtmp.RtmpClientProtocol;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A blocking RTMP client over a plain socket around media-core's {@link RtmpClientProtocol}: publishes as ffmpeg
 * does (the bench publisher), or sends whatever bytes a test wants to see a server survive. Not
 * thread-safe: one thread drives it.
 */
public final class RtmpClient implements AutoCloseable {
    public static final String PUBLISH_START = RtmpClientProtocol.PUBLISH_START;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RtmpClientProtocol protocol = new RtmpClientProtocol();
    private final ByteBuf inbound = Unpooled.buffer();
    private final ByteBuf outbound = Unpooled.buffer();
    private final byte[] readBuffer = new byte[16 * 1024];
    private final List<RtmpMessage> received = new ArrayList<>();
    private int streamId = 1;
    private RtmpMessage.Command lastStatus;

    /** Connects to {@code 127.0.0.1:port}. */
    public RtmpClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    public RtmpClient(String host, int port) throws IOException {
        this(new Socket(host, port));
    }

    /** Over a socket already connected (and perhaps already past a PROXY protocol header or a TLS handshake). */
    public RtmpClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true); // a frame leaves when it is written: the bench measures from that moment
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The connection, for a test that ends it its own way (a reset, a half close). */
    public Socket socket() {
        return socket;
    }

    public void handshake() throws IOException {
        outbound.clear();
        protocol.start(outbound);
        flush();
        while (!protocol.handshakeDone()) {
            readSome();
            decodeInbound();
        }
    }

    /** Handshake, connect to the {@code live} application, createStream, publish; returns the publish onStatus code. */
    public String publish(String streamKey) throws IOException {
        return publish("live", "rtmp://127.0.0.1/live", streamKey);
    }

    /**
     * Handshake, connect to {@code app}, createStream, publish {@code streamKey} (which may carry
     * {@code ?token=...}); returns the code of the server's publish onStatus, e.g. {@link #PUBLISH_START}.
     * A refused connect throws.
     */
    public String publish(String app, String tcUrl, String streamKey) throws IOException {
        handshake();
        call(RtmpCommands.connect(protocol.nextTransaction(), app, tcUrl));
        RtmpMessage.Command created = call(RtmpCommands.createStream(protocol.nextTransaction()));
        if (created.args().size() > 1 && created.args().get(1) instanceof Number id) {
            streamId = id.intValue();
        }
        send(RtmpCommands.publish(protocol.nextTransaction(), streamId, streamKey, "live"));
        lastStatus = (RtmpMessage.Command) awaitMessage(RtmpClientProtocol::isOnStatus);
        return RtmpClientProtocol.statusCode(lastStatus);
    }

    /** The description of the last publish onStatus, for a message to the operator. */
    public String lastStatusDescription() {
        return lastStatus == null ? null : RtmpClientProtocol.infoField(lastStatus, "description");
    }

    /** The message stream id the server gave in createStream's result: where media goes. */
    public int streamId() {
        return streamId;
    }

    /** Sends a command and waits for its {@code _result}; an {@code _error} throws with the server's description. */
    private RtmpMessage.Command call(RtmpMessage.Command command) throws IOException {
        send(command);
        RtmpMessage.Command reply = (RtmpMessage.Command) awaitMessage(m -> RtmpClientProtocol.isAnswer(m, command.transactionId()));
        if (reply.name().equals("_error")) {
            throw new IOException(command.name() + " refused: " + RtmpClientProtocol.statusCode(reply) + " " + RtmpClientProtocol.infoField(reply, "description"));
        }
        return reply;
    }

    /** Spec 5.4.1: from now on messages to the server are split at {@code size} bytes. */
    public void setChunkSize(int size) throws IOException {
        send(new RtmpMessage.SetChunkSize(size));
    }

    public void send(RtmpMessage message) throws IOException {
        outbound.clear();
        protocol.send(message, outbound);
        flush();
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads until a message matches (answering pings and acknowledging meanwhile); fails if the server closes first. */
    public RtmpMessage awaitMessage(Predicate<RtmpMessage> wanted) throws IOException {
        while (true) {
            for (Iterator<RtmpMessage> it = received.iterator(); it.hasNext(); ) {
                RtmpMessage m = it.next();
                if (wanted.test(m)) {
                    it.remove();
                    return m;
                }
            }
            readSome();
            decodeInbound();
        }
    }

    /**
     * Handles whatever the server sent since the last call without blocking: answers pings, sends
     * the acknowledgements its window asks for; an onStatus error (the server ending the publish)
     * throws with its code and description. For a publisher between frames.
     */
    public void serviceInbound() throws IOException {
        int available = in.available();
        if (available <= 0) {
            return;
        }
        int n = in.read(readBuffer, 0, Math.min(available, readBuffer.length));
        if (n < 0) {
            throw new IOException("the server closed the connection");
        }
        inbound.writeBytes(readBuffer, 0, n);
        decodeInbound();
        for (Iterator<RtmpMessage> it = received.iterator(); it.hasNext(); ) {
            if (it.next() instanceof RtmpMessage.Command c && RtmpClientProtocol.isOnStatus(c)
                    && "error".equals(RtmpClientProtocol.infoField(c, "level"))) {
                throw new IOException("the server ended the publish: " + RtmpClientProtocol.statusCode(c) + " " + RtmpClientProtocol.infoField(c, "description"));
            }
            it.remove(); // acknowledgements, bandwidth, status notes: nothing a publisher waits for
        }
    }

    /** True once the server has closed the connection (reads until end of stream or reset). */
    public boolean awaitClosedByServer() {
        try {
            while (in.read(readBuffer) >= 0) {
                // drain what the server still sends
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void readSome() throws IOException {
        int n = in.read(readBuffer);
        if (n < 0) {
            throw new IOException("server closed the connection; got " + received);
        }
        inbound.writeBytes(readBuffer, 0, n);
    }

    /** Hands the server's bytes to the protocol: the handshake, then whole messages; its answers go out at once. */
    private void decodeInbound() throws IOException {
        outbound.clear();
        protocol.feed(inbound, outbound, received::add);
        inbound.discardReadBytes();
        flush();
    }

    private void flush() throws IOException {
        out.write(outbound.array(), outbound.arrayOffset() + outbound.readerIndex(), outbound.readableBytes());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
