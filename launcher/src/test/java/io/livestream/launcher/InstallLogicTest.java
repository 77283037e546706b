package io.livestream.launcher;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What scripts/install-deps.sh decides to install (which Node.js versions do, what is reused, where the tools it
 * brings go): scripts/test-install-logic.sh checks scripts/lib/tools.sh against fake tools on fake PATHs.
 */
class InstallLogicTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void installDecisionsHoldOnFakeMachines() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("scripts/test-install-logic.sh").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("0 failed");
    }
}
