package io.livestream.launcher.k8s;

import java.util.List;
import java.util.Map;

import static io.livestream.launcher.k8s.Manifests.at;

/**
 * The rendered NetworkPolicies asked what a cluster that enforces them answers for incoming traffic: may this peer
 * open a connection to this port of this workload's pods? A pod no policy selects takes anything; a selected pod takes
 * what any selecting policy's rule allows (rules add up). Selectors are read as {@code matchLabels}; a
 * {@code matchExpressions} fails the test rather than being misread.
 */
final class NetworkPolicies {
    /** Where a connection comes from: a pod (its namespace, that namespace's labels, its own labels), or outside. */
    record Peer(String namespace, Map<String, String> namespaceLabels, Map<String, String> podLabels) {
        /** A pod in a namespace carrying only the label Kubernetes gives every namespace. */
        static Peer pod(String namespace, Map<String, String> labels) {
            return new Peer(namespace, Map.of("kubernetes.io/metadata.name", namespace), labels);
        }

        /** A client outside the cluster: a streamer through the LoadBalancer, a viewer on the internet. */
        static Peer outside() {
            return new Peer(null, Map.of(), Map.of());
        }
    }

    private final List<Map<String, Object>> policies;

    NetworkPolicies(Manifests manifests) {
        this.policies = manifests.ofKind("NetworkPolicy");
    }

    /** Whether {@code peer} may connect to the container port named {@code portName} of {@code workload}'s pods. */
    boolean admits(Peer peer, Map<String, Object> workload, String portName) {
        String namespace = (String) at(workload, "metadata", "namespace");
        Map<?, ?> podLabels = (Map<?, ?>) at(workload, "spec", "template", "metadata", "labels");
        Map<?, ?> port = containerPort(workload, portName);
        List<Map<String, Object>> selecting = selecting(namespace, podLabels);
        if (selecting.isEmpty()) {
            return true;
        }
        for (Map<String, Object> policy : selecting) {
            List<?> rules = (List<?>) at(policy, "spec", "ingress");
            for (Object rule : rules == null ? List.of() : rules) {
                if (fromMatches((List<?>) at(rule, "from"), peer, namespace) && portMatches((List<?>) at(rule, "ports"), port)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The policies in {@code namespace} that select pods with {@code podLabels} for incoming traffic. */
    List<Map<String, Object>> selecting(String namespace, Map<?, ?> podLabels) {
        return policies.stream()
                .filter(p -> namespace == null ? at(p, "metadata", "namespace") == null : namespace.equals(at(p, "metadata", "namespace")))
                .filter(p -> matches(at(p, "spec", "podSelector"), podLabels))
                .filter(p -> at(p, "spec", "policyTypes") == null || ((List<?>) at(p, "spec", "policyTypes")).contains("Ingress"))
                .toList();
    }

    /** A container port of the workload's pods by name, or a failed test. */
    static Map<?, ?> containerPort(Map<String, Object> workload, String name) {
        return Manifests.containers(workload).stream()
                .flatMap(c -> ((List<?>) c.getOrDefault("ports", List.of())).stream()).map(p -> (Map<?, ?>) p)
                .filter(p -> name.equals(p.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError(at(workload, "metadata", "name") + " has no port " + name));
    }

    private static boolean fromMatches(List<?> from, Peer peer, String namespace) {
        if (from == null || from.isEmpty()) {
            return true;
        }
        for (Object element : from) {
            Object namespaceSelector = at(element, "namespaceSelector");
            Object podSelector = at(element, "podSelector");
            if (at(element, "ipBlock") != null) {
                throw new AssertionError("ipBlock is not modelled: " + element);
            }
            if (peer.namespace() == null) {
                continue; // selectors name pods; a client outside is no pod
            }
            boolean inNamespace = namespaceSelector == null ? namespace.equals(peer.namespace()) : matches(namespaceSelector, peer.namespaceLabels());
            if (inNamespace && (podSelector == null || matches(podSelector, peer.podLabels()))) {
                return true;
            }
        }
        return false;
    }

    /** A rule's port given by name matches the container port's name, by number its number; none given: every port. */
    private static boolean portMatches(List<?> ports, Map<?, ?> containerPort) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        return ports.stream().map(p -> (Map<?, ?>) p)
                .filter(p -> "TCP".equals(p.get("protocol") == null ? "TCP" : p.get("protocol")))
                .anyMatch(p -> p.get("port") instanceof String name ? name.equals(containerPort.get("name"))
                        : String.valueOf(p.get("port")).equals(String.valueOf(containerPort.get("containerPort"))));
    }

    /** An empty selector selects everything; otherwise every matchLabels entry must be among the labels. */
    static boolean matches(Object selector, Map<?, ?> labels) {
        if (at(selector, "matchExpressions") != null) {
            throw new AssertionError("matchExpressions are not modelled: " + selector);
        }
        Map<?, ?> wanted = (Map<?, ?>) at(selector, "matchLabels");
        return wanted == null || wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
}
