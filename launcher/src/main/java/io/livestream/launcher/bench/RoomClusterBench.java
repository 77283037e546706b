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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * R rooms of M members on one gateway, danmaku at a total rate spread over the rooms (each member
 * sends at most one a second, the room's limit), while the operator kills or drains an
 * interaction replica: what every member received against what the rooms accepted. A danmaku is
 * accepted when it reaches its sender or any member; a member lost it when its room accepted it
 * and it never came; it got one twice when a sequence number came twice; its longest gap is the
 * longest time between two danmaku reaching it.
 */
@Command(name = "room-cluster", mixinStandardHelpOptions = true,
        description = "Load R rooms of M members with danmaku while a replica goes: lost, duplicated, longest gap.")
final class RoomClusterBench implements Callable<Integer> {

    @Option(names = "--url", required = true, description = "ws://127.0.0.1:8080 (the gateway)")
    URI url;

    @Option(names = "--rooms", defaultValue = "20", description = "Rooms (default ${DEFAULT-VALUE})")
    int rooms;

    @Option(names = "--members", defaultValue = "200", description = "Members per room (default ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rate", defaultValue = "100", description = "Danmaku per second over every room (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "30s", converter = io.livestream.launcher.Durations.class,
            description = "How long danmaku are sent (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--stop-pid", defaultValue = "0", description = "An interaction replica to stop halfway through the danmaku (0: none)")
    long stopPid;

    @Option(names = "--stop-signal", defaultValue = "KILL", description = "KILL (it vanishes) or TERM (it drains); default ${DEFAULT-VALUE}")
    String stopSignal;

    @Option(names = "--interaction-pid", description = "An interaction replica whose CPU time to count (repeatable); with no stop, "
            + "the report gives accepted danmaku per CPU-second of the interaction role")
    List<Long> interactionPids = new ArrayList<>();

    @Option(names = "--jwt-secret", defaultValue = "${env:LIVE_JWT_SECRET}", description = "The server's secret (env LIVE_JWT_SECRET)")
    String jwtSecret;

    /** One member's view: texts and sequence numbers of danmaku received, and the longest wait between two. */
    private static final class View {
        final int room;
        final Set<String> texts = new HashSet<>();
        final Set<Long> seqs = new HashSet<>();
        long duplicates;
        long last;
        long longestGap;

        View(int room) {
            this.room = room;
        }

        synchronized void got(JsonObject event, long now) {
            if (!seqs.add(event.getLong("seq", -1L))) {
                duplicates++;
            }
            texts.add(event.getString("text"));
            longestGap = last == 0 ? 0 : Math.max(longestGap, now - last);
            last = now;
        }
    }

    private final List<Set<String>> accepted = new ArrayList<>();
    private final Map<String, Long> sent = new ConcurrentHashMap<>();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong otherErrors = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong hellos = new AtomicLong();

    @Override
    public Integer call() throws Exception {
        if (!url.getHost().equals("127.0.0.1") && !url.getHost().equals("localhost")) {
            System.err.println("bench: loopback targets only");
            return 2;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        Tokens tokens = new Tokens(vertx, jwtSecret);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(rooms * members + 10).setMaxMessageSize(16 * 1024 * 1024).setMaxFrameSize(16 * 1024 * 1024));
        List<List<ClientWebSocket>> sockets = new ArrayList<>();
        List<View> views = new ArrayList<>();
        try {
            for (int r = 0; r < rooms; r++) {
                accepted.add(ConcurrentHashMap.newKeySet());
                List<ClientWebSocket> room = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    View view = new View(r);
                    views.add(view);
                    room.add(join(client, tokens, r, m, view));
                }
                sockets.add(room);
            }
            long joining = System.nanoTime();
            while (hellos.get() + closed.get() < (long) rooms * members && System.nanoTime() - joining < 120_000_000_000L) {
                Thread.sleep(100); // polling the members' hellos, counted on the client's event loop
            }
            System.out.printf(Locale.ROOT, "joined:         %d members had their hello within %.1f s (%d closed)%n",
                    hellos.get(), (System.nanoTime() - joining) / 1e9, closed.get());
            long periodMicros = 1_000_000L / Math.max(1, rate);
            long[] n = {0};
            long timer = vertx.setPeriodic(Math.max(1, periodMicros / 1000), id -> {
                long i = n[0]++;
                int room = (int) (i % rooms);
                // member k of the room sends every (members)-th turn of the room: well under one a second each
                ClientWebSocket ws = sockets.get(room).get((int) ((i / rooms) % members));
                String text = "r" + room + "-" + i;
                sent.put(text, System.nanoTime());
                ws.writeTextMessage(new JsonObject().put("type", "danmaku").put("text", text).encode());
            });
            long start = System.nanoTime();
            long cpuBefore = interactionTicks();
            Thread.sleep(duration.toMillis() / 2);
            if (stopPid > 0) {
                ProcessHandle replica = ProcessHandle.of(stopPid).orElseThrow(() -> new IllegalArgumentException("no process " + stopPid));
                boolean sent = "TERM".equals(stopSignal) ? replica.destroy() : replica.destroyForcibly();
                System.out.printf(Locale.ROOT, "stopped:        interaction pid %d (SIG%s, %s) %.1f s into the danmaku%n",
                        stopPid, stopSignal, sent ? "sent" : "not sent", (System.nanoTime() - start) / 1e9);
            }
            Thread.sleep(duration.toMillis() - duration.toMillis() / 2);
            vertx.cancelTimer(timer);
            long acceptedInWindow = accepted.stream().mapToLong(Set::size).sum();
            double cpuSeconds = stopPid > 0 || interactionPids.isEmpty() ? -1 : (interactionTicks() - cpuBefore) / ProcStats.TICKS_PER_SECOND;
            Thread.sleep(5000); // what is still on its way
            System.out.print(report(views, (System.nanoTime() - start) / 1e9));
            if (cpuSeconds > 0) {
                System.out.printf(Locale.ROOT, "interaction:    %d replica(s), %.1f CPU-seconds for %d accepted danmaku: %.0f accepted per CPU-second%n",
                        interactionPids.size(), cpuSeconds, acceptedInWindow, acceptedInWindow / cpuSeconds);
            }
            return 0;
        } finally {
            vertx.close().await();
        }
    }

    /** CPU time of the interaction replicas named, in /proc ticks. */
    private long interactionTicks() {
        return interactionPids.stream().mapToLong(pid -> ProcStats.read(pid).cpuTicks()).sum();
    }

    private ClientWebSocket join(WebSocketClient client, Tokens tokens, int room, int member, View view) {
        String token = tokens.mint(new JsonObject().put("role", "viewer").put("nick", "m" + member), "bench-" + room + "-" + member,
                Duration.ofHours(1));
        ClientWebSocket ws = client.webSocket();
        ws.textMessageHandler(text -> {
            JsonObject m = new JsonObject(text);
            String type = m.getString("type");
            if ("hello".equals(type)) {
                hellos.incrementAndGet();
            } else if ("error".equals(type)) {
                (("unavailable".equals(m.getString("code"))) ? unavailable : otherErrors).incrementAndGet();
            } else if ("batch".equals(type)) {
                long now = System.nanoTime();
                m.getJsonArray("events").forEach(o -> {
                    JsonObject e = (JsonObject) o;
                    if ("danmaku".equals(e.getString("type"))) {
                        accepted.get(room).add(e.getString("text"));
                        view.got(e, now);
                    }
                });
            }
        });
        ws.closeHandler(v -> closed.incrementAndGet());
        ws.connect(url.getPort(), url.getHost(), "/ws/room/cluster-bench-" + room + "?token=" + token).await();
        return ws;
    }

    private String report(List<View> views, double seconds) {
        long lost = 0;
        long duplicates = 0;
        long longestGap = 0;
        long membersLosing = 0;
        for (View v : views) {
            synchronized (v) {
                long missing = accepted.get(v.room).stream().filter(t -> !v.texts.contains(t)).count();
                lost += missing;
                membersLosing += missing > 0 ? 1 : 0;
                duplicates += v.duplicates;
                longestGap = Math.max(longestGap, v.longestGap);
            }
        }
        long acceptedTotal = accepted.stream().mapToLong(Set::size).sum();
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "rooms:          %d x %d members; %d danmaku sent in %.0f s, %d accepted%n",
                rooms, members, sent.size(), seconds, acceptedTotal));
        out.append(String.format(Locale.ROOT, "refused:        %d unavailable, %d other errors; %d members closed%n",
                unavailable.get(), otherErrors.get(), closed.get()));
        out.append(String.format(Locale.ROOT, "lost:           %d deliveries of accepted danmaku (%d members short)%n", lost, membersLosing));
        out.append(String.format(Locale.ROOT, "duplicates:     %d%n", duplicates));
        out.append(String.format(Locale.ROOT, "longest gap:    %.2f s (the longest time any member waited between two danmaku)%n", longestGap / 1e9));
        return out.toString();
    }
}
