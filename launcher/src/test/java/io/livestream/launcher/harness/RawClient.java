package io.livestream.launcher.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An HTTP or WebSocket client on a plain {@link Socket}, written by hand so that it can leave the
 * way real clients do when a laptop lid closes or a phone changes networks: a FIN
 * ({@link #endWithFin}) or an RST ({@link #endWithRst}), without a WebSocket close frame.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final int status;

    private RawClient(Socket socket, int status) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.status = status;
    }

    /** {@code GET path} with {@code headers}; returns once the response's head has arrived. */
    public static RawClient get(int port, String path, Map<String, String> headers) throws IOException {
        return open(port, path, headers, 0);
    }

    /** A WebSocket upgrade of {@code path} (RFC 6455 section 4.1); returns once the response's head has arrived. */
    public static RawClient webSocket(int port, String path, Map<String, String> headers) throws IOException {
        return webSocket(port, path, headers, 0);
    }

    /**
     * A WebSocket upgrade from a socket whose receive buffer is {@code receiveBufferBytes} (0: the
     * system's): a client that then stops reading is pushed back on after that much, not megabytes.
     */
    public static RawClient webSocket(int port, String path, Map<String, String> headers, int receiveBufferBytes) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Upgrade", "websocket");
        all.put("Connection", "Upgrade");
        all.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
        all.put("Sec-WebSocket-Version", "13");
        all.putAll(headers);
        return open(port, path, all, receiveBufferBytes);
    }

    private static RawClient open(int port, String path, Map<String, String> headers, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: the window is agreed then
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        OutputStream out = socket.getOutputStream();
        out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(socket.getInputStream());
        String[] statusLine = head.split("\r\n", 2)[0].split(" ");
        return new RawClient(socket, Integer.parseInt(statusLine[1]));
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    public int status() {
        return status;
    }

    /** The opcode of the next WebSocket frame from the server (1 text, 2 binary, 8 close), its payload skipped. */
    public int nextFrameOpcode() throws IOException {
        int first = readByte();
        int length = readByte() & 0x7F;
        long payload = length == 126 ? (readByte() << 8 | readByte()) : length;
        if (length == 127) {
            payload = 0;
            for (int i = 0; i < 8; i++) {
                payload = payload << 8 | readByte();
            }
        }
        in.skipNBytes(payload);
        return first & 0x0F;
    }

    /** {@code n} bytes of the response body (as they come, chunk framing included). */
    public byte[] read(int n) throws IOException {
        return in.readNBytes(n);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("closed by the server");
        }
        return b;
    }

    /** Leaves with a FIN: the socket closes, no close frame, no end of the request. */
    public void endWithFin() throws IOException {
        socket.close();
    }

    /** Leaves with an RST (SO_LINGER 0): what a killed process or a dropped NAT mapping looks like to the server. */
    public void endWithRst() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
