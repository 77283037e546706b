package io.livestream.relay;

import io.livestream.fanout.FanoutConfig;
import io.livestream.common.auth.JwtKeys;
import io.livestream.common.bus.Addresses;
import io.livestream.common.bus.MediaCodecs;
import io.livestream.common.bus.MediaSnapshot;
import io.livestream.common.registry.StreamInfo;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay role's own HTTP server bounds what a viewer may send: viewers only read. A raw socket
 * plays a live stream over WebSocket (RFC 6455) and sends one binary message.
 */
class RelayServerLimitsTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void aViewerAnnouncingMoreThanAControlSizedMessageIsClosedAtOnce() throws Exception {
        // Vert.x may write its 1009 close frame or just close the connection (1006): either way at once,
        // where Vert.x's default 64 KiB frames would have the relay wait for the 16 KiB (a read timeout here)
        assertThat(closeCodeAfterAnnouncing(16 * 1024)).isIn(1009, 1006);
    }

    @Test
    void serverOptionsBoundViewerMessagesAndKeepTheHttpDefaults() {
        var options = RelayVerticle.serverOptions(64 * 1024);
        assertThat(options.getMaxWebSocketFrameSize()).isEqualTo(4096);
        assertThat(options.getMaxWebSocketMessageSize()).isEqualTo(4096);
        assertThat(options.getMaxHeaderSize()).isEqualTo(8192);
        assertThat(options.getMaxInitialLineLength()).isEqualTo(4096);
    }

    /**
     * Plays {@code quiet} (live, no media yet) on a relay, sends the header of a binary frame of {@code size}
     * bytes (the relay refuses it on the header, before the payload), returns the close code.
     */
    private int closeCodeAfterAnnouncing(int size) throws IOException {
        RelayVerticle relay = new RelayVerticle(FanoutConfig.defaults(), "127.0.0.1", 0, 64 * 1024, "relay-test", "http://127.0.0.1", null,
                JwtKeys.ofSecret("relay-test-secret-0123456789-abcdefghij"), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                HealthChecks.create(vertx), Duration.ZERO);
        MediaCodecs.register(vertx.eventBus());
        // the stream's ingest node: an empty snapshot, so the viewer is upgraded and waits for media
        vertx.eventBus().consumer(Addresses.snapshot("quiet"), m -> m.reply(new MediaSnapshot(1, 0, List.of())));
        StreamInfo quiet = new StreamInfo("quiet", "ingest-test", 1, System.currentTimeMillis(), StreamInfo.Video.NONE,
                StreamInfo.Audio.NONE, 0, false, "192.0.2.10");
        StreamRegistry.open(vertx).compose(registry -> registry.renew(quiet, Duration.ofMinutes(1)))
                .compose(v -> vertx.deployVerticle(relay)).await();
        try (Socket socket = new Socket("127.0.0.1", relay.actualPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /live/quiet.flv HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(readLine(in)).isEqualTo("HTTP/1.1 101 Switching Protocols");
            while (!readLine(in).isEmpty()) {
                // the rest of the response head
            }
            out.write(new byte[] {(byte) 0x82, (byte) (0x80 | 126), (byte) (size >>> 8), (byte) size, 1, 2, 3, 4}); // RFC 6455 5.2
            out.flush();
            while (true) { // server frames (5.2): FLV tags until the close frame
                int first = in.read();
                if (first < 0) {
                    return 1006; // closed without a close frame (RFC 6455 7.1.5)
                }
                int opcode = first & 0x0f;
                int length = in.readUnsignedByte() & 0x7f;
                long payload = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
                byte[] data = in.readNBytes((int) payload);
                if (opcode == 0x8) {
                    return (data[0] & 0xff) << 8 | data[1] & 0xff;
                }
            }
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
