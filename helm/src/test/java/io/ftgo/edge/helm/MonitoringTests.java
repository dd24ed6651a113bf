package io.ftgo.edge.helm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional Grafana dashboard ConfigMap and PrometheusRule: off by default, the
 * sidecar label, the PrometheusRule only where the Operator's API is (or when told to
 * render regardless), thresholds from values. The alerts' behaviour is tested by promtool
 * ({@link PromtoolRulesTests}); that every metric they and the dashboard use is exported,
 * by bff-web's MonitoringMetricsIntegrationTests.
 */
class MonitoringTests {

	static final String DASHBOARD = HelmChart.RELEASE + "-dashboard";

	static final String ALERTS = HelmChart.RELEASE + "-alerts";

	@Test
	void defaults_noDashboardNoRule() {
		Manifests defaults = HelmChart.render(Map.of());
		assertThat(defaults.find(ConfigMap.class, DASHBOARD)).isEmpty();
		assertThat(defaults.all(GenericKubernetesResource.class)).isEmpty();
	}

	@Test
	void dashboard_configMapWithTheSidecarLabelAndTheDashboardJson() throws Exception {
		ConfigMap map = HelmChart.render(Map.of("monitoring.dashboard.enabled", "true"))
			.get(ConfigMap.class, DASHBOARD);

		assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
		JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("ftgo-edge-dashboard.json"));
		assertThat(dashboard.get("uid").asText()).isEqualTo("ftgo-edge");
		assertThat(panelTitles(dashboard)).contains("Request rate per BFF and endpoint", "5xx ratio per BFF",
				"Latency p95 per BFF and endpoint", "Composition parts by status",
				"Degraded parts by provider and reason", "Circuit breakers not closed", "Rate-limit rejections",
				"Response cache hit ratio", "Heap used and max", "GC pause time per second");
	}

	@Test
	void dashboard_perRoutePanelsReadTheOneServerTimerByRoute() throws Exception {
		ConfigMap map = HelmChart.render(Map.of("monitoring.dashboard.enabled", "true"))
			.get(ConfigMap.class, DASHBOARD);
		JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("ftgo-edge-dashboard.json"));
		List<String> perRoute = new ArrayList<>();
		dashboard.get("panels").forEach((panel) -> {
			if (panel.get("title").asText().endsWith(" per route")) {
				panel.get("targets").forEach((target) -> perRoute.add(target.get("expr").asText()));
			}
		});
		assertThat(perRoute).hasSize(3)
			.allSatisfy((expr) -> assertThat(expr).contains("http_server_requests_seconds_", "by (application, route"));
		assertThat(map.getData().get("ftgo-edge-dashboard.json")).doesNotContain("spring_cloud_gateway_requests");
	}

	@Test
	void dashboard_labelsNamespaceAndAnnotationsFromValues() {
		ConfigMap map = HelmChart.render(Map.of("monitoring.dashboard.enabled", "true",
				"monitoring.dashboard.namespace", "grafana", "monitoring.dashboard.annotations.grafana_folder", "FTGO"))
			.get(ConfigMap.class, DASHBOARD);
		assertThat(map.getMetadata().getNamespace()).isEqualTo("grafana");
		assertThat(map.getMetadata().getAnnotations()).containsEntry("grafana_folder", "FTGO");
	}

	@Test
	void prometheusRule_notRenderedWhereTheOperatorApiIsAbsent() {
		assertThat(HelmChart.render(Map.of("monitoring.prometheusRule.enabled", "true"))
			.all(GenericKubernetesResource.class)).isEmpty();
	}

	@Test
	void prometheusRule_fiveAlertsWithThresholdsFromValues() {
		GenericKubernetesResource rule = renderRule(Map.of("monitoring.prometheusRule.labels.release", "kps",
				"monitoring.prometheusRule.thresholds.breakerOpenFor", "7m"));

		assertThat(rule.getMetadata().getName()).isEqualTo(ALERTS);
		assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kps");
		List<Map<String, Object>> rules = rules(rule);
		assertThat(rules).extracting((r) -> r.get("alert"))
			.containsExactly("EdgeHigh5xxRatio", "EdgeCircuitBreakerOpen", "EdgeStaleServedRatioHigh",
					"EdgeRateLimiterRedisFailing", "EdgePodNearMemoryLimit");
		assertThat(rules.get(1)).containsEntry("for", "7m");
		assertThat((String) rules.get(0).get("expr")).contains("> 0.05");
		@SuppressWarnings("unchecked")
		Map<String, Object> annotations = (Map<String, Object>) rules.get(0).get("annotations");
		assertThat((String) annotations.get("summary")).contains("{{ $labels.application }}");
	}

	@Test
	void prometheusRule_badThreshold_refusedBySchema() {
		assertThat(HelmChart.renderFailure(Map.of("monitoring.prometheusRule.thresholds.errorRatio", "5")))
			.contains("/monitoring/prometheusRule/thresholds/errorRatio");
	}

	static GenericKubernetesResource renderRule(Map<String, Object> set) {
		Map<String, Object> values = new java.util.HashMap<>(set);
		values.put("monitoring.prometheusRule.enabled", "true");
		values.put("monitoring.prometheusRule.requireOperatorApi", "false");
		List<GenericKubernetesResource> rules = HelmChart.render(values).all(GenericKubernetesResource.class);
		assertThat(rules).hasSize(1);
		return rules.get(0);
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> rules(GenericKubernetesResource rule) {
		Map<String, Object> spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
		List<Map<String, Object>> groups = (List<Map<String, Object>>) spec.get("groups");
		List<Map<String, Object>> rules = new ArrayList<>();
		groups.forEach((group) -> rules.addAll((List<Map<String, Object>>) group.get("rules")));
		return rules;
	}

	static List<String> panelTitles(JsonNode dashboard) {
		List<String> titles = new ArrayList<>();
		dashboard.get("panels").forEach((panel) -> {
			if (!"row".equals(panel.get("type").asText())) {
				titles.add(panel.get("title").asText());
			}
		});
		return titles;
	}

}
