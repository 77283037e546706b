package io.livestream.launcher.k8s;

import io.livestream.launcher.Main;
import io.livestream.launcher.k8s.NetworkPolicies.Peer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.livestream.launcher.k8s.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS at the Ingress, the opt-in components (RTMPS on ingest, JWT key pairs) and the NetworkPolicies, read from the
 * rendered objects: the Secrets they name, the files they mount where the settings point, the pods the policies select.
 */
class KubernetesManifestsSecurityTest {
    private static final String CERT_MANAGER_ISSUER = "cert-manager.io/cluster-issuer";
    private static final String INGRESS_CONTROLLER_NAMESPACE = "ingress-nginx";
    private static final String MONITORING_NAMESPACE = "monitoring";

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/direct"})
    void everyIngressHostIsServedOverTlsFromItsSecret(String dir) throws Exception {
        Manifests m = Manifests.render(dir);
        Map<String, String> secretOf = Map.of("livestream", "livestream-tls", "livestream-relays", "livestream-relays-tls");
        assertThat(m.ofKind("Ingress")).isNotEmpty();
        for (Map<String, Object> ingress : m.ofKind("Ingress")) {
            String name = (String) at(ingress, "metadata", "name");
            List<?> tls = (List<?>) at(ingress, "spec", "tls");
            assertThat(tls).as("TLS of the Ingress %s", name).hasSize(1);
            assertThat(at(tls.get(0), "secretName")).isEqualTo(secretOf.get(name));
            List<Object> tlsHosts = ((List<?>) at(tls.get(0), "hosts")).stream().map(h -> (Object) h).toList();
            for (Object rule : (List<?>) at(ingress, "spec", "rules")) {
                assertThat(tlsHosts).as("the certificate of %s covers the rule's host", name).contains(at(rule, "host"));
            }
            Object issuer = at(ingress, "metadata", "annotations", CERT_MANAGER_ISSUER);
            if (dir.equals("overlays/prod") || dir.equals("overlays/direct")) {
                assertThat((String) issuer).as("cert-manager fills %s", secretOf.get(name)).isNotBlank();
            } else {
                assertThat(issuer).as("base and dev need no cert-manager").isNull();
            }
        }
    }

    @Test
    void baseNamesSecretsButHoldsNone() throws Exception {
        Manifests base = Manifests.render("base");
        assertThat(base.ofKind("Secret")).isEmpty();
        for (Map<String, Object> o : base.objects) {
            assertThat(o).as("%s %s", o.get("kind"), at(o, "metadata", "name")).doesNotContainKey("stringData");
        }
        assertThat(base.settings().keySet()).noneMatch(k -> k.startsWith("LIVE_JWT") || k.startsWith("LIVE_TLS"));
        for (String dir : List.of("base", "components")) {
            try (Stream<Path> files = Files.walk(Manifests.K8S.resolve(dir))) {
                files.filter(Files::isRegularFile).forEach(f -> assertThat(read(f)).as("%s", f)
                        .doesNotContain("-----BEGIN").doesNotContain("LIVE_JWT_SECRET=").doesNotContainPattern("(?m)^kind: Secret$"));
            }
        }
    }

    @Test
    void withoutTheComponentsNoPodNeedsASecretBeyondTheJwtSecret() throws Exception {
        for (String overlay : List.of("overlays/dev", "overlays/prod", "overlays/direct")) {
            Manifests m = Manifests.render(overlay);
            for (Map<String, Object> workload : m.workloads()) {
                assertThat(volumes(workload)).as("volumes of %s in %s", at(workload, "metadata", "name"), overlay).isEmpty();
                assertThat(envNames(Manifests.containers(workload).get(0))).doesNotContain("LIVE_TLS_CERT", "LIVE_TLS_KEY");
            }
            assertThat(servicePortNames(m.named("Service", "livestream-ingest"))).containsExactly("rtmp");
        }
    }

    /** A pod holds the shared secret only where its role's code reads it: interaction checks no token. */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod", "overlays/direct"})
    void theSharedSecretGoesOnlyToRolesThatReadIt(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        for (Map<String, Object> workload : m.workloads()) {
            Map<String, Object> container = Manifests.containers(workload).get(0);
            CommandSpec role = roleSpec((String) ((List<?>) container.get("args")).get(0));
            assertThat(envNames(container).contains("LIVE_JWT_SECRET")).as("%s in %s has the secret", at(workload, "metadata", "name"), overlay)
                    .isEqualTo(role.findOption("--jwt-secret") != null);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
    void rtmpsComponentServesTheMountedCertificateOnTheIngestService(String overlay) throws Exception {
        Manifests m = Manifests.compose(overlay, "components/rtmps");
        Map<String, Object> ingest = m.named("Deployment", "livestream-ingest");
        Map<String, Object> container = Manifests.containers(ingest).get(0);
        Map<String, String> env = m.environment(container, Map.of("status.podIP", "10.0.0.1"));
        CommandSpec role = roleSpec("ingest");
        assertThat(role.findOption("--tls-cert").defaultValueString(false)).contains("LIVE_TLS_CERT");
        assertThat(role.findOption("--tls-key").defaultValueString(false)).contains("LIVE_TLS_KEY");
        assertThat(role.findOption("--rtmps-port").defaultValueString(false)).contains("LIVE_RTMPS_PORT");

        assertThat(secretFile(ingest, env.get("LIVE_TLS_CERT"))).as("LIVE_TLS_CERT").isEqualTo("livestream-ingest-tls/tls.crt");
        assertThat(secretFile(ingest, env.get("LIVE_TLS_KEY"))).as("LIVE_TLS_KEY").isEqualTo("livestream-ingest-tls/tls.key");
        Map<?, ?> rtmps = NetworkPolicies.containerPort(ingest, "rtmps");
        assertThat(String.valueOf(rtmps.get("containerPort"))).as("the port ingest serves RTMPS on").isEqualTo(env.get("LIVE_RTMPS_PORT"));

        Map<String, Object> service = m.named("Service", "livestream-ingest");
        assertThat(at(service, "spec", "type")).isEqualTo("LoadBalancer");
        Map<?, ?> servicePort = ((List<?>) at(service, "spec", "ports")).stream().map(p -> (Map<?, ?>) p)
                .filter(p -> "rtmps".equals(p.get("name"))).findFirst().orElseThrow(() -> new AssertionError("no rtmps on the Service"));
        assertThat(servicePort.get("targetPort")).isEqualTo("rtmps");
        assertThat(servicePortNames(service)).as("RTMP stays").contains("rtmp");
        assertThat(new NetworkPolicies(m).admits(Peer.outside(), ingest, "rtmps")).as("streamers reach RTMPS").isTrue();
        assertThat(volumes(m.named("Deployment", "livestream-gateway"))).as("TLS for viewers ends at the Ingress").isEmpty();
    }

    /**
     * The recording component: ingest records into the shared claim (read-write, with the bounds set),
     * the gateway serves from the same claim read-only, no other pod mounts it, and the claim is
     * ReadWriteMany, since the pods that share it run on several nodes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod", "overlays/direct"})
    void recordingComponentSharesOneClaimBetweenIngestWhichWritesAndTheGatewayWhichServes(String overlay) throws Exception {
        Manifests m = Manifests.compose(overlay, "components/recording");
        Map<String, Object> claim = m.named("PersistentVolumeClaim", "livestream-recordings");
        assertThat(at(claim, "spec", "accessModes")).isEqualTo(List.of("ReadWriteMany"));
        for (Map<String, Object> workload : m.workloads()) {
            String name = (String) at(workload, "metadata", "name");
            Map<String, Object> container = Manifests.containers(workload).get(0);
            CommandSpec role = roleSpec((String) ((List<?>) container.get("args")).get(0));
            Map<String, String> env = m.environment(container, Map.of("status.podIP", "10.0.0.1", "metadata.name", name + "-0"));
            Map<?, ?> mount = Manifests.claimMount(workload, "livestream-recordings");
            switch (name) {
                case "livestream-ingest", "livestream-gateway" -> {
                    assertThat(role.findOption("--record").defaultValueString(false)).contains("LIVE_RECORD_DIR");
                    assertThat(mount).as("%s mounts the claim", name).isNotNull();
                    assertThat(env.get("LIVE_RECORD_DIR")).as("%s records to / serves from the claim", name).isEqualTo(mount.get("mountPath"));
                    boolean writes = name.equals("livestream-ingest");
                    assertThat(mount.get("readOnly")).as("%s read-only", name).isEqualTo(writes ? null : true);
                    if (writes) {
                        assertThat(Double.parseDouble(env.get("LIVE_RECORD_MAX_GB")) * 1e9).as("bounded below the claim's size")
                                .isLessThan(bytes((String) at(claim, "spec", "resources", "requests", "storage")));
                        assertThat(env.get("LIVE_RECORD_MAX_AGE")).isNotBlank();
                    } else {
                        assertThat(env).as("the gateway deletes nothing").doesNotContainKeys("LIVE_RECORD_MAX_GB", "LIVE_RECORD_MAX_AGE");
                    }
                }
                default -> {
                    assertThat(mount).as("%s does not mount the recordings", name).isNull();
                    assertThat(env).doesNotContainKey("LIVE_RECORD_DIR");
                }
            }
        }
    }

    /** A quantity such as {@code 100Gi} in bytes. */
    private static double bytes(String quantity) {
        assertThat(quantity).as("a quantity in Gi").endsWith("Gi");
        return Double.parseDouble(quantity.substring(0, quantity.length() - 2)) * (1L << 30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    void jwtKeysComponentGivesEachRoleTheKeysItsCodeReads(String overlay) throws Exception {
        Manifests m = Manifests.compose(overlay, "components/jwt-keys");
        assertThat(m.workloads()).hasSize(4);
        for (Map<String, Object> workload : m.workloads()) {
            String name = (String) at(workload, "metadata", "name");
            Map<String, Object> container = Manifests.containers(workload).get(0);
            CommandSpec role = roleSpec((String) ((List<?>) container.get("args")).get(0));
            Map<String, String> env = m.environment(container, Map.of("status.podIP", "10.0.0.1", "metadata.name", name + "-0"));
            assertThat(env).as("%s keeps no shared secret", name).doesNotContainKey("LIVE_JWT_SECRET");

            boolean checks = role.findOption("--jwt-public-key") != null;
            boolean signs = role.findOption("--jwt-private-key") != null;
            assertThat(signs).as("the gateway alone signs tokens").isEqualTo(name.equals("livestream-gateway"));
            assertThat(checks).as("interaction alone reads no token").isEqualTo(!name.equals("livestream-interaction"));
            if (checks) {
                assertThat(role.findOption("--jwt-public-key").defaultValueString(false)).contains("LIVE_JWT_PUBLIC_KEY");
                assertThat(secretFile(workload, env.get("LIVE_JWT_PUBLIC_KEY"))).as("%s's public key", name)
                        .isEqualTo("livestream-jwt-keys/jwt.pub");
            } else {
                assertThat(env).doesNotContainKey("LIVE_JWT_PUBLIC_KEY");
            }
            if (signs) {
                assertThat(role.findOption("--jwt-private-key").defaultValueString(false)).contains("LIVE_JWT_PRIVATE_KEY");
                assertThat(secretFile(workload, env.get("LIVE_JWT_PRIVATE_KEY"))).isEqualTo("livestream-jwt-keys/jwt.key");
            } else {
                assertThat(env).doesNotContainKey("LIVE_JWT_PRIVATE_KEY");
                assertThat(mountedSecretKeys(workload, "livestream-jwt-keys")).as("%s gets no private key", name)
                        .doesNotContain("jwt.key").hasSize(checks ? 1 : 0);
            }
        }
    }

    @Test
    void everyPolicySelectsPodsThatExistOnPortsTheyHave() throws Exception {
        for (Manifests m : List.of(Manifests.render("overlays/prod"), Manifests.render("overlays/direct"),
                Manifests.compose("overlays/prod", "components/rtmps"))) {
            assertThat(m.ofKind("NetworkPolicy")).isNotEmpty();
            for (Map<String, Object> policy : m.ofKind("NetworkPolicy")) {
                String name = (String) at(policy, "metadata", "name");
                List<Map<String, Object>> selected = m.workloads().stream()
                        .filter(w -> NetworkPolicies.matches(at(policy, "spec", "podSelector"), templateLabels(w))).toList();
                assertThat(selected).as("pods %s selects", name).isNotEmpty();
                for (Object rule : (List<?>) at(policy, "spec", "ingress")) {
                    for (Object port : listAt(rule, "ports")) {
                        assertThat(at(port, "port")).as("%s names ports, as the containers do", name).isInstanceOf(String.class);
                        selected.forEach(w -> NetworkPolicies.containerPort(w, (String) at(port, "port")));
                    }
                    for (Object from : listAt(rule, "from")) {
                        if (at(from, "podSelector") != null && at(from, "namespaceSelector") == null) {
                            assertThat(m.workloads()).as("pods %s lets in", name)
                                    .anyMatch(w -> NetworkPolicies.matches(at(from, "podSelector"), templateLabels(w)));
                        }
                    }
                }
            }
            for (Map<String, Object> workload : m.workloads()) {
                assertThat(new NetworkPolicies(m).selecting((String) at(workload, "metadata", "namespace"), templateLabels(workload)))
                        .as("%s is covered", at(workload, "metadata", "name")).isNotEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    void hazelcastAndTheEventBusAreReachedFromThePlatformsPodsOnly(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        NetworkPolicies policies = new NetworkPolicies(m);
        CommandSpec anyRole = roleSpec("relay");
        assertThat(anyRole.findOption("--bus-port").defaultValueString(false)).contains("LIVE_BUS_PORT");
        for (Map<String, Object> workload : m.workloads()) {
            String name = (String) at(workload, "metadata", "name");
            Map<String, String> env = m.environment(Manifests.containers(workload).get(0), Map.of("status.podIP", "10.0.0.1", "metadata.name", name + "-0"));
            assertThat(String.valueOf(NetworkPolicies.containerPort(workload, "bus").get("containerPort")))
                    .as("%s's port bus is the one its event bus listens on", name).isEqualTo(env.get("LIVE_BUS_PORT"));
            for (String port : List.of("hazelcast", "bus")) {
                for (Map<String, Object> member : m.workloads()) {
                    assertThat(policies.admits(platformPod(member), workload, port))
                            .as("%s reaches %s's %s", at(member, "metadata", "name"), name, port).isTrue();
                }
                String namespace = (String) at(workload, "metadata", "namespace");
                for (Peer stranger : List.of(Peer.outside(), Peer.pod(namespace, Map.of("app", "debug")),
                        Peer.pod(INGRESS_CONTROLLER_NAMESPACE, Map.of()), Peer.pod(MONITORING_NAMESPACE, Map.of()),
                        Peer.pod("other", Map.of("app.kubernetes.io/part-of", "livestream")))) {
                    assertThat(policies.admits(stranger, workload, port)).as("%s reaches %s on %s", stranger, port, name).isFalse();
                }
            }
        }
        List<?> rules = (List<?>) at(m.named("NetworkPolicy", "livestream-cluster"), "spec", "ingress");
        assertThat(rules.stream().flatMap(rule -> listAt(rule, "ports").stream()).map(p -> at(p, "port")).toList())
                .as("between the platform's pods the ports they use, not every port").containsExactlyInAnyOrder("hazelcast", "bus", "http");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    void eachRolesPortsAreOpenOnlyToWhoMustReachThem(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        NetworkPolicies policies = new NetworkPolicies(m);
        boolean direct = overlay.equals("overlays/direct");
        Map<String, Object> gateway = m.named("Deployment", "livestream-gateway");
        Map<String, Object> relay = m.named(direct ? "StatefulSet" : "Deployment", "livestream-relay");
        Map<String, Object> ingest = m.named("Deployment", "livestream-ingest");
        Map<String, Object> interaction = m.named("Deployment", "livestream-interaction");
        Peer controller = Peer.pod(INGRESS_CONTROLLER_NAMESPACE, Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Peer prometheus = Peer.pod(MONITORING_NAMESPACE, Map.of("app.kubernetes.io/name", "prometheus"));

        assertThat(policies.admits(controller, gateway, "http")).as("the ingress controller to the gateway").isTrue();
        assertThat(policies.admits(Peer.outside(), gateway, "http")).isFalse();
        assertThat(policies.admits(platformPod(gateway), relay, "http")).as("the gateway pulls from relays").isTrue();
        assertThat(policies.admits(controller, relay, "http")).as("relays exposed per pod in direct only").isEqualTo(direct);
        assertThat(policies.admits(Peer.outside(), relay, "http")).isFalse();
        assertThat(policies.admits(platformPod(gateway), interaction, "http")).isTrue();
        assertThat(policies.admits(controller, interaction, "http")).as("nothing outside the platform reaches interaction").isFalse();
        assertThat(policies.admits(controller, ingest, "http")).isFalse();
        assertThat(policies.admits(Peer.outside(), ingest, "http")).isFalse();
        assertThat(policies.admits(Peer.outside(), ingest, "rtmp")).as("streamers publish from anywhere").isTrue();
        assertThat(policies.admits(Peer.outside(), gateway, "hazelcast")).isFalse();
        for (Map<String, Object> workload : m.workloads()) {
            assertThat(policies.admits(prometheus, workload, "http")).as("Prometheus scrapes %s", at(workload, "metadata", "name")).isTrue();
            assertThat(policies.admits(prometheus, workload, "hazelcast")).isFalse();
            assertThat(policies.admits(Peer.pod("default", Map.of()), workload, "http")).as("a pod of another namespace").isFalse();
        }
        assertThat(policies.admits(Peer.outside(), relay, "http")).isFalse();
    }

    @Test
    void devHasNoNetworkPolicies() throws Exception {
        assertThat(Manifests.render("overlays/dev").ofKind("NetworkPolicy")).as("a dev cluster's controller may live anywhere").isEmpty();
        assertThat(Manifests.render("base").ofKind("NetworkPolicy")).isEmpty();
    }

    /** A pod of {@code workload} in its namespace, with its template's labels. */
    private static Peer platformPod(Map<String, Object> workload) {
        return Peer.pod((String) at(workload, "metadata", "namespace"), templateLabels(workload));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> templateLabels(Map<String, Object> workload) {
        return (Map<String, String>) at(workload, "spec", "template", "metadata", "labels");
    }

    /**
     * Which Secret and key the file at {@code path} in the workload's first container holds ({@code secret/key}):
     * through the volume mounted at the path's directory, and the volume's items where it lists them. Fails when the
     * path is no file of a mounted Secret.
     */
    private static String secretFile(Map<String, Object> workload, String path) {
        assertThat(path).as("a file path").isNotNull().startsWith("/");
        String dir = path.substring(0, path.lastIndexOf('/'));
        String file = path.substring(path.lastIndexOf('/') + 1);
        Map<?, ?> mount = ((List<?>) Manifests.containers(workload).get(0).getOrDefault("volumeMounts", List.of())).stream()
                .map(v -> (Map<?, ?>) v).filter(v -> dir.equals(v.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + dir + " in " + at(workload, "metadata", "name")));
        assertThat(mount.get("readOnly")).isEqualTo(true);
        assertThat(mount.get("subPath")).isNull();
        Map<?, ?> volume = volumes(workload).stream().filter(v -> mount.get("name").equals(v.get("name"))).findFirst().orElseThrow();
        String secret = (String) at(volume, "secret", "secretName");
        assertThat(secret).as("volume %s is a Secret", volume.get("name")).isNotNull();
        List<?> items = (List<?>) at(volume, "secret", "items");
        if (items == null) {
            return secret + "/" + file; // every key of the Secret, as a file of its name
        }
        return items.stream().filter(i -> file.equals(at(i, "path"))).map(i -> secret + "/" + at(i, "key")).findFirst()
                .orElseThrow(() -> new AssertionError(path + " is no item of the Secret " + secret));
    }

    /** The keys of {@code secret} written into the workload's pods. */
    private static List<Object> mountedSecretKeys(Map<String, Object> workload, String secret) {
        return volumes(workload).stream().filter(v -> secret.equals(at(v, "secret", "secretName")))
                .flatMap(v -> ((List<?>) at(v, "secret", "items")).stream()).map(i -> at(i, "key")).toList();
    }

    private static List<Map<?, ?>> volumes(Map<String, Object> workload) {
        List<?> volumes = (List<?>) at(workload, "spec", "template", "spec", "volumes");
        return volumes == null ? List.of() : volumes.stream().<Map<?, ?>>map(v -> (Map<?, ?>) v).toList();
    }

    /** The list at {@code key}, or an empty one. */
    private static List<?> listAt(Object node, String key) {
        List<?> list = (List<?>) at(node, key);
        return list == null ? List.of() : list;
    }

    private static List<Object> servicePortNames(Map<String, Object> service) {
        return ((List<?>) at(service, "spec", "ports")).stream().map(p -> at(p, "name")).toList();
    }

    private static List<Object> envNames(Map<String, Object> container) {
        return ((List<?>) container.getOrDefault("env", List.of())).stream().map(e -> at(e, "name")).toList();
    }

    private static CommandSpec roleSpec(String role) {
        CommandLine main = new CommandLine(new Main());
        assertThat(main.getSubcommands().keySet()).contains(role);
        return main.getSubcommands().get(role).getCommandSpec();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
