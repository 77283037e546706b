package io.livestream.ingest;

import io.livestream.common.LogField;
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
 * publisher at a time across the cluster ({@link StreamClaims}); a publisher whose predecessor
 * went silent, on this node or another, takes the stream over instead of being caught in a
 * "stream busy" loop. Keeps each stream's claim and registry lease.
 * Confined to the ingest event loop.
 */
public final class LiveStreams {
    private static final System.Logger LOG = System.getLogger(LiveStreams.class.getName());
    private static final AtomicLong EPOCHS = new AtomicLong(System.currentTimeMillis() * 1000);

    private final Vertx vertx;
    private final EventBus bus;
    private final StreamRegistry registry;
    private final StreamClaims claims;
    private final IngestConfig config;
    private final String nodeId;
    private final MeterRegistry meters;
    private final StreamHealths health;
    private final Map<String, PublishSession> sessions = new HashMap<>();
    private final Map<String, long[]> lastCounts = new HashMap<>();
    /** Claims in flight, by name: a second publisher of the name waits for the first's answer. */
    private final Map<String, Future<PublishSession>> claiming = new HashMap<>();
    private final long renewTimer;
    private final long claimTimer;
    private long lastRenewNanos = System.nanoTime();
    /** Records each session's stream; null: nothing is recorded. */
    private Recorder recorder;

    public LiveStreams(Vertx vertx, StreamRegistry registry, StreamClaims claims, IngestConfig config, String nodeId, MeterRegistry meters) {
        this(vertx, registry, claims, config, nodeId, meters, null);
    }

    /** {@code health}: where each stream's health is kept for the studio; null keeps none. */
    public LiveStreams(Vertx vertx, StreamRegistry registry, StreamClaims claims, IngestConfig config, String nodeId, MeterRegistry meters,
                       StreamHealths health) {
        this.health = health;
        this.vertx = vertx;
        this.bus = vertx.eventBus();
        this.registry = registry;
        this.claims = claims;
        this.config = config;
        this.nodeId = nodeId;
        this.meters = meters;
        Gauge.builder("live.publishers", sessions, Map::size)
                .description("Streams being published to this ingest node").register(meters);
        this.renewTimer = vertx.setPeriodic(config.lease().toMillis() / 3, id -> renewLeases());
        this.claimTimer = vertx.setPeriodic(claimRenewMillis(), id -> sessions().forEach(this::renewClaim));
    }

    /** Records every publishing session from now on ({@code --record}). */
    public void recordWith(Recorder recorder) {
        this.recorder = recorder;
    }

    /** How often a claim says whether its publisher is silent: a few times within {@code staleAfter}. */
    private long claimRenewMillis() {
        return Math.max(50, config.staleAfter().toMillis() / 3);
    }

    /** Grants a public stream: see {@link #start(String, Publisher, boolean)}. */
    public Future<PublishSession> start(String name, Publisher publisher) {
        return start(name, publisher, false);
    }

    /**
     * Grants {@code name} to {@code publisher}. If another publisher holds it and has been silent
     * for {@code staleAfter}, it is evicted; if it is still sending, this waits until it could
     * have gone stale and decides then, so a publisher whose old connection died half-open is
     * accepted within {@code staleAfter} (plus a claim renewal or two when the holder is on
     * another node). A new stream past {@code maxPublishers} fails with
     * {@link TooManyPublishersException}; a name held by a publisher that is sending fails with
     * {@link StreamBusyException}.
     */
    public Future<PublishSession> start(String name, Publisher publisher, boolean privateStream) {
        Future<PublishSession> inFlight = claiming.get(name);
        if (inFlight != null) {
            return inFlight.transform(ignored -> start(name, publisher, privateStream));
        }
        Future<PublishSession> decided = decide(name, publisher, privateStream);
        if (!decided.isComplete()) {
            claiming.put(name, decided);
            decided.onComplete(r -> claiming.remove(name, decided));
        }
        return decided;
    }

    private Future<PublishSession> decide(String name, Publisher publisher, boolean privateStream) {
        PublishSession current = sessions.get(name);
        if (current == null) {
            if (config.maxPublishers() > 0 && sessions.size() >= config.maxPublishers()) {
                return Future.failedFuture(new TooManyPublishersException(config.maxPublishers()));
            }
            return claimAndOpen(name, publisher, privateStream, true);
        }
        long staleNanos = config.staleAfter().toNanos();
        long silentNanos = current.nanosSinceActivity();
        if (silentNanos >= staleNanos) {
            return takeOver(current, publisher, privateStream);
        }
        long waitMs = Math.max(1, (staleNanos - silentNanos) / 1_000_000 + 1);
        return later(waitMs).compose(v -> {
            PublishSession now = sessions.get(name);
            if (now == null) {
                return claimAndOpen(name, publisher, privateStream, false);
            } else if (now == current && now.nanosSinceActivity() >= staleNanos) {
                return takeOver(now, publisher, privateStream);
            }
            return Future.failedFuture(new StreamBusyException(name));
        });
    }

    /**
     * Claims a name no session of this node holds. When another node's publisher holds it and is
     * sending, waits (once) until that publisher could have gone silent and its node said so.
     */
    private Future<PublishSession> claimAndOpen(String name, Publisher publisher, boolean privateStream, boolean mayWait) {
        long epoch = EPOCHS.incrementAndGet();
        return claims.claim(name, epoch).compose(outcome -> {
            if (outcome instanceof StreamClaims.Granted granted) {
                if (granted.previousNode() != null) {
                    LOG.log(System.Logger.Level.INFO, "stream {0}: {1} takes over from a silent publisher on {2}",
                            LogField.stream(name), publisher.describe(), granted.previousNode(), LogField.client(publisher.address()));
                }
                return Future.succeededFuture(open(name, epoch, publisher, privateStream));
            }
            if (!mayWait) {
                return Future.failedFuture(new StreamBusyException(name));
            }
            return later(config.staleAfter().toMillis() + 2 * claimRenewMillis())
                    .compose(v -> claimAndOpen(name, publisher, privateStream, false));
        });
    }

    private Future<Void> later(long millis) {
        Promise<Void> done = Promise.promise();
        vertx.setTimer(millis, id -> done.complete());
        return done.future();
    }

    /** Ends the session if it is still the live one of its stream. */
    public void end(PublishSession session, String reason) {
        end(session, reason, true);
    }

    /** {@code offline}: the stream goes offline (false when another publisher has it now). */
    private Future<Void> end(PublishSession session, String reason, boolean offline) {
        Future<Void> released = Future.succeededFuture();
        if (sessions.get(session.name()) == session) {
            sessions.remove(session.name());
            lastCounts.remove(session.name());
            if (health != null) {
                health.ended(session.name());
            }
            released = claims.release(session.name(), session.epoch());
            if (offline) {
                registry.remove(session.name(), session.epoch());
                announce(session.name(), false);
            } // else the new publisher's entry replaces this one: removing it could leave the stream unlisted
        }
        if (!session.ended()) {
            LOG.log(System.Logger.Level.INFO, "stream {0} offline ({1}) from {2}",
                    LogField.stream(session.name()), reason, session.publisher().describe(), LogField.client(session.publisher().address()));
            session.end(reason);
        }
        return released;
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
        vertx.cancelTimer(claimTimer);
        if (health != null) {
            health.close();
        }
        // the names are free at once when the node goes (a streamer reconnecting to another node gets in without a wait)
        List<Future<Void>> released = sessions().stream().map(s -> end(s, "shutdown", true)).toList();
        return Future.join(released).otherwiseEmpty().mapEmpty();
    }

    private Future<PublishSession> takeOver(PublishSession old, Publisher publisher, boolean privateStream) {
        long epoch = EPOCHS.incrementAndGet();
        return claims.claim(old.name(), epoch).compose(outcome -> {
            if (!(outcome instanceof StreamClaims.Granted)) {
                return Future.failedFuture(new StreamBusyException(old.name())); // another node's publisher got it first
            }
            LOG.log(System.Logger.Level.INFO, "stream {0}: {1} takes over from silent {2}",
                    LogField.stream(old.name()), publisher.describe(), old.publisher().describe(), LogField.client(publisher.address()));
            end(old, "replaced", false);
            old.publisher().evict("replaced by a new publisher");
            return Future.succeededFuture(open(old.name(), epoch, publisher, privateStream));
        });
    }

    /**
     * Tells the cluster whether the session's publisher has gone silent. A session whose claim was
     * taken over by another node's publisher ends; one that wakes after it was marked silent holds
     * its packets back until its claim is confirmed (no two writers on {@code media.<stream>}).
     */
    private void renewClaim(PublishSession session) {
        boolean silent = session.nanosSinceActivity() >= config.staleAfter().toNanos();
        if (silent) {
            session.hold(true); // before the claim says so: from then on another node may take over
        }
        claims.renew(session.name(), session.epoch(), silent).onComplete(held -> {
            if (held.succeeded() && !held.result()) {
                lost(session);
            } else if (held.succeeded() && !silent) {
                session.hold(false);
            }
        });
    }

    private void lost(PublishSession session) {
        if (sessions.get(session.name()) != session) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "stream {0}: {1} lost the stream to a publisher on another node",
                LogField.stream(session.name()), session.publisher().describe(), LogField.client(session.publisher().address()));
        meters.counter("live.ingest.taken.over").increment();
        end(session, "replaced", false);
        session.publisher().evict("another publisher took the stream over");
    }

    private PublishSession open(String name, long epoch, Publisher publisher, boolean privateStream) {
        Counter bytesIn = Counter.builder("live.ingest.bytes").tag("stream", name).baseUnit("bytes")
                .description("Media bytes received from publishers").register(meters);
        Counter videoFrames = Counter.builder("live.ingest.video.frames").tag("stream", name)
                .description("Video frames received from publishers (sequence headers not counted): the publisher's frame rate").register(meters);
        PublishSession session = new PublishSession(name, epoch, privateStream, publisher, bus,
                config.gopMaxPackets(), config.gopMaxBytes(), bytesIn, videoFrames,
                this::register, this::renewClaim,
                health == null ? new StreamHealth(name, System::currentTimeMillis) : health.started(name));
        sessions.put(name, session);
        if (recorder != null) {
            session.tap(recorder.start(name, System.currentTimeMillis(), privateStream));
        }
        Counter.builder("live.ingest.sessions").tag("stream", name)
                .description("Publishing sessions started").register(meters).increment();
        LOG.log(System.Logger.Level.INFO, "stream {0} online{1} from {2}", LogField.stream(name), privateStream ? " (private)" : "",
                publisher.describe(), LogField.client(publisher.address()));
        announce(name, true);
        register(session);
        return session;
    }

    /**
     * Lists the session in the registry. A session whose claim says it is silent may have been
     * taken over by a publisher on another node that has listed itself already, so its entry is
     * renewed only while it is still its own: a blind write would list the old session again
     * until the new one's next renewal.
     */
    private void register(PublishSession session) {
        if (session.held()) {
            registry.renewIfStill(session.info(nodeId), config.lease());
        } else {
            registry.renew(session.info(nodeId), config.lease());
        }
    }

    private void announce(String stream, boolean online) {
        bus.publish(Addresses.STREAM_EVENTS, new JsonObject().put("stream", stream).put("online", online));
    }

    /** Renews every lease, with bitrate and frame rate measured since the last renewal. */
    void renewLeases() {
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
            register(s);
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
