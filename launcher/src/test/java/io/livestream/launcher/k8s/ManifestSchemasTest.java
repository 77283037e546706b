package io.livestream.launcher.k8s;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every object of every overlay, and of prod with the opt-in components, is valid against its API
 * schema: the built-in kinds' (npm kubernetes-models) and the Prometheus Operator's (PodMonitor,
 * PrometheusRule: npm @kubernetes-models/prometheus-operator), checked by {@code k8s/schema-check}
 * with Node.js; a kind it has no schema for fails too. Its npm packages are installed here, from its
 * lock file, on the first run.
 */
class ManifestSchemasTest {
    private static final Path CHECK = Manifests.K8S.resolve("schema-check");

    @BeforeAll
    static void installTheChecker() throws IOException, InterruptedException {
        if (!Files.isDirectory(CHECK.resolve("node_modules/@kubernetes-models/prometheus-operator"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/direct"})
    void everyObjectOfTheOverlayIsValid(String overlay) throws Exception {
        assertValid(Manifests.render(overlay));
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    void everyObjectWithTheOptInComponentsIsValid(String overlay) throws Exception {
        assertValid(Manifests.compose(overlay, "components/rtmps", "components/jwt-keys", "components/recording"));
    }

    private static void assertValid(Manifests rendered) throws IOException, InterruptedException {
        String report = run(List.of("node", "check.mjs"), rendered.yaml());
        assertThat(report).as("the schema check's report").contains("validated " + rendered.objects.size() + " objects, 0 failed");
    }

    /** Runs {@code command} in k8s/schema-check with {@code input} on its stdin; its output, once it exited 0. */
    private static String run(List<String> command, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(CHECK.toFile()).redirectErrorStream(true).start();
        try (var stdin = p.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command + " finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + output).isZero();
        return output;
    }
}
