package io.livestream.launcher;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The room flags standalone and the interaction role share, as picocli reads them. */
class RoomOptionsTest {
    private static RoomOptions parse(String... args) {
        StandaloneCommand command = new StandaloneCommand();
        new CommandLine(command).parseArgs(args);
        return command.rooms;
    }

    @Test
    void roomStateLivesADayAfterTheRoomWentIdleUnlessToldOtherwise() {
        assertThat(parse().rules().stateTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(parse("--room-state-ttl", "90m").rules().stateTtl()).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void aRoomStateTtlOfZeroIsABadSetting() {
        assertThatThrownBy(() -> parse("--room-state-ttl", "0").rules()).isInstanceOf(BadSettingException.class)
                .hasMessageContaining("TTL");
    }
}
