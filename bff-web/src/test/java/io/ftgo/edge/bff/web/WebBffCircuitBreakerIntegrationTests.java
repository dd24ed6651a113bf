package io.ftgo.edge.bff.web;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order page when the order service stays down: first 502 (the calls fail), then 503
 * once the order provider's circuit breaker is open (no call is made). A context of its
 * own, because an open breaker would leak into every other test of the shared one.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=-1", "edge.providers.order.circuit-breaker.sliding-window-size=4",
				"edge.providers.order.circuit-breaker.minimum-number-of-calls=2",
				"edge.providers.order.circuit-breaker.wait-in-open-state=1m" })
@AutoConfigureWebTestClient(timeout = "20s")
class WebBffCircuitBreakerIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	@Autowired
	WebTestClient client;

	@Test
	void orderPage_orderServiceStaysDown_502ThenCircuitOpen503Problem() {
		String token = identity.passwordGrant("alice", "password");
		providers.stop(Provider.ORDER);

		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(502);
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(503)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains("upstream_unavailable").doesNotContain("Exception"));

		providers.start(Provider.ORDER);
		this.client.get()
			.uri("/api/web/orders/7001")
			.headers((h) -> h.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(503);
		assertThat(providers.requestCount(Provider.ORDER)).isZero();
	}

}
