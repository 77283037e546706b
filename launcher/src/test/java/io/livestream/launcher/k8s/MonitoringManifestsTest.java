package io.livestream.launcher.k8s;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.livestream.launcher.k8s.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring component (k8s/components/monitoring) renders with the overlays that take it, into Prometheus
 * Operator objects that hold together: a PodMonitor per role selecting that role's pods and a port they have, a
 * PrometheusRule whose every alert has an expression, a duration, a severity and words for the operator, and the
 * Grafana dashboard as a ConfigMap the sidecar picks up.
 */
class MonitoringManifestsTest {
    static final Path COMPONENT = Manifests.K8S.resolve("components/monitoring");
    private static final Set<String> ROLES = Set.of("gateway", "ingest", "relay", "interaction");
    private static final String OPERATOR_API = "monitoring.coreos.com/v1";
    private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*(=~|=|!=|!~)\\s*\"([^\"]*)\"");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    @SuppressWarnings("unchecked")
    void aPodMonitorPerRoleSelectsThatRolesPodsAndAPortTheyName(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        assertThat(m.ofKind("ServiceMonitor")).as("the roles are scraped through PodMonitors").isEmpty();
        Set<String> roles = new HashSet<>();
        for (Map<String, Object> monitor : m.ofKind("PodMonitor")) {
            String name = (String) at(monitor, "metadata", "name");
            assertThat(monitor.get("apiVersion")).isEqualTo(OPERATOR_API);
            Map<String, String> selector = (Map<String, String>) at(monitor, "spec", "selector", "matchLabels");
            assertThat(selector).as("%s selects pods by label", name).isNotEmpty();
            List<Map<String, Object>> selected = m.workloads().stream()
                    .filter(w -> podLabels(w).entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("workloads %s selects", name).hasSize(1);
            Map<String, Object> workload = selected.get(0);
            assertThat(at(monitor, "metadata", "namespace")).as("%s sits with its pods", name)
                    .isEqualTo(at(workload, "metadata", "namespace"));
            String role = podLabels(workload).get("app.kubernetes.io/component");
            roles.add(role);
            String jobLabel = (String) at(monitor, "spec", "jobLabel");
            assertThat(podLabels(workload).get(jobLabel)).as("the job the alerts select on").isEqualTo("livestream-" + role);
            Set<String> ports = new HashSet<>();
            for (Map<String, Object> c : Manifests.containers(workload)) {
                for (Object p : (List<Object>) c.getOrDefault("ports", List.of())) {
                    ports.add(String.valueOf(((Map<String, Object>) p).get("name")));
                }
            }
            List<Map<String, Object>> endpoints = (List<Map<String, Object>>) at(monitor, "spec", "podMetricsEndpoints");
            assertThat(endpoints).isNotEmpty();
            for (Map<String, Object> e : endpoints) {
                assertThat(ports).as("ports of %s's pods", name).contains((String) e.get("port"));
                assertThat(e.get("path")).isEqualTo("/metrics");
            }
        }
        assertThat(roles).isEqualTo(ROLES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    @SuppressWarnings("unchecked")
    void everyAlertHasAnExpressionADurationASeverityAndWordsForTheOperator(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        Map<String, Object> rule = m.named("PrometheusRule", "livestream");
        assertThat(rule.get("apiVersion")).isEqualTo(OPERATOR_API);
        List<Map<String, Object>> groups = (List<Map<String, Object>>) at(rule, "spec", "groups");
        assertThat(groups).isNotEmpty();
        Set<String> alerts = new HashSet<>();
        for (Map<String, Object> group : groups) {
            assertThat((String) group.get("name")).isNotBlank();
            List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
            assertThat(rules).as("rules of %s", group.get("name")).isNotEmpty();
            for (Map<String, Object> r : rules) {
                String alert = (String) r.get("alert");
                assertThat(alert).matches("Livestream[A-Z][A-Za-z]+");
                assertThat(alerts.add(alert)).as("%s named once", alert).isTrue();
                PromQl.parse((String) r.get("expr"));
                assertThat(String.valueOf(r.get("for"))).as("for of %s", alert).matches("\\d+[smh]");
                assertThat(at(r, "labels", "severity")).as("severity of %s", alert).isIn("warning", "critical");
                assertThat((String) at(r, "annotations", "summary")).as("summary of %s", alert).isNotBlank();
                assertThat((String) at(r, "annotations", "description")).as("description of %s", alert).isNotBlank();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/prod", "overlays/direct"})
    void theDashboardShipsAsAConfigMapForTheGrafanaSidecar(String overlay) throws Exception {
        Manifests m = Manifests.render(overlay);
        Map<String, Object> cm = m.named("ConfigMap", "livestream-grafana-dashboard");
        assertThat(at(cm, "metadata", "labels", "grafana_dashboard")).isEqualTo("1");
        JsonObject shipped = new JsonObject((String) at(cm, "data", "livestream.json"));
        assertThat(shipped).isEqualTo(dashboard());
    }

    @Test
    void theDevOverlayLeavesMonitoringOut() throws Exception {
        assertThat(Manifests.render("overlays/dev").ofKind("PodMonitor")).isEmpty();
    }

    @Test
    void everyJobTheAlertsAndTheDashboardSelectIsOneAPodMonitorMakes() throws Exception {
        Map<String, String> all = new LinkedHashMap<>(ruleExpressions());
        all.putAll(dashboardExpressions());
        Set<String> jobs = new HashSet<>();
        ROLES.forEach(r -> jobs.add("livestream-" + r));
        int seen = 0;
        for (Map.Entry<String, String> e : all.entrySet()) {
            Matcher job = JOB_MATCHER.matcher(e.getValue());
            while (job.find()) {
                seen++;
                String value = job.group(2);
                boolean regex = job.group(1).contains("~");
                assertThat(jobs.stream().anyMatch(j -> regex ? j.matches(value) : j.equals(value)))
                        .as("job %s in %s", value, e.getKey()).isTrue();
            }
        }
        assertThat(seen).isPositive();
    }

    @Test
    void everyDashboardPanelHasAQueryThatReadsASeries() throws Exception {
        Map<String, String> queries = dashboardExpressions();
        assertThat(queries).isNotEmpty();
        queries.forEach((panel, expr) -> assertThat(PromQl.parse(expr).selectors).as(panel).isNotEmpty());
    }

    /** The alerts' expressions, by alert name. */
    @SuppressWarnings("unchecked")
    static Map<String, String> ruleExpressions() throws IOException {
        Map<String, Object> rule = new Yaml(new LoaderOptions()).load(Files.readString(COMPONENT.resolve("prometheusrule.yaml")));
        Map<String, String> out = new LinkedHashMap<>();
        for (Object group : (List<Object>) at(rule, "spec", "groups")) {
            for (Object r : (List<Object>) at(group, "rules")) {
                out.put("alert " + at(r, "alert"), (String) at(r, "expr"));
            }
        }
        return out;
    }

    /** The dashboard's queries, by panel title and query id. */
    static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        collect(dashboard().getJsonArray("panels"), out);
        return out;
    }

    static JsonObject dashboard() throws IOException {
        return new JsonObject(Files.readString(COMPONENT.resolve("grafana-dashboard.json")));
    }

    private static void collect(JsonArray panels, Map<String, String> out) {
        for (int i = 0; i < panels.size(); i++) {
            JsonObject panel = panels.getJsonObject(i);
            collect(panel.getJsonArray("panels", new JsonArray()), out);
            JsonArray targets = panel.getJsonArray("targets", new JsonArray());
            for (int t = 0; t < targets.size(); t++) {
                JsonObject target = targets.getJsonObject(t);
                out.put("panel " + panel.getString("title") + " " + target.getString("refId"), target.getString("expr"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> podLabels(Map<String, Object> workload) {
        return (Map<String, String>) at(workload, "spec", "template", "metadata", "labels");
    }
}
