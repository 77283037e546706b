package io.livestream.common.ops;

import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code max} open connections per client address on one server; 0 means no limit.
 * Confined to the server's event loop.
 */
public final class AddressLimiter {
    private final int max;
    private final Map<String, Integer> open = new HashMap<>();

    public AddressLimiter(int max) {
        this.max = max;
    }

    /** Counts a new connection from {@code address}, unless that address already has {@code max}. */
    public boolean tryAcquire(String address) {
        if (max <= 0) {
            return true;
        }
        int n = open.getOrDefault(address, 0);
        if (n >= max) {
            return false;
        }
        open.put(address, n + 1);
        return true;
    }

    public void release(String address) {
        if (max > 0) {
            open.computeIfPresent(address, (a, n) -> n > 1 ? n - 1 : null);
        }
    }

    public int open(String address) {
        return open.getOrDefault(address, 0);
    }
}
