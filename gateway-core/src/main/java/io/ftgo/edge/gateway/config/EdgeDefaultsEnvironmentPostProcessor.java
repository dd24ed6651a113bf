package io.ftgo.edge.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Safe defaults for every BFF, at the lowest precedence so any YAML overrides them.
 * Spring Cloud Gateway's own defaults are an unbounded upstream pool and no response
 * timeout; here each is set deliberately.
 */
public class EdgeDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String SOURCE = "ftgoEdgeDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		String gateway = "spring.cloud.gateway.server.webflux.";
		// Upstream: bounded pool, idle connections evicted before providers' keep-alive
		// ends
		// (typically 60 s), connect and response timeouts on every route.
		defaults.put(gateway + "httpclient.connect-timeout", 1000);
		defaults.put(gateway + "httpclient.response-timeout", "5s");
		defaults.put(gateway + "httpclient.pool.type", "FIXED");
		defaults.put(gateway + "httpclient.pool.max-connections", 500);
		defaults.put(gateway + "httpclient.pool.acquire-timeout", 2000);
		defaults.put(gateway + "httpclient.pool.max-idle-time", "20s");
		defaults.put(gateway + "httpclient.pool.max-life-time", "5m");
		defaults.put(gateway + "httpclient.pool.eviction-interval", "10s");
		// One timer per request: http.server.requests (the server observation, tagged
		// with the route by RouteTagObservationFilter), which the alerts and the server
		// span already use. The gateway's own request timer
		// (spring.cloud.gateway.requests)
		// would time every proxied request a second time. Its observability filters
		// would add a third (http.client.requests) at about 7% of a plain route's
		// throughput (bench/proxy-bench.sh). traceparent (the server span's context) is
		// sent by ProviderRequestHeadersFilter; set observability.enabled=true for a
		// client span per proxied call.
		defaults.put(gateway + "metrics.enabled", false);
		defaults.put(gateway + "observability.enabled", false);
		// Server: graceful shutdown lets in-flight requests finish; Netty's hard limits
		// sit
		// above the edge's own (edge.limits.*) so clients get problem+json, not a bare
		// reset.
		defaults.put("server.shutdown", "graceful");
		defaults.put("spring.lifecycle.timeout-per-shutdown-phase", "20s");
		defaults.put("server.max-http-request-header-size", "16KB");
		defaults.put("server.netty.max-initial-line-length", "16KB");
		// Keep-alive idle limit, header/body timeouts and the connection cap:
		// edge.server.* (EdgeServerProperties), applied by ConnectionGuards.
		defaults.put("server.error.include-stacktrace", "never");
		defaults.put("server.error.include-message", "never");
		// Actuator: health groups and Prometheus only; on the management port.
		defaults.put("management.endpoints.web.exposure.include", "health,prometheus,compositions,graphql,pipelines");
		defaults.put("management.endpoint.health.probes.enabled", true);
		defaults.put("management.endpoint.health.show-details", "never");
		defaults.put("management.health.redis.enabled", false);
		// Metrics: every meter tagged with the BFF's name (dashboards and alerts group by
		// it), and latency buckets for the per-request timer (a few fixed buckets, not a
		// full histogram: histogram_quantile in the dashboard and alerts).
		defaults.put("management.metrics.tags.application", "${spring.application.name:edge}");
		String buckets = "25ms,50ms,100ms,250ms,500ms,1s,2s,5s";
		defaults.put("management.metrics.distribution.slo.http.server.requests", buckets);
		// No long-task timer per observation (*.active: a sorted-set insert and remove on
		// every request, for a gauge of in-flight requests that no dashboard reads).
		defaults.put("management.metrics.observations.ignored-meters", "long-task-timer");
		defaults.put("spring.jackson.default-property-inclusion", "non_null");
		// GraphQL: one observation per request, not one per field (a timer per field
		// costs
		// more than resolving it; provider calls are the composition runtime's business).
		defaults.put("management.observations.enable.graphql.datafetcher", false);
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
	}

}
