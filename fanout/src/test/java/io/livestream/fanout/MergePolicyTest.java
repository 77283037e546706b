package io.livestream.fanout;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MergePolicyTest {
    private static final long MS = 1_000_000;
    private static final long FRAME = 33_333_333; // 30 fps

    private final MergePolicy defaults = new MergePolicy(FanoutConfig.defaults());

    @Test
    void gapIsTheViewersOfTheProcessOverTheSendBudgetUpToTheDelayBudget() {
        assertThat(FanoutConfig.defaults().sendBudget()).isEqualTo(15_000);
        assertThat(FanoutConfig.defaults().maxWriteDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.gapNanos(0)).isZero();
        assertThat(defaults.gapNanos(100)).isCloseTo(6_666_666L, within(1L));
        assertThat(defaults.gapNanos(500)).isCloseTo(33_333_333L, within(1L));
        assertThat(defaults.gapNanos(1_000)).isCloseTo(66_666_666L, within(1L));
        assertThat(defaults.gapNanos(1_500)).isEqualTo(100 * MS);
        assertThat(defaults.gapNanos(100_000)).isEqualTo(100 * MS);
        assertThat(defaults.gapNanos(Integer.MAX_VALUE)).isEqualTo(100 * MS);
    }

    @Test
    void aZeroDelayBudgetNeverMerges() {
        MergePolicy never = new MergePolicy(FanoutConfig.defaults().withMaxWriteDelay(Duration.ZERO, 15_000));
        assertThat(never.gapNanos(100_000)).isZero();
        assertThat(never.dueNanos(5 * MS, 4 * MS, 5 * MS, true, 100_000)).isEqualTo(5 * MS);
    }

    @Test
    void aFixedMergeIntervalOverridesTheLoad() {
        MergePolicy fixed = new MergePolicy(FanoutConfig.defaults().withMergeWrites(Duration.ofMillis(40)));
        assertThat(fixed.gapNanos(1)).isEqualTo(40 * MS);
        assertThat(fixed.gapNanos(100_000)).isEqualTo(40 * MS);
    }

    @Test
    void whileCheapEveryVideoFrameLeavesAsItArrives() {
        long lastSend = 0;
        for (int i = 1; i <= 90; i++) {
            long now = i * FRAME;
            assertThat(defaults.dueNanos(now, lastSend, now, true, 500)).as("frame %d at 500 viewers", i).isEqualTo(now);
            lastSend = now;
        }
    }

    @Test
    void aChangeOfLoadTakesEffectAtTheNextSend() {
        long lastSend = 0;
        assertThat(defaults.dueNanos(FRAME, lastSend, FRAME, true, 1_000)).as("1,000 viewers: the frame waits")
                .isCloseTo(66_666_666L, within(1L));
        assertThat(defaults.dueNanos(40 * MS, lastSend, FRAME, true, 100)).as("down to 100 at the next tag: at once")
                .isEqualTo(40 * MS);
        assertThat(defaults.dueNanos(FRAME, lastSend, FRAME, true, 2_000)).as("up to 2,000: the budget")
                .isEqualTo(100 * MS);
    }

    @Test
    void audioWithoutVideoWaitsAtMostTheFlushWindowOrTheGap() {
        // few viewers: the flush window alone
        assertThat(defaults.dueNanos(5 * MS, 0, 5 * MS, false, 10)).isEqualTo(45 * MS);
        assertThat(defaults.dueNanos(70 * MS, 0, 5 * MS, false, 10)).as("a later audio tag, same window").isEqualTo(45 * MS);
        // many: the gap, which the budget bounds
        assertThat(defaults.dueNanos(5 * MS, 0, 5 * MS, false, 3_000)).isEqualTo(100 * MS);
        assertThat(defaults.dueNanos(90 * MS, 0, 90 * MS, false, 3_000)).isEqualTo(130 * MS);
    }

    /**
     * The hub's scheduling played over 20 s of tags at random times (video and audio, bursts and
     * gaps) while the load swings between 0 and 5,000 viewers: no tag waits longer than the delay
     * budget (or the flush window, for audio, if that were longer).
     */
    @Test
    void noTagIsHeldLongerThanTheBudgetWhateverTheLoad() {
        Random random = new Random(14);
        Schedule schedule = new Schedule(defaults);
        long now = 0;
        while (now < 20_000 * MS) {
            now += random.nextInt(50) * MS + random.nextInt(1_000_000);
            schedule.arrive(now, random.nextInt(3) == 0, random.nextInt(5_000));
        }
        schedule.sendDue(Long.MAX_VALUE);
        assertThat(schedule.waits).hasSizeGreaterThan(500);
        assertThat(schedule.waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(100 * MS));
        assertThat(schedule.waits.stream().mapToLong(w -> w).max().orElseThrow()).as("the budget is used").isGreaterThan(90 * MS);
    }

    /** 30 fps video and audio between: at 1,000 viewers a send every 67 ms, not every frame; at 100 every frame. */
    @Test
    void sendsPerSecondFallAsViewersGrow() {
        assertThat(sendsIn10sOf30Fps(100)).isEqualTo(300);
        assertThat(sendsIn10sOf30Fps(1_000)).isBetween(148, 151);
        assertThat(sendsIn10sOf30Fps(5_000)).isBetween(99, 101);
    }

    private int sendsIn10sOf30Fps(int viewers) {
        Schedule schedule = new Schedule(defaults);
        for (int i = 1; i <= 300; i++) {
            schedule.arrive(i * FRAME - 15 * MS, false, viewers); // audio
            schedule.arrive(i * FRAME, true, viewers);
        }
        schedule.sendDue(Long.MAX_VALUE);
        assertThat(schedule.waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(100 * MS));
        return schedule.sends;
    }

    /** What {@link StreamHub} does with the policy: a send is due at the earliest due time a tag of the window asked for. */
    private static final class Schedule {
        private final MergePolicy policy;
        private final List<Long> window = new ArrayList<>();
        private final List<Long> waits = new ArrayList<>();
        private long lastSend = Long.MIN_VALUE / 2;
        private long due = Long.MAX_VALUE;
        private int sends;

        Schedule(MergePolicy policy) {
            this.policy = policy;
        }

        void arrive(long now, boolean urgent, int viewers) {
            sendDue(now);
            window.add(now);
            due = Math.min(due, policy.dueNanos(now, lastSend, window.get(0), urgent, viewers));
            sendDue(now);
        }

        void sendDue(long now) {
            if (!window.isEmpty() && due <= now) {
                long at = Math.max(due, window.get(window.size() - 1));
                window.forEach(arrived -> waits.add(at - arrived));
                window.clear();
                lastSend = at;
                due = Long.MAX_VALUE;
                sends++;
            }
        }
    }
}
