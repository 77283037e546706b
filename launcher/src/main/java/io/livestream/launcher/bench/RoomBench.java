package io.livestream.launcher.bench;

import io.livestream.common.auth.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * M members in one room, K of them each sending one danmaku a second (the per-user limit):
 * delivered messages per second, delivery delay from send to every member, and with the server's
 * pid its CPU and memory per connection.
 */
@Command(name = "room", mixinStandardHelpOptions = true, description = "Load one room: M members, K danmaku per second.")
final class RoomBench implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "ws://127.0.0.1:8080/ws/room/NAME")
    URI url;

    @Option(names = "--members", defaultValue = "500", description = "Members in the room (default ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rate", defaultValue = "20", description = "Danmaku per second in the room (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "20s", converter = io.livestream.launcher.Durations.class,
            description = "Measured window (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}", description = "The server's secret, to mint the members' tokens (env LIVE_JWT_SECRET)")
    String jwtSecret;

    @Option(names = "--server-pid", defaultValue = "0", description = "Server process id, to read its CPU and RSS from /proc")
    long serverPid;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private long[] delays = new long[1 << 16];
    private int delayCount;
    private volatile boolean measuring;

    @Override
    public Integer call() throws Exception {
        if (!url.getHost().equals("127.0.0.1") && !url.getHost().equals("localhost")) {
            System.err.println("bench: loopback targets only");
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Tokens tokens = new Tokens(vertx, jwtSecret);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(members + 10).setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024));
        ProcStats idle = serverPid > 0 ? ProcStats.read(serverPid) : null;
        List<ClientWebSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < members; i++) {
                sockets.add(join(client, tokens, i));
            }
            Thread.sleep(2000);
            ProcStats before = serverPid > 0 ? ProcStats.read(serverPid) : null;
            measuring = true;
            long start = System.nanoTime();
            int senders = Math.min(rate, members);
            long periodMs = Math.max(1, 1000 / Math.max(1, senders));
            int[] next = {0};
            long timer = vertx.setPeriodic(periodMs, id -> {
                ClientWebSocket ws = sockets.get(next[0]++ % senders);
                ws.writeTextMessage(new JsonObject().put("type", "danmaku").put("text", "t=" + System.nanoTime()).encode());
            });
            Thread.sleep(duration.toMillis());
            vertx.cancelTimer(timer);
            double seconds = (System.nanoTime() - start) / 1e9;
            ProcStats after = serverPid > 0 ? ProcStats.read(serverPid) : null;
            measuring = false;
            System.out.print(report(seconds, 1000.0 / periodMs, senders, idle, before, after));
            return 0;
        } finally {
            vertx.close().await();
        }
    }

    /** Member {@code i}, connected: it counts the measured danmaku it receives and their delay. */
    private ClientWebSocket join(WebSocketClient client, Tokens tokens, int i) {
        String token = tokens.mint(new JsonObject().put("role", "viewer").put("nick", "m" + i), "bench-" + i, Duration.ofHours(1));
        ClientWebSocket ws = client.webSocket();
        ws.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            if ("error".equals(m.getString("type"))) {
                errors.incrementAndGet();
            }
            if (!"batch".equals(m.getString("type")) || !measuring) {
                return;
            }
            long now = System.nanoTime();
            m.getJsonArray("events").forEach(o -> {
                String t = ((JsonObject) o).getString("text");
                if (t != null && t.startsWith("t=")) {
                    delivered.incrementAndGet();
                    recordDelay(now - Long.parseLong(t.substring(2)));
                }
            });
        });
        ws.connect(url.getPort(), url.getHost(), url.getRawPath() + "?token=" + token).await();
        return ws;
    }

    private synchronized void recordDelay(long nanos) {
        if (delayCount == delays.length) {
            delays = Arrays.copyOf(delays, delays.length * 2);
        }
        delays[delayCount++] = nanos;
    }

    private synchronized String report(double seconds, double sentPerSecond, int senders, ProcStats idle, ProcStats before, ProcStats after) {
        double[] sorted = toDouble(Arrays.copyOf(delays, delayCount));
        Arrays.sort(sorted);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "members:        %d; %.0f danmaku/s sent, by %d members in turn%n",
                members, sentPerSecond, senders));
        out.append(String.format(Locale.ROOT, "delivered:      %.0f messages/s to members (%d errors)%n", delivered.get() / seconds, errors.get()));
        out.append(String.format(Locale.ROOT, "delivery delay: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ViewersBench.pct(sorted, 50) / 1e6, ViewersBench.pct(sorted, 99) / 1e6, ViewersBench.pct(sorted, 100) / 1e6));
        if (after != null) {
            double cpu = (after.cpuTicks() - before.cpuTicks()) / ProcStats.TICKS_PER_SECOND / seconds * 100;
            out.append(String.format(Locale.ROOT, "server cpu:     %.1f %% of one core; %.4f %% per connection%n", cpu, cpu / members));
            out.append(String.format(Locale.ROOT, "server rss:     %.1f MB; %.1f KB per connection%n", after.rssKb() / 1024.0,
                    (after.rssKb() - idle.rssKb()) / (double) members));
        }
        return out.toString();
    }

    private static double[] toDouble(long[] values) {
        return Arrays.stream(values).asDoubleStream().toArray();
    }
}
