package io.ftgo.edge.bff.partner;

import java.util.List;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.AuthorizationServerProcess;
import io.ftgo.edge.stubs.junit.EdgeTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-public against Spring Authorization Server (the {@code stubs/authorization-server}
 * module, its own JVM process), with bff-public's YAML as shipped but the issuer:
 * partners' client-credentials tokens are accepted with scope {@code partner}, bound to
 * the restaurants and limited by the tier their claims name; a token without that scope
 * (not asked for, or another client's) is refused before any provider is called.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "20s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PublicAuthorizationServerInteropTests {

	static final FtgoProviders providers = EdgeTestEnvironment.shared().providers();

	static final AuthorizationServerProcess server = AuthorizationServerProcess.builder().start();

	@Autowired
	WebTestClient client;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("edge.security.jwt.issuer-uri", server::issuer);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void partnerTokens_clientCredentials_boundToTheirRestaurants_tierFromTheToken() {
		String ajanta = server.clientCredentials("partner-ajanta", "ajanta-secret", "partner");
		String eggshop = server.clientCredentials("partner-eggshop", "eggshop-secret", "partner");

		this.client.get()
			.uri("/v1/orders/7001")
			.headers((h) -> h.setBearerAuth(ajanta))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("RateLimit-Policy", (policy) -> assertThat(policy).startsWith("\"standard\""))
			.expectBody()
			.jsonPath("$.restaurantId")
			.isEqualTo(501);
		assertThat(providers.requests(Provider.ORDER)).allSatisfy((r) -> {
			assertThat(r.getHeader("X-Partner-Id")).isEqualTo("partner-ajanta");
			assertThat(r.getHeader("X-Partner-Restaurant-Ids")).isEqualTo("501");
		});
		providers.resetRequests();

		this.client.get()
			.uri("/v1/orders/7002")
			.headers((h) -> h.setBearerAuth(ajanta))
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(providers.requestCount(Provider.KITCHEN)).isZero();

		this.client.get()
			.uri("/v2/orders/7002")
			.headers((h) -> h.setBearerAuth(eggshop))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.value("RateLimit-Policy", (policy) -> assertThat(policy).startsWith("\"premium\""))
			.expectBody()
			.jsonPath("$.restaurantId")
			.isEqualTo(502);
	}

	@Test
	void tokensWithoutThePartnerScope_403ProblemAndNoProviderCalled() {
		// Spring Authorization Server grants a client only the scopes it asks for.
		String notAsked = server.clientCredentials("partner-ajanta", "ajanta-secret", null);
		assertThat(AuthorizationServerProcess.claims(notAsked)).doesNotContainKey("scope");
		String reports = server.clientCredentials("ftgo-reports", "reports-secret", "reports");
		String user = (String) server
			.authorizationCode("ftgo-mobile", null, "http://127.0.0.1:53682/callback", "openid mobile", "alice",
					"password")
			.get("access_token");

		for (String token : List.of(notAsked, reports, user)) {
			this.client.get()
				.uri("/v1/orders/7001")
				.headers((h) -> h.setBearerAuth(token))
				.exchange()
				.expectStatus()
				.isForbidden()
				.expectHeader()
				.contentType(MediaType.APPLICATION_PROBLEM_JSON);
		}
		for (Provider provider : Provider.values()) {
			assertThat(providers.requestCount(provider)).as(provider.id()).isZero();
		}
	}

}
