package io.livestream.launcher.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * N players of one stream over WebSocket-FLV or HTTP-FLV: delivered Mbps, time to first
 * keyframe, and (with the server's pid) the server's CPU and memory per viewer.
 */
@Command(name = "viewers", mixinStandardHelpOptions = true,
        description = "Open N FLV viewers of a stream and report throughput, time to first keyframe and server cost.")
final class ViewersBench implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "ws://127.0.0.1:8080/live/NAME.flv or http://...")
    URI url;

    @Option(names = "--viewers", defaultValue = "100", description = "Number of viewers (default ${DEFAULT-VALUE})")
    int viewers;

    @Option(names = "--duration", defaultValue = "20s", converter = io.livestream.launcher.Durations.class,
            description = "Measured window after every viewer joined (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--ramp", defaultValue = "2s", converter = io.livestream.launcher.Durations.class,
            description = "Spread the joins over this time (default ${DEFAULT-VALUE})")
    Duration ramp;

    @Option(names = "--settle", defaultValue = "3s", converter = io.livestream.launcher.Durations.class,
            description = "Wait after the last join before measuring (default ${DEFAULT-VALUE})")
    Duration settle;

    @Option(names = "--server-pid", defaultValue = "0", description = "Server process id, to read its CPU and RSS from /proc")
    long serverPid;

    @Option(names = "--probes", defaultValue = "50", description = "Viewers that parse every tag to measure delay from the clock cue points (default ${DEFAULT-VALUE})")
    int probes;

    @Override
    public Integer call() throws Exception {
        String host = url.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]")) {
            System.err.println("bench: loopback targets only (127.0.0.1, localhost)");
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024).setMaxConnections(viewers + 10));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
                new PoolOptions().setHttp1MaxSize(viewers + 10));
        try {
            ProcStats idle = serverPid > 0 ? ProcStats.read(serverPid) : null;
            List<BenchViewer> all = new ArrayList<>();
            long rampNanos = ramp.toNanos();
            long start = System.nanoTime();
            for (int i = 0; i < viewers; i++) {
                long due = start + rampNanos * i / Math.max(1, viewers);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                BenchViewer v = new BenchViewer(i < probes);
                all.add(v);
                vertx.runOnContext(x -> v.start(url, ws, http));
            }
            Thread.sleep(settle.toMillis());

            all.forEach(v -> {
                v.bytesAtWindowStart = v.bytes;
                v.measuring = true;
            });
            ProcStats before = serverPid > 0 ? ProcStats.read(serverPid) : null;
            long windowStart = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            ProcStats after = serverPid > 0 ? ProcStats.read(serverPid) : null;

            report(all, seconds, idle, before, after);
            return all.stream().allMatch(v -> v.failure == null) ? 0 : 1;
        } finally {
            vertx.close().await();
        }
    }

    private void report(List<BenchViewer> all, double seconds, ProcStats idle, ProcStats before, ProcStats after) {
        List<BenchViewer> ok = all.stream().filter(v -> v.failure == null && v.firstKeyframeNanos >= 0).toList();
        double[] mbps = ok.stream().mapToDouble(v -> (v.bytes - v.bytesAtWindowStart) * 8 / seconds / 1e6).sorted().toArray();
        double[] ttfk = ok.stream().mapToDouble(BenchViewer::firstKeyframeMs).sorted().toArray();
        double total = Arrays.stream(mbps).sum();
        StringBuilder out = new StringBuilder();
        line(out, "url", url.toString());
        line(out, "viewers", "%d asked, %d playing, %d failed", all.size(), ok.size(), all.size() - ok.size());
        all.stream().filter(v -> v.failure != null).map(v -> v.failure).distinct().limit(5)
                .forEach(f -> line(out, "  failure", f));
        line(out, "window", "%.1f s", seconds);
        line(out, "delivered", "%.1f Mbps total; per viewer min %.3f, median %.3f Mbps", total, pct(mbps, 0), pct(mbps, 50));
        line(out, "first keyframe", "p50 %.1f ms, p99 %.1f ms, max %.1f ms (from starting the connect)", pct(ttfk, 50), pct(ttfk, 99), pct(ttfk, 100));
        double[] afterOpen = ok.stream().mapToDouble(BenchViewer::firstKeyframeAfterOpenMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
        line(out, "  after upgrade", "p50 %.1f ms, p99 %.1f ms, max %.1f ms (from the upgrade response)",
                pct(afterOpen, 50), pct(afterOpen, 99), pct(afterOpen, 100));
        double[] delays = all.stream().flatMap(v -> List.copyOf(v.delaysMs).stream()).mapToDouble(Long::doubleValue).sorted().toArray();
        line(out, "server delay", "p50 %.0f ms, p99 %.0f ms, max %.0f ms (ingest receive to viewer receive, %d keyframes at %d probes)",
                pct(delays, 50), pct(delays, 99), pct(delays, 100), delays.length, Math.min(probes, all.size()));
        if (after != null) {
            double cpu = (after.cpuTicks() - before.cpuTicks()) / ProcStats.TICKS_PER_SECOND / seconds * 100;
            line(out, "server cpu", "%.1f %% of one core; %.4f %% per viewer", cpu, cpu / Math.max(1, ok.size()));
            line(out, "server rss", "%.1f MB (%.1f MB before viewers); %.1f KB per viewer", after.rssKb() / 1024.0,
                    idle.rssKb() / 1024.0, (after.rssKb() - idle.rssKb()) / (double) Math.max(1, ok.size()));
        }
        System.out.print(out);
    }

    private static void line(StringBuilder out, String key, String format, Object... args) {
        out.append(String.format(Locale.ROOT, "%-16s %s%n", key + ":", String.format(Locale.ROOT, format, args)));
    }

    /** The p-th percentile (nearest rank) of sorted values; NaN when empty. */
    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
