package io.livestream.interaction;

/** A token bucket (rate per second, burst size), refilled lazily from a nanosecond clock. */
final class TokenBucket {
    private final double ratePerNano;
    private final int burst;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, int burst, long nowNanos) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    boolean tryTake(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * ratePerNano);
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** True when the bucket has refilled to its burst: it then holds nothing a fresh bucket would not. */
    boolean isFullAt(long nowNanos) {
        return tokens + (nowNanos - lastNanos) * ratePerNano >= burst;
    }
}
