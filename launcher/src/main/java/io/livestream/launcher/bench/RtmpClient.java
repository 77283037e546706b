package io.livestream.launcher.bench;

import io.livestream.media.rtmp.ChunkDecoder;
import io.livestream.media.rtmp.ChunkEncoder;
import io.livestream.media.rtmp.HandshakeClient;
import io.livestream.media.rtmp.RtmpCommands;
import io.livestream.media.rtmp.RtmpLimits;
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
import java.util.Map;
import java.util.function.Predicate;

/**
 * A blocking RTMP client over a plain socket, built from media-core's codecs: publishes as ffmpeg
 * does (the bench publisher), or sends whatever bytes a test wants to see a server survive. Not
 * thread-safe: one thread drives it.
 */
public final class RtmpClient implements AutoCloseable {
    public static final String PUBLISH_START = "NetStream.Publish.Start";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
    private final ByteBuf inbound = Unpooled.buffer();
    private final ByteBuf outbound = Unpooled.buffer();
    private final byte[] readBuffer = new byte[16 * 1024];
    private final List<RtmpMessage> received = new ArrayList<>();
    private double nextTx = 1;
    /** The server's acknowledgement window (spec 5.4.4); 0 until it sends one. */
    private long peerWindow;
    private long lastAcked;
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
        HandshakeClient hs = new HandshakeClient();
        outbound.clear();
        hs.start(outbound);
        flush();
        while (true) {
            readSome();
            outbound.clear();
            boolean done = hs.feed(inbound, outbound);
            flush();
            if (done) {
                return;
            }
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
        call(RtmpCommands.connect(nextTx++, app, tcUrl));
        RtmpMessage.Command created = call(RtmpCommands.createStream(nextTx++));
        if (created.args().size() > 1 && created.args().get(1) instanceof Number id) {
            streamId = id.intValue();
        }
        send(RtmpCommands.publish(nextTx++, streamId, streamKey, "live"));
        lastStatus = (RtmpMessage.Command) awaitMessage(RtmpClient::isOnStatus);
        return statusCode(lastStatus);
    }

    /** The description of the last publish onStatus, for a message to the operator. */
    public String lastStatusDescription() {
        return lastStatus == null ? null : statusField(lastStatus, "description");
    }

    /** The message stream id the server gave in createStream's result: where media goes. */
    public int streamId() {
        return streamId;
    }

    /** Sends a command and waits for its {@code _result}; an {@code _error} throws with the server's description. */
    private RtmpMessage.Command call(RtmpMessage.Command command) throws IOException {
        send(command);
        RtmpMessage.Command reply = (RtmpMessage.Command) awaitMessage(m -> m instanceof RtmpMessage.Command c
                && (c.name().equals("_result") || c.name().equals("_error")) && c.transactionId() == command.transactionId());
        if (reply.name().equals("_error")) {
            throw new IOException(command.name() + " refused: " + statusField(reply, "code") + " " + statusField(reply, "description"));
        }
        return reply;
    }

    /** Spec 5.4.1: from now on messages to the server are split at {@code size} bytes. */
    public void setChunkSize(int size) throws IOException {
        send(new RtmpMessage.SetChunkSize(size));
    }

    public void send(RtmpMessage message) throws IOException {
        outbound.clear();
        encoder.encode(message, outbound);
        if (message instanceof RtmpMessage.SetChunkSize s) {
            encoder.setChunkSize(s.size());
        }
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
            if (it.next() instanceof RtmpMessage.Command c && isOnStatus(c) && "error".equals(statusField(c, "level"))) {
                throw new IOException("the server ended the publish: " + statusCode(c) + " " + statusField(c, "description"));
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

    public static String statusCode(RtmpMessage.Command onStatus) {
        return statusField(onStatus, "code");
    }

    private static String statusField(RtmpMessage.Command command, String field) {
        for (Object arg : command.args()) {
            if (arg instanceof Map<?, ?> info && info.get(field) instanceof String value) {
                return value;
            }
        }
        return null;
    }

    private static boolean isOnStatus(RtmpMessage m) {
        return m instanceof RtmpMessage.Command c && c.name().equals("onStatus");
    }

    private void readSome() throws IOException {
        int n = in.read(readBuffer);
        if (n < 0) {
            throw new IOException("server closed the connection; got " + received);
        }
        inbound.writeBytes(readBuffer, 0, n);
    }

    /** Decodes whole messages; the chunk size and aborts the decoder applies itself. */
    private void decodeInbound() throws IOException {
        List<RtmpMessage> replies = new ArrayList<>();
        decoder.decode(inbound, m -> {
            if (m instanceof RtmpMessage.WindowAckSize w) {
                peerWindow = w.size();
            } else if (m instanceof RtmpMessage.UserControl u && u.eventType() == RtmpMessage.UserControl.PING_REQUEST) {
                replies.add(new RtmpMessage.UserControl(RtmpMessage.UserControl.PING_RESPONSE, u.value(), 0));
            }
            received.add(m);
        });
        inbound.discardReadBytes();
        long bytes = decoder.bytesReceived();
        if (peerWindow > 0 && bytes - lastAcked >= peerWindow) { // spec 5.4.3
            lastAcked = bytes;
            replies.add(new RtmpMessage.Acknowledgement(bytes & 0xFFFFFFFFL));
        }
        for (RtmpMessage reply : replies) {
            send(reply);
        }
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
