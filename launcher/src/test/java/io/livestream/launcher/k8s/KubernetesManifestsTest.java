package io.livestream.launcher.k8s;

import io.livestream.common.net.TrustedProxies;
import io.livestream.launcher.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.livestream.launcher.k8s.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/** The overlays render to objects that fit the code: real roles, served probes, matching discovery, no secret in base. */
class KubernetesManifestsTest {
    private static final Set<String> ROLES = Set.of("gateway", "ingest", "relay", "interaction");
    private static final Set<String> PROBE_PATHS = Set.of("/health", "/health/live");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyObjectIsNamedAndTyped(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        assertThat(m.objects).isNotEmpty();
        for (Map<String, Object> o : m.objects) {
            assertThat(o.get("apiVersion")).as("apiVersion of %s", o).isNotNull();
            assertThat(o.get("kind")).isNotNull();
            assertThat(at(o, "metadata", "name")).as("name of a %s", o.get("kind")).isNotNull();
        }
        assertThat(m.ofKind("Deployment")).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyContainerRunsARealRoleWithProbesItServes(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        Set<String> commands = new CommandLine(new Main()).getSubcommands().keySet();
        String httpPort = m.settings().get("LIVE_HTTP_PORT");
        for (Map<String, Object> deployment : m.ofKind("Deployment")) {
            for (Map<String, Object> c : Manifests.containers(deployment)) {
                List<?> args = (List<?>) c.get("args");
                assertThat(ROLES).as("role of %s", at(deployment, "metadata", "name")).contains((String) args.get(0));
                assertThat(commands).contains((String) args.get(0));
                List<?> ports = (List<?>) c.get("ports");
                Map<?, ?> http = ports.stream().map(p -> (Map<?, ?>) p).filter(p -> "http".equals(p.get("name"))).findFirst().orElseThrow();
                assertThat(String.valueOf(http.get("containerPort"))).as("the http port is LIVE_HTTP_PORT").isEqualTo(httpPort);
                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    assertThat(PROBE_PATHS).contains((String) at(c, probe, "httpGet", "path"));
                    assertThat(at(c, probe, "httpGet", "port")).isEqualTo("http");
                }
                assertThat(at(c, "readinessProbe", "httpGet", "path")).as("ready only once joined").isEqualTo("/health");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void hazelcastServiceMatchesTheDiscoverySettings(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        Map<String, String> settings = m.settings();
        Map<String, Object> headless = m.named("Service", "livestream-hazelcast");
        String namespace = (String) at(headless, "metadata", "namespace");
        assertThat(settings.get("LIVE_DISCOVERY")).isEqualTo("kubernetes");
        assertThat(settings.get("LIVE_KUBERNETES_SERVICE_DNS")).isEqualTo("livestream-hazelcast." + namespace + ".svc.cluster.local");
        assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        Map<?, ?> port = (Map<?, ?>) ((List<?>) at(headless, "spec", "ports")).get(0);
        assertThat(String.valueOf(port.get("port"))).isEqualTo(settings.get("LIVE_CLUSTER_PORT"));
        Map<?, ?> selector = (Map<?, ?>) at(headless, "spec", "selector");
        for (Map<String, Object> deployment : m.ofKind("Deployment")) {
            Map<?, ?> labels = (Map<?, ?>) at(deployment, "spec", "template", "metadata", "labels");
            assertThat(labels).as("pods of %s are found by the headless service", at(deployment, "metadata", "name"))
                    .containsAllEntriesOf((Map) selector);
            Map<String, Object> c = Manifests.containers(deployment).get(0);
            assertThat(m.environment(c, Map.of("status.podIP", "10.0.0.1"))).containsEntry("LIVE_CLUSTER_HOST", "10.0.0.1");
        }
    }

    @Test
    void baseHoldsNoSecretValue() throws Exception {
        Manifests base = Manifests.render("base");
        assertThat(base.ofKind("Secret")).isEmpty();
        for (Map<String, Object> deployment : base.ofKind("Deployment")) {
            for (Map<String, Object> c : Manifests.containers(deployment)) {
                for (Object e : (List<?>) c.get("env")) {
                    Map<?, ?> var = (Map<?, ?>) e;
                    if ("LIVE_JWT_SECRET".equals(var.get("name"))) {
                        assertThat(var.get("value")).isNull();
                        assertThat(at(var, "valueFrom", "secretKeyRef", "name")).isEqualTo("livestream-jwt");
                    }
                }
            }
        }
        try (var files = Files.walk(Manifests.K8S.resolve("base"))) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    assertThat(Files.readString(f)).as("%s", f).doesNotContain("LIVE_JWT_SECRET=");
                } catch (java.io.IOException ex) {
                    throw new AssertionError(ex);
                }
            });
        }
    }

    @Test
    void relayDrainsOnShutdownAndGatewayAndRelayAutoscaleInProd() throws Exception {
        Manifests prod = Manifests.render("overlays/prod");
        Map<String, Object> relay = prod.named("Deployment", "livestream-relay");
        assertThat(at(Manifests.containers(relay).get(0), "lifecycle", "preStop")).isNotNull();
        assertThat((Integer) at(relay, "spec", "template", "spec", "terminationGracePeriodSeconds")).isGreaterThan(15);
        assertThat(prod.ofKind("HorizontalPodAutoscaler")).extracting(h -> at(h, "spec", "scaleTargetRef", "name"))
                .containsExactlyInAnyOrder("livestream-relay", "livestream-gateway");
        assertThat(prod.ofKind("PodDisruptionBudget")).hasSize(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void gatewayTrustsTheIngressControllersForwardedAddressesOnly(String overlay) throws Exception {
        Map<String, String> settings = Manifests.render(overlay).settings();
        TrustedProxies proxies = TrustedProxies.parse(settings.get("LIVE_TRUSTED_PROXIES"));
        for (String podAddress : List.of("10.244.1.7", "10.42.0.12", "192.168.3.4", "172.17.0.5")) {
            assertThat(proxies.trusts(podAddress)).as("an ingress controller pod at %s", podAddress).isTrue();
        }
        assertThat(proxies.trusts("203.0.113.7")).as("a public address").isFalse();
        assertThat(proxies.clientAddress("10.244.1.7", List.of("203.0.113.7"), List.of())).isEqualTo("203.0.113.7");
    }
}
