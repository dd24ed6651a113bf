package io.ftgo.edge.bff.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every metric name the Helm chart's Grafana dashboard and Prometheus alerts use
 * ({@code helm/ftgo-edge/files/}) is exported by a running BFF: bff-web with the stub
 * providers, the dev identity provider and a real Redis rate limiter, after traffic that
 * covers a fresh and a degraded composition, a cache miss and hit on a proxied route and
 * rate-limit rejections, scraped from {@code /actuator/prometheus} on the management
 * port. Every metric selector in those files must carry braces ({@code name{...}}), which
 * {@link #metricNames(String)} enforces, so a name cannot slip past the check.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class MonitoringMetricsIntegrationTests {

	static final Path CHART_FILES = Path.of("..", "helm", "ftgo-edge", "files");

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final int redisPort = EdgeTestEnvironment.freePort();

	static final RedisServer redis = startRedis();

	@Autowired
	WebTestClient client;

	@LocalManagementPort
	int managementPort;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.rate-limit.redis.enabled", () -> "true");
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> redisPort);
		// Per principal: alice's few requests pass, bob's burst is limited.
		registry.add("edge.rate-limit.tiers.default.limit", () -> "5");
		registry.add("edge.rate-limit.tiers.default.window", () -> "1m");
		// The restaurant provider through the load balancer (one instance): per-instance
		// metrics.
		registry.add("edge.load-balancing.providers.restaurant.instances[0]",
				() -> env.properties().get("edge.providers.restaurant.url"));
	}

	static RedisServer startRedis() {
		try {
			RedisServer server = RedisServer.newRedisServer()
				.port(redisPort)
				.bind("127.0.0.1")
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException("redis-server did not start on port " + redisPort, ex);
		}
	}

	@AfterAll
	static void stop() throws IOException {
		redis.stop();
	}

	@Test
	void everyMetricTheDashboardAndTheAlertsUse_isExported() throws IOException {
		String alice = identity.passwordGrant("alice", "password");
		String bob = identity.passwordGrant("bob", "password");
		get(alice, "/api/web/orders/7001").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.complete")
			.isEqualTo(true);
		get(alice, "/api/web/orders/7902").expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$._meta.complete")
			.isEqualTo(false);
		get(alice, "/api/web/restaurants/501").expectStatus().isOk().expectHeader().valueEquals("X-Cache", "MISS");
		get(alice, "/api/web/restaurants/501").expectStatus().isOk().expectHeader().valueEquals("X-Cache", "HIT");
		List<Integer> bobs = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			bobs.add(get(bob, "/api/web/restaurants/501").returnResult(String.class).getStatus().value());
		}
		assertThat(bobs).contains(HttpStatus.TOO_MANY_REQUESTS.value());

		// GC pause timers exist only after a collection: ask for one, and wait (bounded)
		// for its notification to reach the metrics.
		System.gc();
		String scrape = scrape();
		for (int i = 0; i < 50 && !scrape.contains("jvm_gc_pause_seconds_count"); i++) {
			sleep(Duration.ofMillis(200));
			scrape = scrape();
		}
		Set<String> exported = exportedNames(scrape);
		Set<String> dashboard = dashboardMetricNames();
		Set<String> alerts = alertMetricNames();

		assertThat(dashboard).contains("http_server_requests_seconds_bucket", "edge_composition_part_seconds_count",
				"resilience4j_circuitbreaker_state", "edge_ratelimit_requests_total", "edge_cache_requests_total",
				"jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "edge_lb_requests_total", "edge_lb_ejected");
		assertThat(alerts).hasSizeGreaterThanOrEqualTo(5);
		assertThat(exported).as("exported by bff-web").containsAll(dashboard).containsAll(alerts);
		// The dashboard and the alerts group by the BFF's name.
		assertThat(scrape()).contains("edge_composition_part_seconds_count{application=\"bff-web\"");
		// One timer per request, with the route (proxied route id, composed endpoint) as
		// a tag; the gateway's own request timer is off.
		assertThat(scrape).containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"web-restaurants\"")
			.containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"order-page\"")
			.doesNotContain("spring_cloud_gateway_requests");
	}

	@Test
	void metricNames_refusesASelectorWithoutBraces() {
		assertThat(metricNames("sum by (application, le) (rate(foo_total{a=\"b\"}[5m])) / on(x) bar{} > 0.5"))
			.containsExactlyInAnyOrder("foo_total", "bar");
		assertThatIllegalArgumentException().isThrownBy(() -> metricNames("rate(foo_total[5m]) > 0"))
			.withMessageContaining("foo_total");
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	WebTestClient.ResponseSpec get(String token, String uri) {
		return this.client.get().uri(uri).headers((h) -> h.setBearerAuth(token)).exchange();
	}

	String scrape() {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.responseTimeout(Duration.ofSeconds(10))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

	static Set<String> exportedNames(String scrape) {
		Set<String> names = new TreeSet<>();
		for (String line : scrape.split("\n")) {
			Matcher name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(line);
			if (name.find()) {
				names.add(name.group(1));
			}
		}
		return names;
	}

	static Set<String> dashboardMetricNames() throws IOException {
		JsonNode dashboard = JsonMapper.builder().build().readTree(CHART_FILES.resolve("ftgo-edge-dashboard.json"));
		Set<String> names = new TreeSet<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.path("targets")) {
				names.addAll(metricNames(target.get("expr").asString()));
			}
		}
		for (JsonNode variable : dashboard.at("/templating/list")) {
			Matcher labelValues = Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)")
				.matcher(variable.path("definition").asString(""));
			if (labelValues.find()) {
				names.add(labelValues.group(1));
			}
		}
		return names;
	}

	/** The {@code expr: |} blocks of the rules file, without its Helm placeholders. */
	static Set<String> alertMetricNames() throws IOException {
		Set<String> names = new TreeSet<>();
		List<String> lines = Files.readAllLines(CHART_FILES.resolve("ftgo-edge-rules.yaml"));
		for (int i = 0; i < lines.size(); i++) {
			Matcher expr = Pattern.compile("^(\\s*)expr: \\|\\s*$").matcher(lines.get(i));
			if (expr.find()) {
				int indent = expr.group(1).length();
				StringBuilder block = new StringBuilder();
				while (i + 1 < lines.size() && indent(lines.get(i + 1)) > indent) {
					block.append(lines.get(++i)).append('\n');
				}
				names.addAll(metricNames(block.toString().replaceAll("\\{\\{[^}]*}}", "0")));
			}
		}
		return names;
	}

	private static int indent(String line) {
		int n = 0;
		while (n < line.length() && line.charAt(n) == ' ') {
			n++;
		}
		return (n == line.length()) ? Integer.MAX_VALUE : n;
	}

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
			"and", "or", "unless", "bool", "offset", "le", "inf", "nan");

	/**
	 * The metric names of a PromQL expression written with braces on every selector;
	 * throws for an identifier that is neither a selector, a function, a grouping label
	 * nor a keyword (a selector without braces).
	 */
	static Set<String> metricNames(String promql) {
		String rest = promql.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // strings
			.replaceAll("\\[[^]]*]", ""); // ranges
		Set<String> names = new TreeSet<>();
		Matcher selector = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{[^}]*}").matcher(rest);
		while (selector.find()) {
			names.add(selector.group(1));
		}
		rest = selector.replaceAll(" ");
		rest = rest.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		rest = rest.replaceAll("[a-zA-Z_][a-zA-Z0-9_]*\\s*\\(", "(");
		Matcher leftover = Pattern.compile("\\b[a-zA-Z_:][a-zA-Z0-9_:]*\\b").matcher(rest);
		while (leftover.find()) {
			if (!KEYWORDS.contains(leftover.group().toLowerCase(java.util.Locale.ROOT))) {
				throw new IllegalArgumentException("'" + leftover.group() + "' in " + promql
						+ ": write every metric selector with braces, e.g. " + leftover.group() + "{}");
			}
		}
		return names;
	}

}
