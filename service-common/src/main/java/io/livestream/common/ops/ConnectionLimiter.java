package io.livestream.common.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Admission of connections per client address: at most {@code maxOpen} held at once and new ones
 * at most at a rate ({@link AddressRate}). The concurrent cap is set high enough for an audience
 * behind one address; the rate is what stops a single host from opening connections without end.
 * Each admitted connection holds a {@link Slot} that its owner gives back however the connection
 * ends; the slots held are the gauge {@code live_connections_open{kind}}, which returns to zero
 * when every client is gone. Confined to one event loop.
 */
public final class ConnectionLimiter {
    /** The gauges' counts, one per meter registry and kind, shared by every limiter of that kind. */
    private static final Map<MeterRegistry, Map<String, AtomicInteger>> OPEN = new WeakHashMap<>();

    /**
     * @param maxOpen   connections one address may hold at once (0: no cap)
     * @param perSecond new connections one address may open per second, on average (0: no rate limit)
     * @param burst     new connections one address may open at once
     */
    public record Limits(int maxOpen, double perSecond, int burst) {
        public static Limits none() {
            return new Limits(0, 0, 1);
        }

        @Override
        public String toString() {
            return maxOpen + " at once, " + perSecond + "/s (burst " + burst + ")";
        }
    }

    /** Why a connection was turned away. */
    public enum Refusal {
        TOO_MANY_OPEN, TOO_FAST
    }

    /** What {@link #tryAcquire} decided. */
    public sealed interface Admission permits Admitted, Refused {
    }

    public record Admitted(Slot slot) implements Admission {
    }

    /** @param message a sentence for the client, naming the limit */
    public record Refused(Refusal why, String message) implements Admission {
    }

    /** One connection's place; {@link #release} is idempotent, so every end path may call it. */
    public final class Slot {
        private final String address;
        private boolean released;

        private Slot(String address) {
            this.address = address;
        }

        public String address() {
            return address;
        }

        public void release() {
            if (released) {
                return;
            }
            released = true;
            open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
            gauge.decrementAndGet();
        }
    }

    private final Limits limits;
    private final AddressRate rate;
    private final Map<String, Integer> open = new HashMap<>();
    private final AtomicInteger gauge;

    /**
     * @param kind what the connections are ({@code viewer}, {@code room}, {@code rtmp}): the gauge's label
     */
    public ConnectionLimiter(String kind, Limits limits, MeterRegistry meters, LongSupplier nanoTime) {
        this.limits = limits;
        this.rate = new AddressRate(limits.perSecond(), limits.burst(), nanoTime);
        this.gauge = openGauge(meters, kind);
    }

    public ConnectionLimiter(String kind, Limits limits, MeterRegistry meters) {
        this(kind, limits, meters, System::nanoTime);
    }

    public Admission tryAcquire(String address) {
        int held = open.getOrDefault(address, 0);
        if (limits.maxOpen() > 0 && held >= limits.maxOpen()) {
            return new Refused(Refusal.TOO_MANY_OPEN, "at most " + limits.maxOpen() + " connections at once from one address");
        }
        if (!rate.tryTake(address)) {
            return new Refused(Refusal.TOO_FAST, "at most " + limits.perSecond() + " new connections a second from one address");
        }
        open.put(address, held + 1);
        gauge.incrementAndGet();
        return new Admitted(new Slot(address));
    }

    /** Connections {@code address} holds. */
    public int open(String address) {
        return open.getOrDefault(address, 0);
    }

    /** Connections held, over all addresses. */
    public int open() {
        return open.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Limits limits() {
        return limits;
    }

    private static AtomicInteger openGauge(MeterRegistry meters, String kind) {
        synchronized (OPEN) {
            return OPEN.computeIfAbsent(meters, m -> new HashMap<>()).computeIfAbsent(kind, k -> {
                AtomicInteger count = new AtomicInteger();
                Gauge.builder("live.connections.open", count, AtomicInteger::get)
                        .description("connection slots held, by kind; back to zero when every client is gone")
                        .tag("kind", k).register(meters);
                return count;
            });
        }
    }
}
