package io.livestream.common.ops;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code burst} at once, refilled at {@code perSecond}. What
 * stops one host from opening connections (or guest sessions) without end, while an audience
 * behind one address (a NAT, an Ingress) that arrives at a human pace passes. Memory follows the
 * addresses seen lately: an address whose bucket has refilled is forgotten, on a sweep every
 * {@link #SWEEP_EVERY} takes. Confined to one event loop.
 */
public final class AddressRate {
    static final int SWEEP_EVERY = 1024;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private int takesSinceSweep;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    /** {@code perSecond} of 0 or less: no limit. */
    public AddressRate(double perSecond, int burst, LongSupplier nanoTime) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
        this.nanoTime = nanoTime;
    }

    public static AddressRate unlimited() {
        return new AddressRate(0, 1, System::nanoTime);
    }

    public boolean limited() {
        return perSecond > 0;
    }

    /** Takes one token of {@code address}'s bucket; false when it is empty. */
    public boolean tryTake(String address) {
        if (!limited()) {
            return true;
        }
        long now = nanoTime.getAsLong();
        if (++takesSinceSweep >= SWEEP_EVERY) {
            sweep(now);
        }
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            buckets.put(address, new Bucket(burst - 1, now));
            return true;
        }
        refill(bucket, now);
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    /** Addresses with a bucket that is not yet full again (what this holds in memory). */
    public int tracked() {
        return buckets.size();
    }

    private void refill(Bucket bucket, long now) {
        bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / 1e9 * perSecond);
        bucket.at = now;
    }

    private void sweep(long now) {
        takesSinceSweep = 0;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket bucket = it.next();
            refill(bucket, now);
            if (bucket.tokens >= burst) {
                it.remove();
            }
        }
    }
}
