package io.ftgo.edge.bff.partner;

import io.ftgo.edge.stubs.junit.EdgeTest;
import io.ftgo.edge.stubs.junit.OpenApiContract;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented 429 against a real one: a standard partner's second request in the hour
 * is refused, and that answer (problem+json, {@code Retry-After},
 * {@code RateLimit-Policy}, {@code RateLimit}) matches the OpenAPI document. A context of
 * its own: a limit of one.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.tiers.standard.limit=1", "edge.rate-limit.tiers.standard.window=1h" })
@AutoConfigureWebTestClient(timeout = "20s")
class PublicBffRateLimitContractTests {

	@Autowired
	WebTestClient client;

	@Test
	void beyondTheLimit_429AsDocumented() {
		String document = new OpenApiContract(this.client, new java.util.HashSet<>()).servedDocument();
		EntityExchangeResult<byte[]> first = get();
		EntityExchangeResult<byte[]> second = get();

		assertThat(first.getStatus().value()).isEqualTo(200);
		assertThat(OpenApiContract.errors(document, "GET", "/v1/restaurants/501/menu", first)).isEmpty();
		assertThat(second.getStatus().value()).isEqualTo(429);
		assertThat(OpenApiContract.errors(document, "GET", "/v1/restaurants/501/menu", second)).isEmpty();
	}

	EntityExchangeResult<byte[]> get() {
		return this.client.get()
			.uri("/v1/restaurants/501/menu")
			.header("X-API-Key", "demo-ajanta-key")
			.exchange()
			.expectBody()
			.returnResult();
	}

}
