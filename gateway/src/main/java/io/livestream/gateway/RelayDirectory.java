package io.livestream.gateway;

import io.livestream.common.registry.RelayRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The live relays and their load, refreshed from the relay registry every second, and the
 * choice of a relay for a stream: rendezvous hashing of the stream name over the relays, so one
 * stream's viewers concentrate on one relay that pulls it once; past a relay's load threshold,
 * the least-loaded relay below it. Confined to the gateway's event loop.
 */
public final class RelayDirectory {
    private static final long REFRESH_MS = 1000;

    /** A relay as the registry describes it, plus the viewers this gateway sent it since the last refresh. */
    public static final class RelayLoad {
        final String id;
        final URI url;
        final URI publicUrl;
        int viewers;
        final double egressMbps;
        final Map<String, Integer> viewersByStream;

        RelayLoad(String id, URI url, URI publicUrl, int viewers, double egressMbps, Map<String, Integer> viewersByStream) {
            this.id = id;
            this.url = url;
            this.publicUrl = publicUrl;
            this.viewers = viewers;
            this.egressMbps = egressMbps;
            this.viewersByStream = viewersByStream;
        }

        public String id() {
            return id;
        }

        public URI url() {
            return url;
        }

        /** Where viewers reach this relay directly; empty when they play through a gateway. */
        public Optional<URI> publicUrl() {
            return Optional.ofNullable(publicUrl);
        }

        public int viewers() {
            return viewers;
        }
    }

    private final RelayRegistry registry;
    private final LongSupplier nanoClock;
    private final int maxViewers;
    private final double maxEgressMbps;
    private final long timer;
    private static final long SUSPECT_NANOS = 10_000_000_000L;
    /** Viewers this gateway is piping to each relay right now. */
    private final Map<String, Integer> piping = new HashMap<>();

    private List<RelayLoad> relays = List.of();
    private final Map<String, Long> suspectUntil = new HashMap<>();
    private Map<String, Integer> viewersByStream = Map.of();

    public RelayDirectory(Vertx vertx, RelayRegistry registry, int maxViewers, double maxEgressMbps) {
        this(vertx, registry, maxViewers, maxEgressMbps, System::nanoTime);
    }

    /** A directory whose suspicion of unreachable relays is timed by {@code nanoClock}. */
    RelayDirectory(Vertx vertx, RelayRegistry registry, int maxViewers, double maxEgressMbps, LongSupplier nanoClock) {
        this.registry = registry;
        this.nanoClock = nanoClock;
        this.maxViewers = maxViewers;
        this.maxEgressMbps = maxEgressMbps;
        refresh();
        this.timer = vertx.setPeriodic(REFRESH_MS, id -> refresh());
    }

    public void close(Vertx vertx) {
        vertx.cancelTimer(timer);
    }

    public List<RelayLoad> relays() {
        return relays;
    }

    /** Viewers per stream summed over every live relay (reachable or in-process), as of the last refresh. */
    public Map<String, Integer> viewersByStream() {
        return viewersByStream;
    }

    /**
     * A relay that could not be reached: left out of choices for a while (its lease may still
     * be in the registry for a few seconds after it died).
     */
    public void suspect(String relayId) {
        suspectUntil.put(relayId, nanoClock.getAsLong() + SUSPECT_NANOS);
    }

    /** Viewers this gateway pipes from each relay now. */
    public Map<String, Integer> piping() {
        return Map.copyOf(piping);
    }

    /** A viewer this gateway now pipes from {@code relay}: counted against it at once. */
    public void piping(RelayLoad relay) {
        int mine = piping.merge(relay.id, 1, Integer::sum);
        relay.viewers = Math.max(relay.viewers + 1, mine);
    }

    /**
     * A viewer this gateway sent to {@code relay}'s public URL: counted against it until the next
     * refresh, when the relay's own count includes it, so that a burst of joins still spills over.
     */
    public void redirected(RelayLoad relay) {
        relay.viewers++;
    }

    /** A piped viewer of {@code relay} has gone. */
    public void unpiped(RelayLoad relay) {
        piping.computeIfPresent(relay.id, (id, n) -> n > 1 ? n - 1 : null);
    }

    /** The relay for a new viewer of {@code stream}, by rendezvous hash and load. */
    public Optional<RelayLoad> choose(String stream) {
        long now = nanoClock.getAsLong();
        suspectUntil.values().removeIf(until -> until < now);
        List<RelayLoad> candidates = suspectUntil.isEmpty() ? relays
                : relays.stream().filter(r -> !suspectUntil.containsKey(r.id)).toList();
        return pick(stream, candidates, maxViewers, maxEgressMbps);
    }

    static Optional<RelayLoad> pick(String stream, List<RelayLoad> relays, int maxViewers, double maxEgressMbps) {
        if (relays.isEmpty()) {
            return Optional.empty();
        }
        RelayLoad preferred = relays.stream().max(Comparator.comparingLong(r -> score(stream, r.id))).orElseThrow();
        if (below(preferred, maxViewers, maxEgressMbps)) {
            return Optional.of(preferred);
        }
        Comparator<RelayLoad> byLoad = Comparator.comparingInt((RelayLoad r) -> r.viewers).thenComparingDouble(r -> r.egressMbps);
        Optional<RelayLoad> spill = relays.stream().filter(r -> below(r, maxViewers, maxEgressMbps)).min(byLoad);
        return spill.isPresent() ? spill : relays.stream().min(byLoad);
    }

    private static boolean below(RelayLoad r, int maxViewers, double maxEgressMbps) {
        return r.viewers < maxViewers && r.egressMbps < maxEgressMbps;
    }

    /** Rendezvous (highest random weight) score: FNV-1a 64 of stream and relay id, then a finalising mix. */
    static long score(String stream, String relayId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (stream + '\u0000' + relayId).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** Reads the registry again (every second on its own); completes once the new view is in place. */
    Future<Void> refresh() {
        return registry.relays().map(entries -> {
            List<RelayLoad> live = new ArrayList<>();
            Map<String, Integer> sum = new HashMap<>();
            entries.forEach((id, json) -> {
                Map<String, Integer> byStream = new HashMap<>();
                json.getJsonObject("viewers", new JsonObject()).forEach(e -> byStream.put(e.getKey(), ((Number) e.getValue()).intValue()));
                byStream.forEach((stream, n) -> sum.merge(stream, n, Integer::sum));
                String url = json.getString("url");
                String publicUrl = json.getString("publicUrl");
                if (url != null) {
                    live.add(new RelayLoad(id, URI.create(url), publicUrl == null ? null : URI.create(publicUrl),
                            json.getInteger("totalViewers", 0),
                            json.getLong("egressBps", 0L) / 1e6, byStream));
                }
            });
            // The registry lags a lease renewal behind: a relay has at least the viewers this
            // gateway is piping to it now, so that a burst of joins still spills over.
            live.forEach(r -> r.viewers = Math.max(r.viewers, piping.getOrDefault(r.id, 0)));
            live.sort(Comparator.comparing(r -> r.id));
            relays = List.copyOf(live);
            viewersByStream = Map.copyOf(sum);
            return null;
        });
    }
}
