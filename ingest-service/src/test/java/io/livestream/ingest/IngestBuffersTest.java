package io.livestream.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The process-wide budget over fake connections that record being shed. */
class IngestBuffersTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> shed = new ArrayList<>();
    private final IngestBuffers buffers = new IngestBuffers(1000, 300, meters);

    /** A connection that, like RtmpConnection, gives its bytes back when it is closed. */
    private IngestBuffers.Holder connection(String name) {
        return new IngestBuffers.Holder() {
            @Override
            public void shed() {
                shed.add(name);
                buffers.release(this);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private double gauge() {
        return meters.get("live.ingest.buffer.bytes").gauge().value();
    }

    private double refusals() {
        return meters.get("live.limit.refusals").tag("limit", "ingest-buffer-budget").counter().count();
    }

    @Test
    void theTotalFollowsEachConnectionsLatestFigure() {
        IngestBuffers.Holder a = connection("a");
        IngestBuffers.Holder b = connection("b");
        buffers.update(a, 200);
        buffers.update(b, 300);
        buffers.update(a, 100);
        assertThat(buffers.total()).isEqualTo(400);
        assertThat(gauge()).isEqualTo(400);
        buffers.release(b);
        buffers.update(a, 0);
        assertThat(gauge()).isZero();
        assertThat(shed).isEmpty();
    }

    @Test
    void pastTheBudgetTheBiggestHolderIsShedNotTheOneThatPassedIt() {
        IngestBuffers.Holder big = connection("big");
        IngestBuffers.Holder small = connection("small");
        IngestBuffers.Holder last = connection("last");
        buffers.update(big, 600);
        buffers.update(small, 100);
        buffers.update(last, 350); // 1050 > 1000
        assertThat(shed).containsExactly("big");
        assertThat(buffers.total()).isEqualTo(450);
        assertThat(refusals()).isEqualTo(1);
    }

    @Test
    void sheddingGoesOnUntilTheTotalIsWithinTheBudget() {
        IngestBuffers.Holder a = connection("a");
        IngestBuffers.Holder b = connection("b");
        IngestBuffers.Holder c = connection("c");
        buffers.update(a, 300);
        buffers.update(b, 300);
        buffers.update(c, 300);
        buffers.update(a, 900); // 1500: a goes; 600 is within
        assertThat(shed).containsExactly("a");
        buffers.update(b, 1200); // b alone is over it
        assertThat(shed).containsExactly("a", "b");
        assertThat(buffers.total()).isEqualTo(300);
    }

    @Test
    void publishersAreRefusedWhileLessThanOneConnectionsBoundIsLeft() {
        IngestBuffers.Holder a = connection("a");
        buffers.update(a, 700);
        assertThat(buffers.admitsPublisher()).as("300 left, the per-connection bound").isTrue();
        buffers.update(a, 701);
        assertThat(buffers.admitsPublisher()).isFalse();
        buffers.release(a);
        assertThat(buffers.admitsPublisher()).isTrue();
    }
}
