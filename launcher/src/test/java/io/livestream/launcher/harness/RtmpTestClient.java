package io.livestream.launcher.harness;

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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A blocking RTMP client over a plain socket, built from media-core's codecs: publishes like
 * ffmpeg does, or sends whatever bytes a test wants to see the server survive.
 */
public final class RtmpTestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ChunkEncoder encoder = new ChunkEncoder();
    private final ChunkDecoder decoder = new ChunkDecoder(RtmpLimits.defaults());
    private final ByteBuf inbound = Unpooled.buffer();
    private final List<RtmpMessage> received = new ArrayList<>();
    private double nextTx = 1;

    public RtmpTestClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public void handshake() throws IOException {
        HandshakeClient hs = new HandshakeClient();
        ByteBuf o = Unpooled.buffer();
        hs.start(o);
        flush(o);
        byte[] buf = new byte[8192];
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("server closed during handshake");
            }
            inbound.writeBytes(buf, 0, n);
            ByteBuf reply = Unpooled.buffer();
            boolean done = hs.feed(inbound, reply);
            flush(reply);
            if (done) {
                return;
            }
        }
    }

    /** Handshake, connect to {@code live}, createStream, publish; returns the publish onStatus code. */
    public String publish(String streamKey) throws IOException {
        handshake();
        send(RtmpCommands.connect(nextTx++, "live", "rtmp://127.0.0.1/live"));
        awaitMessage(m -> m instanceof RtmpMessage.Command c && c.name().equals("_result"));
        send(RtmpCommands.createStream(nextTx++));
        awaitMessage(m -> m instanceof RtmpMessage.Command c && c.name().equals("_result"));
        send(RtmpCommands.publish(nextTx++, 1, streamKey, "live"));
        RtmpMessage status = awaitMessage(m -> m instanceof RtmpMessage.Command c && c.name().equals("onStatus"));
        return statusCode((RtmpMessage.Command) status);
    }

    public static String statusCode(RtmpMessage.Command onStatus) {
        for (Object arg : onStatus.args()) {
            if (arg instanceof Map<?, ?> info && info.get("code") instanceof String code) {
                return code;
            }
        }
        return null;
    }

    public void send(RtmpMessage message) throws IOException {
        ByteBuf o = Unpooled.buffer();
        encoder.encode(message, o);
        if (message instanceof RtmpMessage.SetChunkSize s) {
            encoder.setChunkSize(s.size());
        }
        flush(o);
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads until a message matches; fails if the server closes first. */
    public RtmpMessage awaitMessage(Predicate<RtmpMessage> wanted) throws IOException {
        byte[] buf = new byte[8192];
        while (true) {
            for (RtmpMessage m : received) {
                if (wanted.test(m)) {
                    received.remove(m);
                    return m;
                }
            }
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("server closed the connection; got " + received);
            }
            inbound.writeBytes(buf, 0, n);
            decoder.decode(inbound, received::add);
            inbound.discardReadBytes();
        }
    }

    /** True once the server has closed the connection (reads until end of stream or reset). */
    public boolean awaitClosedByServer() {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // drain what the server still sends
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private void flush(ByteBuf o) throws IOException {
        byte[] bytes = new byte[o.readableBytes()];
        o.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
