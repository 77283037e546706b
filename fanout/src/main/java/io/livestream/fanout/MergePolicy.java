package io.livestream.fanout;

/**
 * When a stream's viewers are sent next: once per video frame while that is cheap, merged by load
 * within a delay budget as viewers grow.
 *
 * <p>A send to a viewer costs about the same whatever it carries (12.8 µs at 500 viewers on the
 * development machine, two thirds of it the kernel's TCP path: docs/BENCHMARKS.md), so the process
 * gets a budget of sends a second ({@link FanoutConfig#sendBudget()}), shared by all its viewers:
 * each stream's least time between two sends is {@code viewers of the process / budget}, at most
 * {@link FanoutConfig#maxWriteDelay()}. At the default 15,000 a second that is 6.7 ms at 100
 * viewers (a 30 fps stream is sent every frame, 3,000 sends a second), 33 ms at 500 (still about
 * every frame), 67 ms at 1,000 (two frames a send: 15,000 sends a second instead of 31,000) and
 * the budget's 100 ms from 1,500 on. A fixed gap ({@link FanoutConfig#mergeWrites()},
 * {@code --viewer-merge-writes}) overrides the load; a zero delay budget never merges.
 *
 * <p>Video (any tag but audio) leaves at once unless the gap since the last send has not passed;
 * audio waits for the next video frame, at the latest {@link FanoutConfig#flushWindow()} after the
 * window's first tag. So a tag waits at most the larger of the gap and the flush window. Pure: the
 * time and the load are arguments.
 */
final class MergePolicy {
    private static final long SECOND = 1_000_000_000L;

    private final long sendBudget;
    private final long maxDelayNanos;
    private final long fixedGapNanos;
    private final long flushWindowNanos;

    MergePolicy(FanoutConfig config) {
        this.sendBudget = config.sendBudget();
        this.maxDelayNanos = config.maxWriteDelay().toNanos();
        this.fixedGapNanos = config.mergeWrites().toNanos();
        this.flushWindowNanos = config.flushWindow().toNanos();
    }

    /** The least time between two sends to a stream's viewers while the process has {@code viewers}. */
    long gapNanos(long viewers) {
        if (fixedGapNanos > 0) {
            return fixedGapNanos;
        }
        if (maxDelayNanos <= 0 || sendBudget <= 0 || viewers <= 0) {
            return 0;
        }
        return viewers >= maxDelayNanos * sendBudget / SECOND ? maxDelayNanos : viewers * SECOND / sendBudget;
    }

    /**
     * When the current window is to be sent: {@code urgent} for a tag that asks for a send (any tag
     * but audio), {@code windowStart} when the window's first tag arrived, {@code lastSend} when the
     * stream's viewers were last sent. At or before {@code now}: at once.
     */
    long dueNanos(long now, long lastSend, long windowStart, boolean urgent, long viewers) {
        return Math.max(lastSend + gapNanos(viewers), urgent ? now : windowStart + flushWindowNanos);
    }
}
