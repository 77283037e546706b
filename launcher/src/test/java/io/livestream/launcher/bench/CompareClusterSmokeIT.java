package io.livestream.launcher.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke run of {@code bench/compare-cluster.sh} (SMOKE=1: the bundled clip, 10 viewers, a few
 * seconds per path): ingest, two relays and a gateway as their own JVMs, then the standalone server.
 * It asserts only that the script ran to its table and every viewer of every path played; it
 * asserts no performance figure.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CompareClusterSmokeIT {

    @Test
    void everyViewerOfEveryPathPlays() throws IOException, InterruptedException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path output = Files.createTempFile("compare-cluster-", ".txt");
        ProcessBuilder pb = new ProcessBuilder("bash", "bench/compare-cluster.sh", "10")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("SMOKE", "1");
        pb.environment().put("JAR", Path.of(System.getProperty("livestream.jar", "target/livestream.jar")).toAbsolutePath().toString());
        Process script = pb.start();
        boolean ended = script.waitFor(280, TimeUnit.SECONDS);
        if (!ended) {
            script.descendants().forEach(ProcessHandle::destroy);
            script.destroy();
        }
        String report = Files.readString(output);
        System.out.println(report);
        assertThat(ended).as("the script ended by itself").isTrue();
        assertThat(script.exitValue()).as(report).isZero();
        for (String path : new String[]{"proxied", "direct", "standalone"}) {
            assertThat(report).as(path).containsPattern("(?m)^" + path + " +10 \\|.*\\| 10 asked, 10 playing, 0 failed$");
        }
    }
}
