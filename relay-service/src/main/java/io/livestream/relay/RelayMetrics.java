package io.livestream.relay;

import io.livestream.common.CloseReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/** The relay's Prometheus meters: viewers, bytes out and skipped frames per stream, closes by reason. */
final class RelayMetrics {
    private final MeterRegistry registry;
    private final java.util.concurrent.atomic.AtomicLong bytesOutTotal = new java.util.concurrent.atomic.AtomicLong();
    /** Viewers of every stream of this relay (one relay per process): the load that merges writes ({@link MergePolicy}). */
    private final AtomicInteger viewersTotal = new AtomicInteger();

    RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Bytes written to viewers of every stream since start. */
    long bytesOut() {
        return bytesOutTotal.get();
    }

    StreamMeters forStream(String stream) {
        return new StreamMeters(stream);
    }

    void closed(CloseReason reason) {
        registry.counter("live.viewers.closed", "reason", reason.label).increment();
    }

    final class StreamMeters {
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
            RelayMetrics.this.closed(reason);
        }

        int viewers() {
            return viewers.get();
        }

        /** Viewers of every stream of the relay. */
        int relayViewers() {
            return viewersTotal.get();
        }

        void close() {
            registry.remove(viewerGauge);
        }
    }
}
