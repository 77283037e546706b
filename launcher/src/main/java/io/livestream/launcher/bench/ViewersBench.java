package io.livestream.launcher.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * N players of one stream over WebSocket-FLV or HTTP-FLV: delivered Mbps, time to first
 * keyframe, the delay the server adds (from the send times {@code bench publish} puts in every
 * video frame, else from ingest's clock cue points), and (with the server's pid) the server's CPU
 * and memory per viewer.
 */
@Command(name = "viewers", mixinStandardHelpOptions = true,
        description = "Open N FLV viewers of a stream and report throughput, time to first keyframe, server-added delay and server cost.")
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

    @Option(names = "--probes", defaultValue = "50", description = "Viewers that parse every tag to measure delay (default ${DEFAULT-VALUE})")
    int probes;

    @Option(names = "--baseline", defaultValue = "5s", converter = io.livestream.launcher.Durations.class,
            description = "With --server-pid: before the viewers join, measure the server's CPU with no viewers for this long (default ${DEFAULT-VALUE}; 0 skips it)")
    Duration baseline;

    @Option(names = "--role", description = "NAME=PID of a server process whose CPU to report besides --server-pid (repeatable: "
            + "the roles of a cluster, each on a line of its own, then their total)")
    List<String> roles = new ArrayList<>();

    @Option(names = "--via-play-api", description = "Each viewer first asks the gateway of --url where to play "
            + "(GET /api/play/<stream>) and plays the URL it answers, as the watch page does")
    boolean viaPlayApi;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String host = url.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("[::1]")) {
            spec.commandLine().getErr().println("bench: loopback targets only (127.0.0.1, localhost)");
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024).setMaxConnections(viewers + 10));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
                new PoolOptions().setHttp1MaxSize(viewers + 10));
        List<Role> measured = new ArrayList<>();
        for (String role : roles) {
            String[] nameAndPid = role.split("=", 2);
            if (nameAndPid.length != 2 || !nameAndPid[1].matches("[0-9]+")) {
                spec.commandLine().getErr().println("bench: --role takes NAME=PID, not " + role);
                return 2;
            }
            measured.add(new Role(nameAndPid[0], Long.parseLong(nameAndPid[1])));
        }
        try {
            ProcStats idle = serverPid > 0 ? ProcStats.read(serverPid) : null;
            Baseline noViewers = null;
            if (idle != null && !baseline.isZero()) {
                long from = System.nanoTime();
                Thread.sleep(baseline.toMillis());
                double seconds = (System.nanoTime() - from) / 1e9;
                ProcStats end = ProcStats.read(serverPid);
                noViewers = new Baseline(cpuPercent(idle, end, seconds), seconds);
                idle = end;
            }
            List<BenchViewer> all = rampUp(vertx, ws, http);
            Thread.sleep(settle.toMillis());

            all.forEach(v -> {
                v.bytesAtWindowStart = v.bytes;
                v.measuring = true;
            });
            ProcStats before = serverPid > 0 ? ProcStats.read(serverPid) : null;
            measured.forEach(Role::start);
            long windowStart = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            ProcStats after = serverPid > 0 ? ProcStats.read(serverPid) : null;
            measured.forEach(Role::end);

            all.forEach(v -> v.measuring = false);
            report(all, seconds, idle, noViewers, before, after);
            reportRoles(measured, seconds, all.stream().filter(v -> v.failure == null && v.firstKeyframeNanos >= 0).count());
            return all.stream().allMatch(v -> v.failure == null) ? 0 : 1;
        } finally {
            vertx.close().await();
        }
    }

    /** Opens the viewers spread evenly over the ramp, each resolving its URL through /api/play when asked to. */
    private List<BenchViewer> rampUp(Vertx vertx, WebSocketClient ws, HttpClient http) throws InterruptedException {
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
            vertx.runOnContext(x -> (viaPlayApi ? PlayApi.resolve(http, url) : Future.succeededFuture(url))
                    .onSuccess(target -> v.start(target, ws, http))
                    .onFailure(e -> v.failure = "play api: " + e.getMessage()));
        }
        return all;
    }

    /** The server's CPU over {@code seconds} before any viewer joined, the stream publishing. */
    private record Baseline(double cpuPercent, double seconds) {
    }

    /** A process of the cluster under test, its CPU read at the start and the end of the window. */
    private static final class Role {
        final String name;
        final long pid;
        ProcStats start;
        ProcStats end;

        Role(String name, long pid) {
            this.name = name;
            this.pid = pid;
        }

        void start() {
            start = ProcStats.read(pid);
        }

        void end() {
            end = ProcStats.read(pid);
        }
    }

    private void reportRoles(List<Role> measured, double seconds, long playing) {
        if (measured.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder();
        double total = 0;
        for (Role role : measured) {
            double cpu = cpuPercent(role.start, role.end, seconds);
            total += cpu;
            line(out, "role " + role.name, "%.1f %% of one core; %.4f %% per viewer", cpu, cpu / Math.max(1, playing));
        }
        line(out, "roles total", "%.1f %% of one core; %.4f %% per viewer", total, total / Math.max(1, playing));
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
    }

    static double cpuPercent(ProcStats from, ProcStats to, double seconds) {
        return (to.cpuTicks() - from.cpuTicks()) / ProcStats.TICKS_PER_SECOND / seconds * 100;
    }

    private void report(List<BenchViewer> all, double seconds, ProcStats idle, Baseline noViewers, ProcStats before, ProcStats after) {
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
        line(out, "first keyframe", "%s (from starting the connect)", percentiles(ttfk));
        double[] afterOpen = ok.stream().mapToDouble(BenchViewer::firstKeyframeAfterOpenMs).filter(d -> !Double.isNaN(d)).sorted().toArray();
        line(out, "  after upgrade", "%s (from the upgrade response)", percentiles(afterOpen));
        int probing = Math.min(probes, all.size());
        boolean fromSei = all.stream().anyMatch(v -> !v.sent.videoMs.isEmpty());
        Function<BenchViewer, BenchViewer.Delays> source = fromSei ? v -> v.sent : v -> v.clock;
        double[] video = sorted(all, v -> source.apply(v).videoMs);
        double[] audio = sorted(all, v -> source.apply(v).audioMs);
        line(out, "server delay", "%s (%s; %d %s at %d probes)", percentiles(video),
                fromSei ? "publisher send to viewer receive, from the send-time SEI"
                        : "no send-time SEI in the stream: ingest receive to viewer receive, from the clock cue points",
                video.length, fromSei ? "video frames" : "keyframes", probing);
        line(out, "  audio", "%s (%d audio frames, send time through the latest %s)", percentiles(audio), audio.length,
                fromSei ? "video frame's" : "clock cue point's");
        if (after != null) {
            double cpu = cpuPercent(before, after, seconds);
            int playing = Math.max(1, ok.size());
            line(out, "server cpu", "%.1f %% of one core; %.4f %% per viewer", cpu, cpu / playing);
            if (noViewers != null) {
                line(out, "  no viewers", "%.1f %% of one core over %.1f s before the viewers joined; %.4f %% per viewer above the no-viewer baseline",
                        noViewers.cpuPercent(), noViewers.seconds(), (cpu - noViewers.cpuPercent()) / playing);
            }
            line(out, "server rss", "%.1f MB (%.1f MB before viewers); %.1f KB per viewer", after.rssKb() / 1024.0,
                    idle.rssKb() / 1024.0, (after.rssKb() - idle.rssKb()) / (double) Math.max(1, ok.size()));
        }
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
    }

    static String percentiles(double[] sortedMs) {
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", pct(sortedMs, 50), pct(sortedMs, 99), pct(sortedMs, 100));
    }

    private static double[] sorted(List<BenchViewer> viewers, Function<BenchViewer, List<Double>> samples) {
        return viewers.stream().flatMap(v -> List.copyOf(samples.apply(v)).stream()).mapToDouble(Double::doubleValue).sorted().toArray();
    }

    static void line(StringBuilder out, String key, String format, Object... args) {
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
