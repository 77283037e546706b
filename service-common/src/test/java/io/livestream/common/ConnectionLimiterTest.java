package io.livestream.common;

import io.livestream.common.ops.AddressRate;
import io.livestream.common.ops.ConnectionLimiter;
import io.livestream.common.ops.ConnectionLimiter.Admitted;
import io.livestream.common.ops.ConnectionLimiter.Refused;
import io.livestream.common.ops.ConnectionLimiter.Refusal;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLimiterTest {
    private final long[] now = {0};
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private ConnectionLimiter limiter(int maxOpen, double perSecond, int burst) {
        return new ConnectionLimiter("viewer", new ConnectionLimiter.Limits(maxOpen, perSecond, burst), meters, () -> now[0]);
    }

    private double gauge() {
        return meters.get("live.connections.open").tag("kind", "viewer").gauge().value();
    }

    private void advance(long millis) {
        now[0] += TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void refusesTheConnectionOverTheCapUntilOneIsReleased() {
        ConnectionLimiter limiter = limiter(2, 0, 1);
        ConnectionLimiter.Slot first = ((Admitted) limiter.tryAcquire("10.0.0.1")).slot();
        assertThat(limiter.tryAcquire("10.0.0.1")).isInstanceOf(Admitted.class);
        assertThat(limiter.tryAcquire("10.0.0.1")).isInstanceOfSatisfying(Refused.class,
                r -> assertThat(r.why()).isEqualTo(Refusal.TOO_MANY_OPEN));
        assertThat(limiter.tryAcquire("10.0.0.2")).as("another address has its own count").isInstanceOf(Admitted.class);
        first.release();
        assertThat(limiter.tryAcquire("10.0.0.1")).isInstanceOf(Admitted.class);
    }

    @Test
    void aSlotReleasedTwiceIsGivenBackOnce() {
        ConnectionLimiter limiter = limiter(2, 0, 1);
        ConnectionLimiter.Slot slot = ((Admitted) limiter.tryAcquire("10.0.0.1")).slot();
        limiter.tryAcquire("10.0.0.1");
        slot.release();
        slot.release();
        assertThat(limiter.open("10.0.0.1")).isEqualTo(1);
        assertThat(gauge()).isEqualTo(1);
    }

    @Test
    void theGaugeCountsSlotsHeldAndReturnsToZero() {
        ConnectionLimiter limiter = limiter(0, 0, 1);
        List<ConnectionLimiter.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            slots.add(((Admitted) limiter.tryAcquire("192.0.2." + (i % 3))).slot());
        }
        assertThat(gauge()).isEqualTo(1500);
        slots.forEach(ConnectionLimiter.Slot::release);
        assertThat(gauge()).isZero();
        assertThat(limiter.open()).isZero();
    }

    @Test
    void limitersOfOneKindShareTheirGauge() {
        ConnectionLimiter a = limiter(0, 0, 1);
        ConnectionLimiter b = limiter(0, 0, 1);
        a.tryAcquire("10.0.0.1");
        b.tryAcquire("10.0.0.1");
        assertThat(gauge()).isEqualTo(2);
    }

    @Test
    void aBurstPassesThenNewConnectionsComeAtTheRate() {
        ConnectionLimiter limiter = limiter(0, 20, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.tryAcquire("198.51.100.7")).as("connection %d of the burst", i).isInstanceOf(Admitted.class);
        }
        assertThat(limiter.tryAcquire("198.51.100.7")).isInstanceOfSatisfying(Refused.class,
                r -> assertThat(r.why()).isEqualTo(Refusal.TOO_FAST));
        assertThat(limiter.tryAcquire("198.51.100.8")).as("another address has its own bucket").isInstanceOf(Admitted.class);
        advance(1000);
        int admitted = 0;
        while (limiter.tryAcquire("198.51.100.7") instanceof Admitted) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(20);
    }

    @Test
    void aThousandViewersBehindOneAddressArrivingOverAMinuteAllGetIn() {
        ConnectionLimiter limiter = limiter(5000, 20, 100);
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.tryAcquire("203.0.113.1")).as("viewer %d", i).isInstanceOf(Admitted.class);
            advance(60);
        }
        assertThat(limiter.open("203.0.113.1")).isEqualTo(1000);
    }

    @Test
    void zeroMeansNoLimit() {
        ConnectionLimiter limiter = limiter(0, 0, 1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("127.0.0.1")).isInstanceOf(Admitted.class);
        }
    }

    @Test
    void addressesWhoseBucketsRefilledAreForgotten() {
        AddressRate rate = new AddressRate(10, 5, () -> now[0]);
        for (int i = 0; i < 1000; i++) {
            assertThat(rate.tryTake("10.1." + (i / 250) + "." + (i % 250))).isTrue();
        }
        advance(1000);
        for (int i = 0; i < 1100; i++) {
            rate.tryTake("10.9.9.9");
            advance(100);
        }
        assertThat(rate.tracked()).as("only the address still taking is remembered").isEqualTo(1);
    }
}
