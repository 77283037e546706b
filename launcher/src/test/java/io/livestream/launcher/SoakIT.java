package io.livestream.launcher;

import io.livestream.common.auth.Tokens;
import io.livestream.launcher.harness.Await;
import io.livestream.launcher.harness.Ffmpeg;
import io.livestream.launcher.harness.FlvViewer;
import io.livestream.launcher.harness.RoleProcess;
import io.livestream.launcher.harness.RoomClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A bounded soak of the standalone platform, run from the jar in its own JVM with Netty's paranoid
 * leak detection and a bounded heap. For {@code -Dsoak.duration} (2m by default, the CI variant;
 * 10m for the documented run), all on 127.0.0.1:
 * <ul>
 * <li>ffmpeg publishes and drops every 30 s (SIGKILL and SIGTERM in turn); another takes over;</li>
 * <li>WebSocket-FLV viewers join at 50 a second and leave after 1-3 s; each must get a keyframe,
 *     unless its life overlapped a publisher gap;</li>
 * <li>room members flood danmaku and likes, each connection with a fresh guest token, until closed
 *     {@code 4429 abuse}, then reconnect; quiet members must keep receiving the room's batches, in order.</li>
 * </ul>
 * Then: no Netty {@code LEAK:} report, the heap after a full GC within 10% of the warmed-up baseline,
 * {@code /health} 200, and a new viewer and room member are served.
 * Runs only when {@code soak.duration} is given: on a 2-core machine the paranoid platform does not
 * yet keep up with this load (WebSocket upgrades the clients abandoned pile up), so it is not in the
 * default suite.
 */
@EnabledIfSystemProperty(named = "soak.duration", matches = ".+")
class SoakIT {
    private static final String SECRET = "soak-it-secret-0123456789-abcdefghijkl";
    private static final String STREAM = "soak";
    private static final Duration PUBLISHER_CYCLE = Duration.ofSeconds(30);
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final int VIEWERS_PER_SECOND = 50;
    private static final int FLOODERS = 4;
    private static final int QUIET_MEMBERS = 3;
    private static final double HEAP_TOLERANCE = 0.10;
    /** Paranoid leak detection keeps access records for every live buffer: at this load 256m ran out. */
    private static final List<String> PLATFORM_JVM = List.of("-Xmx512m",
            "-Dio.netty.leakDetection.level=paranoid", "-Dio.netty.leakDetection.targetRecords=2");

    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile boolean paused;

    @Test
    void platformKeepsServingAndGivesBackItsMemoryUnderChurnFloodsAndPublisherRestarts() {
        Duration duration = new Durations().convert(System.getProperty("soak.duration", "2m"));
        assertTimeoutPreemptively(duration.plus(Duration.ofMinutes(4)), () -> soak(duration));
    }

    private void soak(Duration duration) throws Exception {
        int rtmpPort = RoleProcess.freePort();
        Vertx clients = Vertx.vertx();
        Tokens tokens = new Tokens(clients, SECRET);
        try (RoleProcess platform = RoleProcess.start("standalone", PLATFORM_JVM,
                Map.of("LIVE_JWT_SECRET", SECRET, "LIVE_HOST", "127.0.0.1", "LIVE_RTMP_PORT", String.valueOf(rtmpPort)),
                "--max-viewer-connections-per-address", "0", "--max-room-connections-per-address", "0")) {
            platform.awaitHealthy(Duration.ofSeconds(60));
            long start = System.nanoTime();
            Publisher publisher = new Publisher(platform, "rtmp://127.0.0.1:" + rtmpPort + "/live/" + STREAM + "?token="
                    + tokens.mint(Tokens.ROLE_PUBLISH, STREAM, "soak", Duration.ofHours(2)));
            publisher.startAndAwaitLive();
            List<RoomClient> quiet = new ArrayList<>();
            for (int i = 0; i < QUIET_MEMBERS; i++) {
                RoomClient member = RoomClient.join(clients, platform.httpPort(), STREAM, guest(tokens, "quiet-" + i), 0);
                member.await("hello", e -> "hello".equals(e.getString("type")));
                quiet.add(member);
            }

            ViewerChurn viewers = new ViewerChurn(clients, platform.httpPort(), publisher);
            Flood flood = new Flood(clients, tokens, platform.httpPort());
            ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
            load.scheduleAtFixedRate(viewers::open, 0, 1000 / VIEWERS_PER_SECOND, TimeUnit.MILLISECONDS);
            ExecutorService flooders = Executors.newFixedThreadPool(FLOODERS);
            for (int i = 0; i < FLOODERS; i++) {
                int n = i;
                flooders.submit(() -> flood.run(n));
            }
            AtomicInteger quietStalls = new AtomicInteger();
            int[] lastCounts = new int[QUIET_MEMBERS];
            load.scheduleAtFixedRate(() -> {
                for (int i = 0; i < QUIET_MEMBERS; i++) {
                    int count = quiet.get(i).events().size();
                    if (count == lastCounts[i]) {
                        quietStalls.incrementAndGet();
                        failures.add("quiet member " + i + " received nothing for 5 s");
                    }
                    lastCounts[i] = count;
                }
            }, 5, 5, TimeUnit.SECONDS);

            sleepUntil(start, WARM_UP);
            long baseline = quiescentHeap(platform);
            long nextDrop = PUBLISHER_CYCLE.toNanos();
            while (nextDrop < duration.toNanos()) {
                sleepUntil(start, Duration.ofNanos(nextDrop));
                publisher.dropAndReconnect();
                nextDrop += PUBLISHER_CYCLE.toNanos();
            }
            sleepUntil(start, duration);

            stopping = true;
            flooders.shutdown();
            assertThat(flooders.awaitTermination(30, TimeUnit.SECONDS)).as("flooders stopped").isTrue();
            load.shutdown();
            assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).as("viewer churn stopped").isTrue();
            viewers.closeAll();
            long after = quiescentHeap(platform);

            assertThat(platform.get("/health").map(r -> r.statusCode()).orElse(0)).as("/health").isEqualTo(200);
            try (FlvViewer late = FlvViewer.watch(clients, platform.httpPort(), STREAM)) {
                late.awaitFirstKeyframe(Duration.ofSeconds(10));
            }
            try (RoomClient late = RoomClient.join(clients, platform.httpPort(), STREAM, guest(tokens, "late"), 0)) {
                late.await("hello", e -> "hello".equals(e.getString("type")));
            }
            heapAfterFullGc(platform); // a leaked buffer is reported by an allocation after the GC that found it
            Thread.sleep(1000);
            List<String> leaks = platform.output().lines().filter(l -> l.contains("LEAK:")).toList();
            int danmakuSeen = checkQuietMembers(quiet);
            quiet.forEach(RoomClient::close);
            publisher.stop();

            System.out.printf("%nsoak %s: heap after full GC %.1f MiB at %s s, %.1f MiB at the end (%+.1f%%)%n"
                            + "  viewers: %d opened, %d got a keyframe, %d in a publisher gap, %d failed%n"
                            + "  room: %d flood connections, %d danmaku and %d likes sent, %d rate-limited, closes %s;"
                            + " %d danmaku reached each quiet member%n"
                            + "  publisher: %d drops and reconnects, %d refused restarts retried; Netty LEAK reports: %d%n",
                    duration, baseline / 1048576.0, WARM_UP.toSeconds(), after / 1048576.0, 100.0 * (after - baseline) / baseline,
                    viewers.opened.sum(), viewers.served.sum(), viewers.inGap.sum(), viewers.failed.sum(),
                    flood.connections.sum(), flood.danmaku.sum(), flood.likes.sum(), flood.rateLimited.sum(), flood.closes,
                    danmakuSeen, publisher.cycles, publisher.retries, leaks.size());

            assertThat(leaks).as("Netty leak reports in the platform's log").isEmpty();
            assertThat(failures).as("failures during the soak").isEmpty();
            assertThat(quietStalls).hasValue(0);
            assertThat(viewers.served.sum()).as("viewers served").isGreaterThan(viewers.opened.sum() / 2);
            assertThat(flood.closes).as("flooders closed for abuse").containsKey("abuse");
            assertThat(after).as("heap after a full GC at the end, against %d bytes after warm-up", baseline)
                    .isLessThanOrEqualTo((long) (baseline * (1 + HEAP_TOLERANCE)));
            assertThat(platform.isAlive()).isTrue();
        } finally {
            clients.close().await();
        }
    }

    /** Events in the room's history (danmaku, gifts, notices) take consecutive numbers: a quiet member must miss none. */
    private int checkQuietMembers(List<RoomClient> quiet) {
        int danmaku = Integer.MAX_VALUE;
        for (RoomClient member : quiet) {
            assertThat(member.isClosed()).as("a quiet member was closed").isFalse();
            List<JsonObject> events = member.events();
            List<Long> seqs = events.subList(1, events.size()).stream()
                    .filter(e -> List.of("danmaku", "gift", "notice").contains(e.getString("type")))
                    .map(e -> e.getLong("seq")).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("sequence after %d", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) + 1);
            }
            danmaku = Math.min(danmaku, (int) events.stream().filter(e -> "danmaku".equals(e.getString("type"))).count());
        }
        return danmaku;
    }

    /** A viewer token, as {@code POST /api/session} gives a guest (that endpoint takes 5 a minute per address). */
    private static String guest(Tokens tokens, String id) {
        return tokens.mint(new JsonObject().put("role", "viewer").put("nick", id), "guest-" + id, Duration.ofHours(2));
    }

    /**
     * The heap in use after a full GC with the churn paused: the stream live, the quiet members in the
     * room, nobody else (viewers' write queues come and go with the load). The least of three
     * collections, since one may not settle.
     */
    private long quiescentHeap(RoleProcess platform) throws Exception {
        paused = true;
        try {
            double[] left = new double[2];
            try {
                Await.until("churned viewers and flooders gone", Duration.ofSeconds(30), () -> {
                    left[0] = platform.metric("live_viewers");
                    left[1] = platform.metric("live_gateway_room_members");
                    return left[0] == 0 && left[1] == QUIET_MEMBERS;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": the platform still counts " + left[0] + " viewers and "
                        + left[1] + " room members (" + QUIET_MEMBERS + " quiet ones)", e);
            }
            return heapAfterFullGc(platform);
        } finally {
            paused = false;
        }
    }

    /** The heap in use after a full GC: the least of three, since one collection may not settle. */
    private static long heapAfterFullGc(RoleProcess platform) throws Exception {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(platform.pid()), "GC.run").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).as("jcmd GC.run: " + out).isTrue();
            Thread.sleep(300);
            least = Math.min(least, (long) platform.metric("jvm_memory_used_bytes", "area=\"heap\""));
        }
        return least;
    }

    private static void sleepUntil(long startNanos, Duration offset) throws InterruptedException {
        long left = startNanos + offset.toNanos() - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** One ffmpeg at a time; a drop leaves a gap (from the drop to a second after the next session started). */
    private final class Publisher {
        private final RoleProcess platform;
        private final String url;
        private final List<long[]> gaps = new CopyOnWriteArrayList<>();
        private Ffmpeg current;
        private int cycles;
        private int retries;

        Publisher(RoleProcess platform, String url) {
            this.platform = platform;
            this.url = url;
        }

        void startAndAwaitLive() {
            double sessions = platform.metric("live_ingest_sessions_total", "stream=\"" + STREAM + "\"");
            current = Ffmpeg.publish(url, 320, 240, 25);
            Await.until("publisher " + (cycles + 1) + " live", Duration.ofSeconds(30), () -> {
                if (!current.isAlive()) { // refused while the old session was still being torn down
                    retries++;
                    current = Ffmpeg.publish(url, 320, 240, 25);
                }
                return platform.metric("live_ingest_sessions_total", "stream=\"" + STREAM + "\"") > sessions;
            });
        }

        void dropAndReconnect() throws InterruptedException {
            long[] gap = {System.nanoTime(), Long.MAX_VALUE};
            gaps.add(gap);
            if (cycles++ % 2 == 0) {
                current.kill9();
            } else {
                current.close();
            }
            startAndAwaitLive();
            gap[1] = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        }

        boolean inGap(long fromNanos, long toNanos) {
            return gaps.stream().anyMatch(g -> fromNanos <= g[1] && toNanos >= g[0]);
        }

        void stop() throws InterruptedException {
            current.close();
        }
    }

    /** WebSocket-FLV viewers that join, watch 1-3 s and leave; each one's outcome is counted when it leaves. */
    private final class ViewerChurn {
        private final Vertx clients;
        private final int port;
        private final Publisher publisher;
        private final Map<FlvViewer, Boolean> live = new ConcurrentHashMap<>();
        private final ScheduledExecutorService leaving = Executors.newSingleThreadScheduledExecutor();
        final LongAdder opened = new LongAdder();
        final LongAdder served = new LongAdder();
        final LongAdder inGap = new LongAdder();
        final LongAdder failed = new LongAdder();

        ViewerChurn(Vertx clients, int port, Publisher publisher) {
            this.clients = clients;
            this.port = port;
            this.publisher = publisher;
        }

        void open() {
            if (stopping || paused) {
                return;
            }
            try {
                FlvViewer viewer = FlvViewer.watch(clients, port, STREAM);
                live.put(viewer, true);
                opened.increment();
                leaving.schedule(() -> leave(viewer), ThreadLocalRandom.current().nextLong(1000, 3000), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) { // thrown out of a periodic task, it would end the churn unseen
                failures.add("opening a viewer: " + e);
            }
        }

        private void leave(FlvViewer viewer) {
            if (live.remove(viewer) == null) {
                return;
            }
            long end = System.nanoTime();
            String close = viewer.isClosed() ? String.valueOf(closeOf(viewer)) : "open";
            viewer.close();
            if (viewer.hasKeyframe()) {
                served.increment();
            } else if (publisher.inGap(viewer.startNanos(), end)
                    && (close.equals("open") || close.contains("stream-not-found") || close.contains("stream-ended"))) {
                inGap.increment();
            } else {
                failed.increment();
                failures.add("viewer without a keyframe after " + (end - viewer.startNanos()) / 1_000_000 + " ms: "
                        + close + (viewer.error() == null ? "" : ", " + viewer.error()));
            }
        }

        private FlvViewer.Close closeOf(FlvViewer viewer) {
            try {
                return viewer.awaitClose(Duration.ZERO);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        void closeAll() throws InterruptedException {
            leaving.shutdown();
            leaving.awaitTermination(5, TimeUnit.SECONDS);
            live.keySet().forEach(this::leave);
        }
    }

    /** Members sending danmaku and likes as fast as the socket takes them, each connection a new guest, until closed. */
    private final class Flood {
        private final Vertx clients;
        private final Tokens tokens;
        private final int port;
        final LongAdder connections = new LongAdder();
        final LongAdder danmaku = new LongAdder();
        final LongAdder likes = new LongAdder();
        final LongAdder rateLimited = new LongAdder();
        final Map<String, Integer> closes = new ConcurrentHashMap<>();

        Flood(Vertx clients, Tokens tokens, int port) {
            this.clients = clients;
            this.tokens = tokens;
            this.port = port;
        }

        void run(int flooder) {
            for (int connection = 0; !stopping; connection++) {
                while (paused && !stopping) {
                    pause(100);
                }
                RoomClient member = RoomClient.join(clients, port, STREAM, guest(tokens, "flood-" + flooder + "-" + connection), 0);
                try {
                    member.await("hello", e -> "hello".equals(e.getString("type")));
                    connections.increment();
                    for (int i = 0; !stopping && !member.isClosed(); i++) {
                        if (i % 4 == 3) {
                            member.send(new JsonObject().put("type", "like").put("count", 5));
                            likes.increment();
                        } else {
                            member.send(new JsonObject().put("type", "danmaku").put("text", "flood " + flooder + " " + i));
                            danmaku.increment();
                        }
                    }
                } catch (Exception e) {
                    // a write raced the server's close
                } catch (AssertionError e) {
                    failures.add("flooder " + flooder + ": " + e.getMessage());
                    member.close();
                    return;
                }
                if (!stopping) { // the server closed it
                    closes.merge(closeReason(member), 1, Integer::sum);
                }
                member.close();
                rateLimited.add(member.events().stream().filter(e -> "rate-limited".equals(e.getString("code"))).count());
                pause(200);
            }
        }

        private String closeReason(RoomClient member) {
            try {
                FlvViewer.Close close = member.awaitClose();
                return close.reason() == null ? "none" : close.reason();
            } catch (Exception e) {
                return "unknown";
            }
        }

        private void pause(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
