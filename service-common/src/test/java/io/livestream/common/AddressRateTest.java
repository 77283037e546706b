package io.livestream.common;

import io.livestream.common.ops.AddressRate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The guest-session rate (1 a second after a burst of 20), on an injected clock. */
class AddressRateTest {
    private final long[] now = {1_000_000_000L};
    private final AddressRate sessions = new AddressRate(1, 20, () -> now[0]);

    private void advanceMillis(long ms) {
        now[0] += ms * 1_000_000L;
    }

    @Test
    void aPageLoadBurstPassesThenTheAddressIsRefusedUntilTheBucketRefills() {
        for (int i = 0; i < 20; i++) {
            assertThat(sessions.tryTake("198.51.100.1")).as("session %d of the burst", i).isTrue();
        }
        assertThat(sessions.tryTake("198.51.100.1")).as("the 21st at once").isFalse();
        assertThat(sessions.tryTake("198.51.100.2")).as("another address").isTrue();
        advanceMillis(999);
        assertThat(sessions.tryTake("198.51.100.1")).as("not quite a second later").isFalse();
        advanceMillis(1);
        assertThat(sessions.tryTake("198.51.100.1")).as("a second later: one more").isTrue();
        assertThat(sessions.tryTake("198.51.100.1")).isFalse();
        advanceMillis(20_000);
        int again = 0;
        while (sessions.tryTake("198.51.100.1")) {
            again++;
        }
        assertThat(again).as("after 20 s idle, a whole burst again, no more").isEqualTo(20);
    }

    @Test
    void zeroPerSecondIsNoLimit() {
        AddressRate unlimited = new AddressRate(0, 1, () -> now[0]);
        for (int i = 0; i < 10_000; i++) {
            assertThat(unlimited.tryTake("127.0.0.1")).isTrue();
        }
    }
}
