package io.livestream.launcher.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.livestream.launcher.bench.ViewersBench.cpuPercent;
import static io.livestream.launcher.bench.ViewersBench.line;
import static io.livestream.launcher.bench.ViewersBench.percentiles;

/**
 * N light LL-HLS players of one stream ({@link HlsBenchPlayer}): how soon each blocking reload is
 * answered after its part is complete, the bytes of parts fetched, and (with the server's pid) the
 * server's CPU per player, measured as {@code bench viewers} measures it for WebSocket-FLV.
 */
@Command(name = "hls", mixinStandardHelpOptions = true,
        description = "Open N LL-HLS players (blocking playlist reloads + part fetches) of a stream and report reload answer times and server cost.")
final class HlsBench implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "http://127.0.0.1:8080/live/NAME.m3u8")
    URI url;

    @Option(names = "--players", defaultValue = "100", description = "Number of players (default ${DEFAULT-VALUE})")
    int players;

    @Option(names = "--duration", defaultValue = "20s", converter = io.livestream.launcher.Durations.class,
            description = "Measured window after every player joined (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--ramp", defaultValue = "2s", converter = io.livestream.launcher.Durations.class,
            description = "Spread the joins over this time (default ${DEFAULT-VALUE})")
    Duration ramp;

    @Option(names = "--settle", defaultValue = "3s", converter = io.livestream.launcher.Durations.class,
            description = "Wait after the last join before measuring (default ${DEFAULT-VALUE})")
    Duration settle;

    @Option(names = "--server-pid", defaultValue = "0", description = "Server process id, to read its CPU and RSS from /proc")
    long serverPid;

    @Option(names = "--baseline", defaultValue = "5s", converter = io.livestream.launcher.Durations.class,
            description = "With --server-pid: the server's CPU with no players first, for this long (default ${DEFAULT-VALUE}; 0 skips it)")
    Duration baseline;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String host = url.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            spec.commandLine().getErr().println("bench: loopback targets only (127.0.0.1, localhost)");
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        // a reload and a part fetch in flight per player, each on a kept-alive connection
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(2 * players + 10));
        Map<Long, Long> firstAnswers = new ConcurrentHashMap<>();
        HlsBenchPlayer.Samples samples = new HlsBenchPlayer.Samples(
                new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
        try {
            double idleCpu = Double.NaN;
            if (serverPid > 0 && !baseline.isZero()) {
                ProcStats from = ProcStats.read(serverPid);
                long start = System.nanoTime();
                Thread.sleep(baseline.toMillis());
                idleCpu = cpuPercent(from, ProcStats.read(serverPid), (System.nanoTime() - start) / 1e9);
            }
            List<HlsBenchPlayer> all = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < players; i++) {
                long wait = start + ramp.toNanos() * i / Math.max(1, players) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                HlsBenchPlayer p = new HlsBenchPlayer(vertx, http, url, firstAnswers, samples);
                all.add(p);
                vertx.runOnContext(x -> p.start());
            }
            Thread.sleep(settle.toMillis());
            long bytesBefore = all.stream().mapToLong(p -> p.bytes).sum();
            long errorsBefore = all.stream().mapToLong(p -> p.errors).sum();
            all.forEach(p -> p.measuring = true);
            ProcStats before = serverPid > 0 ? ProcStats.read(serverPid) : null;
            long windowStart = System.nanoTime();
            Thread.sleep(duration.toMillis());
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            ProcStats after = serverPid > 0 ? ProcStats.read(serverPid) : null;
            all.forEach(p -> p.measuring = false);
            all.forEach(p -> p.stopped = true);
            long bytes = all.stream().mapToLong(p -> p.bytes).sum() - bytesBefore;
            long errors = all.stream().mapToLong(p -> p.errors).sum() - errorsBefore;
            report(all, seconds, bytes, errors, samples, idleCpu, before, after);
            return errors == 0 ? 0 : 1;
        } finally {
            vertx.close().await();
        }
    }

    private void report(List<HlsBenchPlayer> all, double seconds, long bytes, long errors, HlsBenchPlayer.Samples samples,
                        double idleCpu, ProcStats before, ProcStats after) {
        Collection<Long> afterPartEnd = samples.afterPartEnd();
        long answering = all.stream().filter(p -> p.answers > 0).count();
        StringBuilder out = new StringBuilder();
        line(out, "url", url.toString());
        line(out, "players", "%d asked, %d answered in the window, %d errors", all.size(), answering, errors);
        all.stream().map(p -> p.lastError).filter(e -> e != null).distinct().limit(5).forEach(e -> line(out, "  error", e));
        line(out, "window", "%.1f s", seconds);
        line(out, "reloads", "%d answered (%.1f per player per second)", afterPartEnd.size(), afterPartEnd.size() / seconds / Math.max(1, answering));
        line(out, "part end->answer", "%s (the part's media end on the ingest clock to the answer)", percentiles(sorted(afterPartEnd)));
        line(out, "  waited", "%s (%d reloads sent before the part's end, which waited for it)",
                percentiles(sorted(samples.waitedAfterPartEnd())), samples.waitedAfterPartEnd().size());
        line(out, "first->answer", "%s (the first answer for the same part to this one)", percentiles(sorted(samples.afterFirstAnswer())));
        line(out, "parts fetched", "%.1f Mbps total; %.3f Mbps per player", bytes * 8 / seconds / 1e6, bytes * 8 / seconds / 1e6 / Math.max(1, answering));
        if (after != null) {
            double cpu = cpuPercent(before, after, seconds);
            long n = Math.max(1, answering);
            line(out, "server cpu", "%.1f %% of one core; %.4f %% per player", cpu, cpu / n);
            if (!Double.isNaN(idleCpu)) {
                line(out, "  no players", "%.1f %% of one core before the players joined; %.4f %% per player above it", idleCpu, (cpu - idleCpu) / n);
            }
            line(out, "server rss", "%.1f MB", after.rssKb() / 1024.0);
        }
        spec.commandLine().getOut().print(out);
        spec.commandLine().getOut().flush();
    }

    private static double[] sorted(Collection<Long> samples) {
        return samples.stream().mapToDouble(Long::doubleValue).sorted().toArray();
    }
}
