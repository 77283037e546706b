package io.livestream.ingest;

import io.livestream.common.LogField;
import io.livestream.common.record.RecordingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Records every stream this ingest node publishes ({@code --record DIR}): each publishing session
 * becomes one recording ({@link StreamRecorder}), made here, on the node that owns the stream, so a
 * stream is recorded once however many relays play it. Enforces the store's bounds every
 * {@code BOUNDS_MS} and after each recording ends, and ends the recordings of any node that died
 * mid-stream (see {@link RecordingStore#endAbandoned}). File work runs on workers, in order; confined to
 * the ingest's event loop otherwise.
 */
public final class Recorder {
    private static final System.Logger LOG = System.getLogger(Recorder.class.getName());
    private static final long BOUNDS_MS = 10_000;
    /** Segments waiting for the disk, over all recordings; past it a segment is left out (a discontinuity in the recording). */
    static final long MAX_PENDING_BYTES = 64L << 20;

    private final Vertx vertx;
    private final RecordingStore store;
    private final Set<String> recording = new HashSet<>();
    private final long timer;
    private long pendingBytes;

    public Recorder(Vertx vertx, RecordingStore store) {
        this.vertx = vertx;
        this.store = store;
        store.createDirectories();
        this.timer = vertx.setPeriodic(BOUNDS_MS, id -> enforceBounds());
    }

    /** The recording of one publishing session of {@code stream}, begun at {@code startedAt}. */
    SessionTap start(String stream, long startedAt, boolean privateStream) {
        String name = RecordingStore.name(stream, startedAt);
        recording.add(name);
        LOG.log(System.Logger.Level.INFO, "stream {0}: recording {1}", LogField.stream(stream), name);
        return new StreamRecorder(this, store, stream, name, startedAt, privateStream);
    }

    public void close() {
        vertx.cancelTimer(timer);
    }

    /** Runs file work on a worker, after the work handed over before it. */
    Future<Void> onDisk(Callable work) {
        return vertx.executeBlocking(() -> {
            work.call();
            return null;
        }, true);
    }

    boolean reserve(long bytes) {
        if (pendingBytes + bytes > MAX_PENDING_BYTES) {
            return false;
        }
        pendingBytes += bytes;
        return true;
    }

    void release(long bytes) {
        pendingBytes -= bytes;
    }

    void finished(String name) {
        recording.remove(name);
        enforceBounds();
    }

    /** Ends the recordings whose writer is gone, then applies the bounds (to those too). */
    private void enforceBounds() {
        Set<String> now = Set.copyOf(recording);
        vertx.executeBlocking(() -> {
            long millis = System.currentTimeMillis();
            List<String> abandoned = store.endAbandoned(millis, now);
            if (!abandoned.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "recordings: ended {0}, not written for {1} (their ingest node went)",
                        abandoned, RecordingStore.ABANDONED_AFTER);
            }
            return store.enforce(millis, now);
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.log(System.Logger.Level.WARNING, "recordings: bounds not enforced: {0}", ar.cause().toString());
            } else if (!ar.result().isEmpty()) {
                List<String> deleted = ar.result();
                LOG.log(System.Logger.Level.INFO, "recordings: deleted {0} (bounds {1})", deleted, store.bounds());
            }
        });
    }

    /** File work that may fail with an I/O error. */
    @FunctionalInterface
    interface Callable {
        void call() throws Exception;
    }
}
