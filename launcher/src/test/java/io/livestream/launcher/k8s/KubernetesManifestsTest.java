package io.livestream.launcher.k8s;

import io.livestream.common.StreamNames;
import io.livestream.common.net.TrustedProxies;
import io.livestream.launcher.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.net.URI;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.livestream.launcher.k8s.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overlays render to objects that fit the code: real roles, served probes, matching discovery, no secret in base;
 * base, dev and prod keep viewers on the gateway, direct gives each relay a public host that its LIVE_PUBLIC_URL names.
 */
class KubernetesManifestsTest {
    private static final Set<String> ROLES = Set.of("gateway", "ingest", "relay", "interaction");
    private static final Set<String> PROBE_PATHS = Set.of("/health", "/health/live");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
    void everyObjectIsNamedAndTyped(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        assertThat(m.objects).isNotEmpty();
        for (Map<String, Object> o : m.objects) {
            assertThat(o.get("apiVersion")).as("apiVersion of %s", o).isNotNull();
            assertThat(o.get("kind")).isNotNull();
            assertThat(at(o, "metadata", "name")).as("name of a %s", o.get("kind")).isNotNull();
        }
        assertThat(m.workloads()).extracting(w -> at(w, "spec", "template", "metadata", "labels", "app.kubernetes.io/component"))
                .containsExactlyInAnyOrderElementsOf(ROLES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
    void everyContainerRunsARealRoleWithProbesItServes(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        Set<String> commands = new CommandLine(new Main()).getSubcommands().keySet();
        String httpPort = m.settings().get("LIVE_HTTP_PORT");
        for (Map<String, Object> deployment : m.workloads()) {
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
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
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
        for (Map<String, Object> deployment : m.workloads()) {
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

    @Test
    void prodRunsTwoInteractionReplicasAndAVoluntaryDisruptionTakesOneAtATime() throws Exception {
        Manifests prod = Manifests.render("overlays/prod");
        Map<String, Object> interaction = prod.named("Deployment", "livestream-interaction");
        assertThat((Integer) at(interaction, "spec", "replicas")).as("a room moves to another replica when one goes").isGreaterThanOrEqualTo(2);
        Map<String, Object> budget = prod.named("PodDisruptionBudget", "livestream-interaction");
        assertThat(at(budget, "spec", "maxUnavailable")).isEqualTo(1);
        assertThat(at(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/name")).isEqualTo("livestream-interaction");
        assertThat((Integer) at(interaction, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                .as("time to save its rooms and hand them on").isGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
    void gatewayTrustsTheIngressControllersForwardedAddressesOnly(String overlay) throws Exception {
        Map<String, String> settings = Manifests.render(overlay).settings();
        TrustedProxies proxies = TrustedProxies.parse(settings.get("LIVE_TRUSTED_PROXIES"));
        for (String podAddress : List.of("10.244.1.7", "10.42.0.12", "192.168.3.4", "172.17.0.5")) {
            assertThat(proxies.trusts(podAddress)).as("an ingress controller pod at %s", podAddress).isTrue();
        }
        assertThat(proxies.trusts("203.0.113.7")).as("a public address").isFalse();
        assertThat(proxies.clientAddress("10.244.1.7", List.of("203.0.113.7"), List.of())).isEqualTo("203.0.113.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void baseAndItsOverlaysKeepViewersOnTheGateway(String dir) throws Exception {
        Manifests m = Manifests.render(dir);
        assertThat(m.ofKind("StatefulSet")).isEmpty();
        assertThat(m.settings()).doesNotContainKey("LIVE_PUBLIC_URL");
        for (Map<String, Object> workload : m.workloads()) {
            for (Map<String, Object> c : Manifests.containers(workload)) {
                assertThat(envNames(c)).as("env of %s", at(workload, "metadata", "name")).doesNotContain("LIVE_PUBLIC_URL");
            }
        }
        assertThat(m.ofKind("Ingress")).hasSize(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void directRelaysAreProdsRelayAsAStatefulSetWithAPublicUrlFromThePodName() throws Exception {
        Manifests prod = Manifests.render("overlays/prod");
        Manifests direct = Manifests.render("overlays/direct");
        Map<String, Object> deployed = prod.named("Deployment", "livestream-relay");
        Map<String, Object> relays = direct.named("StatefulSet", "livestream-relay");
        assertThat(direct.ofKind("Deployment")).extracting(d -> at(d, "metadata", "name")).doesNotContain("livestream-relay");
        assertThat(direct.ofKind("HorizontalPodAutoscaler")).as("replicas follow the per-pod hosts, not CPU")
                .extracting(h -> at(h, "spec", "scaleTargetRef", "name")).containsExactly("livestream-gateway");
        assertThat(direct.ofKind("PodDisruptionBudget")).hasSize(4);
        assertThat(at(relays, "spec", "serviceName")).isEqualTo("livestream-hazelcast");
        assertThat(at(relays, "spec", "template", "metadata", "labels")).isEqualTo(at(deployed, "spec", "template", "metadata", "labels"));
        assertThat(at(relays, "spec", "selector")).isEqualTo(at(deployed, "spec", "selector"));

        Map<String, Object> podSpec = new HashMap<>((Map<String, Object>) at(relays, "spec", "template", "spec"));
        Map<String, Object> prodPodSpec = new HashMap<>((Map<String, Object>) at(deployed, "spec", "template", "spec"));
        assertThat(podSpec.remove("containers")).isNotNull();
        prodPodSpec.remove("containers");
        assertThat(podSpec).as("pod spec but the containers, as prod's relay").isEqualTo(prodPodSpec);

        Map<String, Object> container = new HashMap<>(Manifests.containers(relays).get(0));
        Map<String, Object> prodContainer = new HashMap<>(Manifests.containers(deployed).get(0));
        List<Object> env = (List<Object>) container.remove("env");
        List<Object> prodEnv = (List<Object>) prodContainer.remove("env");
        assertThat(container).as("image, args, ports, probes, resources, preStop as prod's relay").isEqualTo(prodContainer);
        assertThat(env.subList(0, prodEnv.size())).isEqualTo(prodEnv);
        assertThat(env.subList(prodEnv.size(), env.size())).extracting(e -> (Object) ((Map<?, ?>) e).get("name"))
                .containsExactly("POD_NAME", "LIVE_PUBLIC_URL");
        assertThat(at(env.get(prodEnv.size()), "valueFrom", "fieldRef", "fieldPath")).isEqualTo("metadata.name");
        assertThat((String) ((Map<?, ?>) env.get(env.size() - 1)).get("value")).contains("$(POD_NAME)");

        assertThat(direct.workloads()).flatExtracting(Manifests::containers).extracting(c -> c.get("image"))
                .as("one image for every role").containsOnly(prodContainer.get("image"));
    }

    @Test
    void everyDirectRelayPodHasItsOwnServiceAndTlsHostAtItsPublicUrl() throws Exception {
        Manifests direct = Manifests.render("overlays/direct");
        Map<String, Object> relays = direct.named("StatefulSet", "livestream-relay");
        int replicas = (Integer) at(relays, "spec", "replicas");
        assertThat(replicas).isGreaterThan(1);
        Map<String, Object> gatewayIngress = direct.named("Ingress", "livestream");
        Map<String, Object> ingress = direct.named("Ingress", "livestream-relays");
        assertThat(at(ingress, "spec", "ingressClassName")).as("the gateway's controller: its TLS and client addresses")
                .isEqualTo(at(gatewayIngress, "spec", "ingressClassName"));
        List<?> rules = (List<?>) at(ingress, "spec", "rules");
        List<Object> tlsHosts = ((List<?>) at(ingress, "spec", "tls")).stream()
                .flatMap(t -> ((List<?>) at(t, "hosts")).stream()).map(h -> (Object) h).toList();
        List<Map<String, Object>> podServices = direct.ofKind("Service").stream()
                .filter(s -> at(s, "spec", "selector", "statefulset.kubernetes.io/pod-name") != null).toList();
        assertThat(podServices).as("one Service per replica, none for a pod that does not exist").hasSize(replicas);
        assertThat(rules).as("one host per replica").hasSize(replicas);
        Set<String> hosts = new HashSet<>();

        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            String pod = "livestream-relay-" + ordinal;
            Map<String, String> env = direct.environment(Manifests.containers(relays).get(0),
                    Map.of("metadata.name", pod, "status.podIP", "10.0.0." + (ordinal + 1)));
            URI publicUrl = URI.create(env.get("LIVE_PUBLIC_URL"));
            assertThat(publicUrl.getScheme()).as("%s is reached over TLS", pod).isEqualTo("https");
            assertThat(publicUrl.getPath()).isEmpty();
            String host = publicUrl.getHost();
            assertThat(host).as("%s's host", pod).startsWith(pod + ".");
            assertThat(hosts.add(host)).as("%s has a host of its own", pod).isTrue();
            assertThat(tlsHosts).as("the certificate covers %s", host).contains(host);

            List<Map<String, Object>> services = podServices.stream()
                    .filter(s -> pod.equals(at(s, "spec", "selector", "statefulset.kubernetes.io/pod-name"))).toList();
            assertThat(services).as("the Service selecting %s alone", pod).hasSize(1);
            Map<String, Object> service = services.get(0);
            assertThat((Map<?, ?>) at(service, "spec", "selector")).hasSize(1);
            Map<?, ?> servicePort = (Map<?, ?>) ((List<?>) at(service, "spec", "ports")).get(0);
            assertThat(servicePort.get("targetPort")).as("the relay's http port").isEqualTo("http");

            Map<?, ?> rule = rules.stream().map(r -> (Map<?, ?>) r).filter(r -> host.equals(r.get("host"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no Ingress rule for " + host));
            List<?> paths = (List<?>) at(rule, "http", "paths");
            assertThat(paths).hasSize(1);
            Map<?, ?> path = (Map<?, ?>) paths.get(0);
            assertThat(path.get("pathType")).isEqualTo("Prefix");
            String playPath = "/live/mystream.flv";
            assertThat(playPath).as("the play path is routed").matches(StreamNames.PLAY_PATH)
                    .startsWith(path.get("path") + "/");
            assertThat(at(path, "backend", "service", "name")).isEqualTo(at(service, "metadata", "name"));
            assertThat(at(path, "backend", "service", "port", "name")).isEqualTo(servicePort.get("name"));
        }
        assertThat(hosts).doesNotContain((String) at(((List<?>) at(gatewayIngress, "spec", "rules")).get(0), "host"));
    }

    @Test
    void relayIngressHoldsViewersToTheGatewaysLimitsPerAddress() throws Exception {
        Map<?, ?> annotations = (Map<?, ?>) at(Manifests.render("overlays/direct").named("Ingress", "livestream-relays"),
                "metadata", "annotations");
        CommandLine main = new CommandLine(new Main());
        main.parseArgs("gateway"); // the gateway role's defaults, as a pod without those settings gets them
        var spec = main.getSubcommands().get("gateway").getCommandSpec();
        int held = spec.findOption("--viewer-connections-per-address").getValue();
        double rate = spec.findOption("--viewer-connection-rate").getValue();
        int burst = spec.findOption("--viewer-connection-burst").getValue();
        String nginx = "nginx.ingress.kubernetes.io/";
        assertThat(Integer.parseInt((String) annotations.get(nginx + "limit-connections"))).isEqualTo(held);
        int rps = Integer.parseInt((String) annotations.get(nginx + "limit-rps"));
        assertThat((double) rps).isEqualTo(rate);
        assertThat(rps * Integer.parseInt((String) annotations.get(nginx + "limit-burst-multiplier"))).isEqualTo(burst);
        assertThat(annotations.get(nginx + "proxy-buffering")).isEqualTo("off");
    }

    private static List<Object> envNames(Map<String, Object> container) {
        return ((List<?>) container.getOrDefault("env", List.of())).stream().map(e -> (Object) ((Map<?, ?>) e).get("name")).toList();
    }
}
