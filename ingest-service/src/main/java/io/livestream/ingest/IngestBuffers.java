package io.livestream.ingest;

import io.livestream.common.ops.LimitRefusals;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;

/**
 * The process-wide budget for ingest buffers: bytes held in unfinished RTMP messages over every
 * connection of this ingest node, as each connection's {@code ChunkDecoder.heldBytes()} reports
 * them. Past the budget the connection holding the most is shed (closed {@code ingest-memory}),
 * then the next, until the total is back within it; while there is no room left for one more
 * connection's partial messages, new publishers are refused. The gauge
 * {@code live_ingest_buffer_bytes} shows the total. Used on the ingest verticle's event loop only.
 */
final class IngestBuffers {
    /** A connection whose unfinished messages count against the budget. */
    interface Holder {
        /** Closes the connection to give its buffers back; it then {@link #release releases} them here. */
        void shed();
    }

    private final long budget;
    private final long perConnection;
    private final MeterRegistry meters;
    private final Map<Holder, Long> held = new HashMap<>();
    private long total;

    IngestBuffers(long budget, long perConnection, MeterRegistry meters) {
        this.budget = budget;
        this.perConnection = perConnection;
        this.meters = meters;
        Gauge.builder("live.ingest.buffer.bytes", this, IngestBuffers::total)
                .description("bytes held in unfinished RTMP messages over all connections")
                .baseUnit("bytes")
                .register(meters);
    }

    long total() {
        return total;
    }

    /** Records that {@code holder} now holds {@code bytes}; past the budget, sheds the biggest holders. */
    void update(Holder holder, long bytes) {
        set(holder, bytes);
        while (total > budget && !held.isEmpty()) {
            Holder biggest = held.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            LimitRefusals.count(meters, LimitRefusals.INGEST_BUFFER_BUDGET);
            set(biggest, 0); // before shedding: its buffers are garbage once it is closed
            biggest.shed();
        }
    }

    /** {@code holder} is gone: what it held no longer counts. */
    void release(Holder holder) {
        set(holder, 0);
    }

    private void set(Holder holder, long bytes) {
        Long before = bytes == 0 ? held.remove(holder) : held.put(holder, bytes);
        total += bytes - (before == null ? 0 : before);
    }

    /**
     * Whether a new publisher fits: the budget has room for one more connection's partial messages
     * (for a per-connection bound larger than the budget: the budget is empty).
     */
    boolean admitsPublisher() {
        return total + Math.min(perConnection, budget) <= budget;
    }

    /** Counts a publisher turned away by {@link #admitsPublisher()}. */
    void refused() {
        LimitRefusals.count(meters, LimitRefusals.INGEST_BUFFER_BUDGET);
    }
}
