package io.livestream.launcher;

import io.livestream.common.net.TlsFiles;
import io.livestream.launcher.bench.RtmpClient;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Platform;
import io.livestream.launcher.harness.TestKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RTMP clients behind a TCP load balancer (PROXY protocol v1 and v2, written by hand as a
 * balancer would) are known by the address in the header: in the logs, the per-address limits
 * and, for admin tokens only, a stream's {@code publisherAddress} in {@code /api/streams}; on RTMP
 * and RTMPS. And every RTMP connection's slot comes back however the connection ends.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RtmpClientAddressTest {
    private static final String GAUGE = "live_connections_open";
    private static final String RTMP = "kind=\"rtmp\"";

    @Test
    void addressesFromProxyHeadersAreLimitedSeparatelyAndLogged() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withProxyProtocol(true)
                .withMaxConnectionsPerAddress(1).withConnectionRate(0, 1)));
             CapturedLogs logs = new CapturedLogs()) {
            int port = platform.rtmpPort();
            List<RtmpClient> held = new ArrayList<>();
            try {
                held.add(admitted(port, v1("TCP4", "203.0.113.7", "192.0.2.1")));
                held.add(admitted(port, v2(0x21, 0x11, "198.51.100.9", "192.0.2.1", true)));
                held.add(admitted(port, v2(0x21, 0x21, "2001:db8::5", "2001:db8::1", false)));
                held.add(admitted(port, v1("TCP6", "2001:db8::77", "2001:db8::1")));
                held.add(admitted(port, v2(0x20, 0x00, null, null, false))); // LOCAL (a health check): the balancer's own address
                assertThat(platform.metric(GAUGE, RTMP)).isEqualTo(5);

                for (byte[] sameAgain : List.of(v1("TCP4", "203.0.113.7", "192.0.2.1"), v1("UNKNOWN", null, null))) {
                    try (RtmpClient refused = new RtmpClient(withHeader(port, sameAgain))) {
                        assertThat(refused.awaitClosedByServer()).isTrue();
                    }
                }
                assertThat(platform.metric("live_limit_refusals_total", "limit=\"rtmp-connections-per-address\"")).isEqualTo(2);

                try (RtmpClient publisher = new RtmpClient(withHeader(port, v1("TCP4", "192.0.2.44", "192.0.2.1")))) {
                    assertThat(publisher.publish("proxied?token=" + platform.publishToken("proxied"))).isEqualTo(RtmpClient.PUBLISH_START);
                    Await.until("the publisher's address in the log", Duration.ofSeconds(10),
                            () -> logs.any("stream proxied online from rtmp 192.0.2.44:"));
                    JsonObject online = logs.json("stream proxied online");
                    assertThat(online.getString("client")).as("the online line's client as JSON").isEqualTo("192.0.2.44");
                    assertThat(online.getString("stream")).as("the online line's stream as JSON").isEqualTo("proxied");
                }
            } finally {
                for (RtmpClient c : held) {
                    c.close();
                }
            }
            Await.until("every slot back", Duration.ofSeconds(10), () -> platform.metric(GAUGE, RTMP) == 0);
        }
    }

    @Test
    void publisherAddressFromTheProxyHeaderIsListedForAdminTokensOnly() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withProxyProtocol(true)));
             RtmpClient v1 = new RtmpClient(withHeader(platform.rtmpPort(), v1("TCP4", "192.0.2.44", "192.0.2.1")));
             RtmpClient v2 = new RtmpClient(withHeader(platform.rtmpPort(), v2(0x21, 0x21, "2001:db8::5", "2001:db8::1", true)))) {
            assertThat(v1.publish("via-v1?token=" + platform.publishToken("via-v1"))).isEqualTo(RtmpClient.PUBLISH_START);
            assertThat(v2.publish("via-v2?token=" + platform.publishToken("via-v2"))).isEqualTo(RtmpClient.PUBLISH_START);
            String admin = platform.adminToken();
            JsonObject first = Await.value("via-v1 listed", Duration.ofSeconds(10), () -> platform.listedStream("via-v1", admin));
            JsonObject second = Await.value("via-v2 listed", Duration.ofSeconds(10), () -> platform.listedStream("via-v2", admin));
            assertThat(first.getString("publisherAddress")).isEqualTo("192.0.2.44");
            assertThat(second.getString("publisherAddress")).isEqualTo("2001:db8::5");
            assertThat(platform.get("/api/streams", admin).headers().firstValue("Cache-Control")).hasValue("no-store");

            // the listing is public: without an admin token it is what it was, and a token only adds to it
            String streamer = platform.running().mint(new JsonObject().put("role", "streamer").put("stream", "via-v1"),
                    "me", Duration.ofMinutes(5));
            for (String token : new String[] {null, streamer, "not-a-token", admin + "x"}) {
                for (String stream : List.of("via-v1", "via-v2")) {
                    JsonObject listed = platform.listedStream(stream, token);
                    assertThat(listed).as("%s with token %s", stream, token).isNotNull();
                    assertThat(listed.containsKey("publisherAddress")).as("%s with token %s", stream, token).isFalse();
                }
            }
        }
    }

    @Test
    void malformedProxyHeadersAndPlainRtmpAreClosedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withProxyProtocol(true)))) {
            int port = platform.rtmpPort();
            byte[] badVersion = v2(0x21, 0x11, "198.51.100.9", "192.0.2.1", false);
            badVersion[12] = 0x31; // version 3
            List<byte[]> bad = List.of(
                    "PROXY TCP4 999.0.0.1 192.0.2.1 51000 1935\r\n".getBytes(StandardCharsets.US_ASCII),
                    badVersion,
                    c0c1()); // an RTMP client that knows nothing of the balancer
            for (byte[] header : bad) {
                try (Socket socket = withHeader(port, header)) {
                    socket.setSoTimeout(10_000);
                    assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
                }
            }
            Await.until("each counted", Duration.ofSeconds(10),
                    () -> platform.metric("live_rtmp_rejected_total", "reason=\"bad-proxy-header\"") == 3);
            assertThat(platform.metric(GAUGE, RTMP)).isZero();
            try (RtmpClient good = new RtmpClient(withHeader(port, v1("TCP4", "203.0.113.7", "192.0.2.1")))) {
                assertThat(good.publish("after-bad?token=" + platform.publishToken("after-bad"))).isEqualTo(RtmpClient.PUBLISH_START);
            }
        }
    }

    @Test
    void rtmpsReadsTheProxyHeaderBeforeTheTlsHandshake(@TempDir Path dir) throws Exception {
        TestKeys.Certificate certificate = TestKeys.selfSigned(dir, "server");
        TlsFiles tls = TlsFiles.load(certificate.cert().toString(), certificate.key().toString());
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withRtmps(0, tls).withProxyProtocol(true)));
             CapturedLogs logs = new CapturedLogs()) {
            Socket raw = withHeader(platform.rtmpsPort(), v2(0x21, 0x11, "198.51.100.23", "192.0.2.1", true));
            SSLSocket tlsSocket = (SSLSocket) certificate.sslContext().getSocketFactory().createSocket(raw, "127.0.0.1", platform.rtmpsPort(), true);
            tlsSocket.startHandshake();
            try (RtmpClient publisher = new RtmpClient(tlsSocket)) {
                assertThat(publisher.publish("secure?token=" + platform.publishToken("secure"))).isEqualTo(RtmpClient.PUBLISH_START);
                Await.until("the address from the header in the log", Duration.ofSeconds(10),
                        () -> logs.any("stream secure online from rtmp 198.51.100.23:"));
                String admin = platform.adminToken();
                assertThat(Await.value("secure listed", Duration.ofSeconds(10), () -> platform.listedStream("secure", admin))
                        .getString("publisherAddress")).isEqualTo("198.51.100.23");
            }
        }
    }

    @Test
    void everySlotComesBackHoweverTheConnectionEnds() throws Exception {
        int cap = 3;
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withMaxConnectionsPerAddress(cap)
                .withConnectionRate(0, 1).withTimeouts(Duration.ofMillis(800), Duration.ofMillis(800))))) {
            int port = platform.rtmpPort();
            for (int round = 0; round < 4; round++) {
                // a full house each round, ended by the client: RST, FIN mid-handshake, FIN after it
                List<Socket> rst = new ArrayList<>();
                for (int i = 0; i < cap; i++) {
                    RtmpClient c = admitted(port, null);
                    rst.add(c.socket());
                }
                rst.get(0).setSoLinger(true, 0);
                rst.get(0).close();
                rst.get(1).setSoLinger(true, 0);
                rst.get(1).close();
                rst.get(2).close();
                awaitSlots(platform, 0);
            }
            // ended by the server: handshake timeout, idle timeout, a protocol violation
            Socket silent = new Socket("127.0.0.1", port);
            RtmpClient idle = admitted(port, null);
            RtmpClient violator = admitted(port, null);
            violator.sendRaw(new byte[] {2, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0}); // chunk size 0
            assertThat(violator.awaitClosedByServer()).isTrue();
            assertThat(idle.awaitClosedByServer()).isTrue();
            silent.setSoTimeout(10_000);
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            awaitSlots(platform, 0);
            for (Socket s : List.of(silent, idle.socket(), violator.socket())) {
                s.close();
            }
            try (RtmpClient publisher = new RtmpClient(port)) {
                assertThat(publisher.publish("back?token=" + platform.publishToken("back"))).isEqualTo(RtmpClient.PUBLISH_START);
                awaitSlots(platform, 1);
                // without the PROXY protocol the publisher's address is the TCP peer's
                String admin = platform.adminToken();
                assertThat(Await.value("back listed", Duration.ofSeconds(10), () -> platform.listedStream("back", admin))
                        .getString("publisherAddress")).isEqualTo("127.0.0.1");
            }
            awaitSlots(platform, 0);
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"rtmp-connections-per-address\"")).isZero();
        }
    }

    @Test
    void newConnectionsOverTheRateAreRefusedAndCounted() throws Exception {
        try (Platform platform = Platform.start(s -> s.withIngest(s.ingest().withMaxConnectionsPerAddress(0).withConnectionRate(0.5, 3)))) {
            int port = platform.rtmpPort();
            for (int i = 0; i < 3; i++) {
                admitted(port, null).close();
            }
            try (RtmpClient fourth = new RtmpClient(port)) {
                assertThat(fourth.awaitClosedByServer()).isTrue();
            }
            assertThat(platform.metric("live_limit_refusals_total", "limit=\"rtmp-connection-rate\"")).isEqualTo(1);
            Await.until("a token back after two seconds", Duration.ofSeconds(10), () -> {
                try (RtmpClient later = new RtmpClient(port)) {
                    later.handshake();
                    return true;
                } catch (IOException refused) {
                    return false;
                }
            });
        }
    }

    private static void awaitSlots(Platform platform, int n) {
        Await.until(n + " rtmp slots held", Duration.ofSeconds(10), () -> platform.metric(GAUGE, RTMP) == n);
    }

    /** A client past the RTMP handshake: the server admitted it. */
    private static RtmpClient admitted(int port, byte[] header) throws IOException {
        RtmpClient client = new RtmpClient(header == null ? new Socket("127.0.0.1", port) : withHeader(port, header));
        client.handshake();
        return client;
    }

    /** RTMP's C0 and C1 (spec 5.2.2, 5.2.3): version 3, then 1536 bytes. */
    private static byte[] c0c1() {
        byte[] b = new byte[1537];
        b[0] = 3;
        return b;
    }

    private static Socket withHeader(int port, byte[] header) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(header);
        socket.getOutputStream().flush();
        return socket;
    }

    /** PROXY protocol v1: {@code PROXY TCP4|TCP6|UNKNOWN src dst sport dport\r\n}. */
    static byte[] v1(String family, String src, String dst) {
        String line = src == null ? "PROXY " + family + "\r\n" : "PROXY " + family + " " + src + " " + dst + " 51000 1935\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * PROXY protocol v2: the 12-byte signature, version and command ({@code 0x21} PROXY, {@code 0x20}
     * LOCAL), family and transport ({@code 0x11} TCP over IPv4, {@code 0x21} over IPv6), the length,
     * the addresses and ports, and with {@code tlv} a NOOP TLV that the reader skips.
     */
    static byte[] v2(int command, int family, String src, String dst, boolean tlv) throws IOException {
        byte[] addresses = src == null ? new byte[0] : concat(InetAddress.getByName(src).getAddress(), InetAddress.getByName(dst).getAddress());
        int ports = src == null ? 0 : 4;
        byte[] extra = tlv ? new byte[] {0x04, 0x00, 0x03, 1, 2, 3} : new byte[0];
        ByteBuffer b = ByteBuffer.allocate(16 + addresses.length + ports + extra.length);
        b.put(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a"));
        b.put((byte) command).put((byte) family).putShort((short) (addresses.length + ports + extra.length));
        b.put(addresses);
        if (ports > 0) {
            b.putShort((short) 51000).putShort((short) 1935);
        }
        b.put(extra);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** What the platform logs, from the moment this is made until it is closed. */
    private static final class CapturedLogs extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger("io.livestream");
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final List<JsonObject> json = new CopyOnWriteArrayList<>();

        CapturedLogs() {
            logger.addHandler(this);
        }

        boolean any(String fragment) {
            return lines.stream().anyMatch(l -> l.contains(fragment));
        }

        /** The first line whose message starts so, as {@code LIVE_LOG_FORMAT=json} writes it. */
        JsonObject json(String start) {
            return json.stream().filter(l -> l.getString("message").startsWith(start)).findFirst().orElseThrow();
        }

        @Override
        public void publish(LogRecord record) {
            lines.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            json.add(new JsonObject(new JsonLogFormatter().format(record)));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
