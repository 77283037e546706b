package io.livestream.launcher;

import io.livestream.ingest.IngestConfig;
import io.livestream.media.rtmp.RtmpLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import static org.assertj.core.api.Assertions.assertThat;

/** The ingest memory flags reach the config: the per-connection bound in RtmpLimits, the process budget in IngestConfig. */
class IngestLimitOptionsTest {
    @Command(name = "probe")
    static final class Probe {
        @Mixin
        IngestLimitOptions limits;
    }

    private static IngestConfig parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.limits.apply(IngestConfig.defaults().withLimits(new RtmpLimits(RtmpLimits.SPEC_MAX_CHUNK_SIZE, 1024 * 1024, 64)));
    }

    @Test
    void defaultsAreTwelveMiBPerConnectionAndTwoHundredFiftySixMiBPerProcess() {
        IngestConfig config = parse();
        assertThat(config.limits().maxPartialBytes()).isEqualTo(12L * 1024 * 1024);
        assertThat(config.bufferBudget()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.limits().maxMessageLength()).as("the other RTMP limits are kept").isEqualTo(1024 * 1024);
    }

    @Test
    void flagsSetThem() {
        IngestConfig config = parse("--max-partial-kb", "4096", "--ingest-buffer-budget-mb", "64");
        assertThat(config.limits().maxPartialBytes()).isEqualTo(4L * 1024 * 1024);
        assertThat(config.bufferBudget()).isEqualTo(64L * 1024 * 1024);
    }

    /** The standalone server and the ingest role alike: the message limit is an ingest limit. */
    @Test
    void theMessageLimitIsAnIngestLimit() {
        assertThat(parse("--max-message-kb", "512").limits().maxMessageLength()).isEqualTo(512 * 1024);
        assertThat(new CommandLine(new io.livestream.launcher.cluster.IngestRoleCommand()).getCommandSpec().findOption("--max-message-kb"))
                .as("the ingest role takes it").isNotNull();
    }
}
