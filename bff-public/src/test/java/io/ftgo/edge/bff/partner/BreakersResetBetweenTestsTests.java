package io.ftgo.edge.bff.partner;

import io.ftgo.edge.stubs.junit.EdgeTest;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test classes that share one application also share its circuit breakers: a test that
 * leaves a provider's breaker open must not turn the next test's answers into 503s.
 * {@code @EdgeTest} closes every breaker before each test. Same configuration as
 * {@link PublicBffOpenApiContractTests}, so the same application.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.standard.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BreakersResetBetweenTestsTests {

	@Autowired
	WebTestClient client;

	@Autowired
	CircuitBreakerRegistry breakers;

	@Test
	@Order(1)
	void aTestLeavesTheOrderBreakerOpen() {
		this.breakers.circuitBreaker("order").transitionToOpenState();
		this.client.get()
			.uri("/v1/orders/9999")
			.header("X-API-Key", PublicBffOpenApiContractTests.AJANTA_KEY)
			.exchange()
			.expectStatus()
			.isEqualTo(503);
	}

	@Test
	@Order(2)
	void theNextTestFindsItClosed() {
		assertThat(this.breakers.circuitBreaker("order").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		this.client.get()
			.uri("/v1/orders/9999")
			.header("X-API-Key", PublicBffOpenApiContractTests.AJANTA_KEY)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

}
