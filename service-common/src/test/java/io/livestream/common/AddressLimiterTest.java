package io.livestream.common;

import io.livestream.common.ops.AddressLimiter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressLimiterTest {

    @Test
    void refusesTheConnectionOverTheLimitUntilOneCloses() {
        AddressLimiter limiter = new AddressLimiter(2);
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
        assertThat(limiter.tryAcquire("10.0.0.1")).isFalse();
        assertThat(limiter.tryAcquire("10.0.0.2")).as("another address has its own count").isTrue();
        limiter.release("10.0.0.1");
        assertThat(limiter.tryAcquire("10.0.0.1")).isTrue();
    }

    @Test
    void zeroMeansNoLimit() {
        AddressLimiter limiter = new AddressLimiter(0);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("127.0.0.1")).isTrue();
        }
    }
}
