package io.ftgo.edge.bff.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.ftgo.edge.gateway.ratelimit.RateLimiter;
import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-web's GraphQL endpoint configured as in production: only registered (persisted)
 * queries run, introspection is off, and a query's cost is charged to the caller's rate
 * limit. Refusals make no provider call (counted from the stub journals).
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
class WebGraphQlProductionIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	static final String ORDER_PAGE = "graphql/persisted/order-page.graphql";

	@Autowired
	WebTestClient client;

	@Autowired
	RateLimiter limiter;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		for (String provider : List.of("order", "kitchen", "accounting", "consumer", "restaurant", "delivery")) {
			registry.add("edge.providers." + provider + ".timeout", () -> "2s");
		}
		registry.add("edge.graphql.timeout", () -> "4s");
		registry.add("edge.graphql.persisted-queries.enforce", () -> "true");
		registry.add("edge.graphql.introspection", () -> "false");
		// A token bucket refilled slowly (one token per 36 s), so that the cost test
		// sees what the query spent, not what came back meanwhile.
		registry.add("edge.rate-limit.tiers.default.limit", () -> "100");
		registry.add("edge.rate-limit.tiers.default.window", () -> "1h");
	}

	static String token() {
		return identity.passwordGrant("alice", "password");
	}

	WebTestClient.BodyContentSpec post(Map<String, Object> body) {
		return this.client.post()
			.uri("/graphql")
			.headers((h) -> h.setBearerAuth(token()))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody();
	}

	static long totalCalls() {
		return List.of(Provider.values()).stream().mapToLong(providers::requestCount).sum();
	}

	static String text(String resource) throws Exception {
		return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
	}

	@Test
	void registeredQuery_byId_bySha256_byFullText_allRun() throws Exception {
		String text = text(ORDER_PAGE);
		String hash = HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
		Map<String, Object> variables = Map.of("orderId", 7001);

		post(Map.of("variables", variables, "extensions", Map.of("persistedQuery", Map.of("id", "order-page"))))
			.jsonPath("$.data.order.restaurant.name")
			.isEqualTo("Ajanta");
		post(Map.of("variables", variables, "extensions", Map.of("persistedQuery", Map.of("sha256Hash", hash))))
			.jsonPath("$.data.order.ticket.state")
			.isEqualTo("PICKED_UP");
		post(Map.of("variables", variables, "query", text.replaceAll("\\s+", " "))).jsonPath("$.data.order.bill.state")
			.isEqualTo("AUTHORIZED");
	}

	@Test
	void adHocQuery_refusedPersistedQueryRequired_nothingCalled() {
		post(Map.of("query", "{ order(orderId: 7001) { orderId } }")).jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("PERSISTED_QUERY_REQUIRED");
		post(Map.of("extensions", Map.of("persistedQuery", Map.of("sha256Hash", "abc123"))))
			.jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("PERSISTED_QUERY_NOT_FOUND");

		assertThat(totalCalls()).isZero();
	}

	@Test
	void introspection_switchedOff_refused() {
		post(Map.of("query", "{ __schema { types { name } } }")).jsonPath("$.errors[0].extensions.classification")
			.isEqualTo("INTROSPECTION_DISABLED");

		assertThat(totalCalls()).isZero();
	}

	@Test
	void cost_chargedToTheRateLimit() {
		String key = "sub:1001";
		RateLimiter.Tier tier = new RateLimiter.Tier("default", 100, Duration.ofHours(1));
		long started = System.nanoTime();
		int before = this.limiter.tryAcquire(key, tier).block().remaining();
		long[] cost = new long[1];

		post(Map.of("variables", Map.of("orderId", 7001), "extensions",
				Map.of("persistedQuery", Map.of("id", "order-page"))))
			.jsonPath("$.extensions.cost")
			.value((Number c) -> cost[0] = c.longValue());
		int after = this.limiter.tryAcquire(key, tier).block().remaining();
		// tokens the bucket got back meanwhile: none unless the machine took 36 s
		long refilled = (System.nanoTime() - started) / Duration.ofSeconds(36).toNanos();

		long tokens = (cost[0] + 49) / 50;
		assertThat(tokens).isGreaterThan(1);
		// The probe itself spent one token; the query spent one per 50 cost points.
		assertThat(before - after).isBetween((int) (1 + tokens - refilled), (int) (1 + tokens));
	}

}
