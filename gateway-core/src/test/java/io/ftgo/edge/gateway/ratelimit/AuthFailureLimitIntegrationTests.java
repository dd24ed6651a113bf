package io.ftgo.edge.gateway.ratelimit;

import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing credentials: after N failed authentications an address gets 429, even with a
 * good key.
 */
@SpringBootTest(classes = RateLimitTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthFailureLimitIntegrationTests {

	static final DevIdentityProvider identity = DevIdentityProvider.startOnRandomPort();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		RateLimitTestApplication.properties(identity).forEach((key, value) -> registry.add(key, () -> value));
		registry.add("edge.rate-limit.tiers.auth-failures.limit", () -> "3");
		registry.add("edge.rate-limit.tiers.auth-failures.window", () -> "1h");
	}

	@AfterAll
	static void stop() {
		identity.close();
	}

	@Test
	void guessedApiKeys_afterLimit_addressRefusedWith429EvenWithGoodKey() {
		WebTestClient client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + this.port).build();
		RateLimitTestApplication.handled.set(0);

		for (int i = 0; i < 4; i++) {
			client.get()
				.uri("/api/partner/ping")
				.header("X-API-Key", "guess-" + i)
				.exchange()
				.expectStatus()
				.isUnauthorized();
		}
		client.get()
			.uri("/api/partner/ping")
			.header("X-API-Key", RateLimitTestApplication.AJANTA_KEY)
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.RETRY_AFTER, (seconds) -> assertThat(Long.parseLong(seconds)).isPositive());

		assertThat(RateLimitTestApplication.handled).hasValue(0);
	}

}
