package io.livestream.launcher.k8s;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromQlTest {
    @Test
    void seriesAreNamesNotFunctionsKeywordsNumbersOrDurations() {
        PromQl q = PromQl.parse("sum by (stream) (rate(live_egress_bytes_total[1m])) * 8 > 0.5e3 and on (stream) live_viewers offset 5m");
        assertThat(q.selectors).containsExactly(new PromQl.Selector("live_egress_bytes_total", Set.of()),
                new PromQl.Selector("live_viewers", Set.of()));
        assertThat(q.groupingLabels).containsExactly("stream");
    }

    @Test
    void matchersGiveTheirLabelNamesAndNotTheirValues() {
        PromQl q = PromQl.parse("sum(increase(live_viewers_closed_total{reason=\"slow-consumer\", job=~\"a{1}|b\"}[5m])) by (job, pod)");
        assertThat(q.selectors).containsExactly(new PromQl.Selector("live_viewers_closed_total", Set.of("reason", "job")));
        assertThat(q.groupingLabels).containsExactly("job", "pod");
    }

    @Test
    void aSelectorWithoutAMetricNameIsRefused() {
        assertThatThrownBy(() -> PromQl.parse("sum({__name__=~\"live_.*\"})")).isInstanceOf(IllegalArgumentException.class);
    }
}
