package io.ftgo.edge.bff.partner;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Partner tiers of bff-public: its own context with small limits (so the shared context
 * of the other tests keeps its budgets). A partner's API key and its client-credentials
 * token share one budget; each tier has its own limit.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "edge.rate-limit.tiers.standard.limit=3", "edge.rate-limit.tiers.standard.window=1h",
				"edge.rate-limit.tiers.premium.limit=5", "edge.rate-limit.tiers.premium.window=1h" })
@AutoConfigureWebTestClient(timeout = "20s")
class PartnerRateLimitIntegrationTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	@Autowired
	WebTestClient client;

	@Test
	void standardPartner_keyAndTokenShareBudget_fourthRequest429WithRetryAfter_premiumUnaffected() {
		String ajantaToken = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");

		this.client.get()
			.uri("/v1/restaurants/501/menu")
			.header("X-API-Key", "demo-ajanta-key")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"standard\";q=3;w=3600")
			.expectHeader()
			.value("RateLimit", (field) -> assertThat(field).startsWith("\"standard\";r=2;t="));
		this.client.get()
			.uri("/v1/restaurants/501/menu")
			.headers((h) -> h.setBearerAuth(ajantaToken))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("RateLimit", (field) -> assertThat(field).startsWith("\"standard\";r=1;t="));
		this.client.get()
			.uri("/v1/restaurants/501/menu")
			.header("X-API-Key", "demo-ajanta-key")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("RateLimit", (field) -> assertThat(field).startsWith("\"standard\";r=0;t="));
		int before = providers.requestCount(Provider.RESTAURANT);

		this.client.get()
			.uri("/v1/orders/7001")
			.headers((h) -> h.setBearerAuth(ajantaToken))
			.exchange()
			.expectStatus()
			.isEqualTo(429)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectHeader()
			.value(HttpHeaders.RETRY_AFTER, (seconds) -> assertThat(Long.parseLong(seconds)).isPositive());

		assertThat(providers.requestCount(Provider.ORDER)).isZero();
		assertThat(providers.requestCount(Provider.RESTAURANT)).isEqualTo(before);
		this.client.get()
			.uri("/v1/restaurants/502/menu")
			.header("X-API-Key", "demo-eggshop-key")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"premium\";q=5;w=3600");
	}

}
