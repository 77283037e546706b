package io.livestream.fanout;

import io.livestream.common.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** A fan-out's Prometheus meters (a relay's, or a gateway's carrying relays' streams): viewers, bytes out and skipped frames per stream, closes by reason. */
public final class FanoutMetrics {
    private final MeterRegistry registry;
    private final java.util.concurrent.atomic.AtomicLong bytesOutTotal = new java.util.concurrent.atomic.AtomicLong();
    /** Viewers of every stream of this process (one fan-out per process): the load that merges writes ({@link MergePolicy}). */
    private final AtomicInteger viewersTotal = new AtomicInteger();

    public FanoutMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Bytes written to viewers of every stream since start. */
    public long bytesOut() {
        return bytesOutTotal.get();
    }

    public StreamMeters forStream(String stream) {
        return new StreamMeters(stream);
    }

    public void closed(CloseReason reason) {
        registry.counter("live.viewers.closed", "reason", reason.label).increment();
    }

    public final class StreamMeters {
        private final AtomicInteger viewers = new AtomicInteger();
        private final Gauge viewerGauge;
        private final Counter bytesOut;
        private final Counter skipped;

        private StreamMeters(String stream) {
            viewerGauge = Gauge.builder("live.viewers", viewers, AtomicInteger::get)
                    .tag("stream", stream).description("Viewers of a stream on this relay").register(registry);
            bytesOut = Counter.builder("live.egress.bytes").tag("stream", stream).baseUnit("bytes")
                    .description("FLV bytes written to viewers").register(registry);
            skipped = Counter.builder("live.frames.skipped").tag("stream", stream)
                    .description("Frames a slow viewer skipped to catch up with live").register(registry);
        }

        void viewerJoined() {
            viewers.incrementAndGet();
            viewersTotal.incrementAndGet();
        }

        void viewerLeft() {
            viewers.decrementAndGet();
            viewersTotal.decrementAndGet();
        }

        void sent(long bytes, int skippedFrames) {
            if (bytes > 0) {
                bytesOut.increment(bytes);
                bytesOutTotal.addAndGet(bytes);
            }
            if (skippedFrames > 0) {
                skipped.increment(skippedFrames);
            }
        }

        void closed(CloseReason reason) {
            FanoutMetrics.this.closed(reason);
        }

        public int viewers() {
            return viewers.get();
        }

        /** Viewers of every stream of the process. */
        public int processViewers() {
            return viewersTotal.get();
        }

        void close() {
            registry.remove(viewerGauge);
        }
    }
}
