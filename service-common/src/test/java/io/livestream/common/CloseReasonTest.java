package io.livestream.common;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class CloseReasonTest {
    @Test
    void everyReasonIsFoundByItsCodeAndCodesAreDistinct() {
        for (CloseReason r : CloseReason.values()) {
            assertThat(CloseReason.ofCode(r.code)).contains(r);
        }
        assertThat(Arrays.stream(CloseReason.values()).map(r -> r.code).distinct().count()).isEqualTo(CloseReason.values().length);
    }

    @Test
    void aCodeNoReasonHasIsNone() {
        assertThat(CloseReason.ofCode((short) 1000)).isEmpty();
        assertThat(CloseReason.ofCode((short) 4999)).isEmpty();
        assertThat(CloseReason.ofCode(null)).isEmpty();
    }
}
