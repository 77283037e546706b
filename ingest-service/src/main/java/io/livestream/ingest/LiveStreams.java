package io.livestream.ingest;

import io.livestream.common.bus.Addresses;
import io.livestream.common.registry.StreamRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streams this ingest node receives, whatever their source. Grants a stream to one
 * publisher at a time; a publisher whose predecessor went silent takes the stream over
 * instead of being caught in a "stream busy" loop. Keeps each stream's registry lease.
 * Confined to the ingest event loop.
 */
public final class LiveStreams {
    private static final System.Logger LOG = System.getLogger(LiveStreams.class.getName());
    private static final AtomicLong EPOCHS = new AtomicLong(System.currentTimeMillis() * 1000);

    private final Vertx vertx;
    private final EventBus bus;
    private final StreamRegistry registry;
    private final IngestConfig config;
    private final String nodeId;
    private final MeterRegistry meters;
    private final Map<String, PublishSession> sessions = new HashMap<>();
    private final Map<String, long[]> lastCounts = new HashMap<>();
    private final long renewTimer;
    private long lastRenewNanos = System.nanoTime();

    public LiveStreams(Vertx vertx, StreamRegistry registry, IngestConfig config, String nodeId, MeterRegistry meters) {
        this.vertx = vertx;
        this.bus = vertx.eventBus();
        this.registry = registry;
        this.config = config;
        this.nodeId = nodeId;
        this.meters = meters;
        Gauge.builder("live.publishers", sessions, Map::size)
                .description("Streams being published to this ingest node").register(meters);
        this.renewTimer = vertx.setPeriodic(config.lease().toMillis() / 3, id -> renewLeases());
    }

    /** Grants a public stream: see {@link #start(String, Publisher, boolean)}. */
    public Future<PublishSession> start(String name, Publisher publisher) {
        return start(name, publisher, false);
    }

    /**
     * Grants {@code name} to {@code publisher}. If another publisher holds it and has been silent
     * for {@code staleAfter}, it is evicted; if it is still sending, this waits until it could
     * have gone stale and decides then, so a publisher whose old connection died half-open is
     * accepted within {@code staleAfter}. A new stream past {@code maxPublishers} fails with
     * {@link TooManyPublishersException}.
     */
    public Future<PublishSession> start(String name, Publisher publisher, boolean privateStream) {
        PublishSession current = sessions.get(name);
        if (current == null) {
            if (config.maxPublishers() > 0 && sessions.size() >= config.maxPublishers()) {
                return Future.failedFuture(new TooManyPublishersException(config.maxPublishers()));
            }
            return Future.succeededFuture(open(name, publisher, privateStream));
        }
        long staleNanos = config.staleAfter().toNanos();
        long silentNanos = current.nanosSinceActivity();
        if (silentNanos >= staleNanos) {
            return Future.succeededFuture(takeOver(current, publisher, privateStream));
        }
        Promise<PublishSession> decided = Promise.promise();
        long waitMs = Math.max(1, (staleNanos - silentNanos) / 1_000_000 + 1);
        vertx.setTimer(waitMs, id -> {
            PublishSession now = sessions.get(name);
            if (now == null) {
                decided.complete(open(name, publisher, privateStream));
            } else if (now == current && now.nanosSinceActivity() >= staleNanos) {
                decided.complete(takeOver(now, publisher, privateStream));
            } else {
                decided.fail(new StreamBusyException(name));
            }
        });
        return decided.future();
    }

    /** Ends the session if it is still the live one of its stream. */
    public void end(PublishSession session, String reason) {
        if (sessions.get(session.name()) == session) {
            sessions.remove(session.name());
            lastCounts.remove(session.name());
            registry.remove(session.name(), session.epoch());
            announce(session.name(), false);
        }
        if (!session.ended()) {
            LOG.log(System.Logger.Level.INFO, "stream {0} offline ({1}) from {2}",
                    session.name(), reason, session.publisher().describe());
            session.end(reason);
        }
    }

    public List<PublishSession> sessions() {
        return List.copyOf(sessions.values());
    }

    public PublishSession session(String name) {
        return sessions.get(name);
    }

    /** Ends every session and stops renewing: the node is shutting down. */
    public Future<Void> close() {
        vertx.cancelTimer(renewTimer);
        sessions().forEach(s -> end(s, "shutdown"));
        return Future.succeededFuture();
    }

    private PublishSession takeOver(PublishSession old, Publisher publisher, boolean privateStream) {
        LOG.log(System.Logger.Level.INFO, "stream {0}: {1} takes over from silent {2}",
                old.name(), publisher.describe(), old.publisher().describe());
        end(old, "replaced");
        old.publisher().evict("replaced by a new publisher");
        return open(old.name(), publisher, privateStream);
    }

    private PublishSession open(String name, Publisher publisher, boolean privateStream) {
        Counter bytesIn = Counter.builder("live.ingest.bytes").tag("stream", name).baseUnit("bytes")
                .description("Media bytes received from publishers").register(meters);
        PublishSession session = new PublishSession(name, EPOCHS.incrementAndGet(), privateStream, publisher, bus,
                config.gopMaxPackets(), config.gopMaxBytes(), bytesIn,
                changed -> registry.renew(changed.info(nodeId), config.lease()));
        sessions.put(name, session);
        Counter.builder("live.ingest.sessions").tag("stream", name)
                .description("Publishing sessions started").register(meters).increment();
        LOG.log(System.Logger.Level.INFO, "stream {0} online{1} from {2}", name, privateStream ? " (private)" : "", publisher.describe());
        announce(name, true);
        registry.renew(session.info(nodeId), config.lease());
        return session;
    }

    private void announce(String stream, boolean online) {
        bus.publish(Addresses.STREAM_EVENTS, new JsonObject().put("stream", stream).put("online", online));
    }

    /** Renews every lease, with bitrate and frame rate measured since the last renewal. */
    private void renewLeases() {
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - lastRenewNanos) / 1e9);
        lastRenewNanos = now;
        for (PublishSession s : sessions.values()) {
            long[] last = lastCounts.computeIfAbsent(s.name(), k -> new long[2]);
            long bitrate = (long) ((s.bytesIn() - last[0]) * 8 / seconds);
            double fps = (s.videoFrames() - last[1]) / seconds;
            last[0] = s.bytesIn();
            last[1] = s.videoFrames();
            s.measured(bitrate, fps);
            registry.renew(s.info(nodeId), config.lease());
        }
    }

    /** This node already takes {@code maxPublishers} streams. */
    public static final class TooManyPublishersException extends RuntimeException {
        public TooManyPublishersException(int max) {
            super("this ingest node takes at most " + max + " streams at once");
        }
    }

    /** The stream is held by a publisher that is still sending. */
    public static final class StreamBusyException extends RuntimeException {
        public StreamBusyException(String stream) {
            super("stream " + stream + " is already being published");
        }
    }
}
