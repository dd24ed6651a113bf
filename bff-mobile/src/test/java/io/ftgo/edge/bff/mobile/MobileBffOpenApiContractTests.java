package io.ftgo.edge.bff.mobile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.ftgo.edge.stubs.EdgeTestEnvironment;
import io.ftgo.edge.stubs.FtgoProviders;
import io.ftgo.edge.stubs.Provider;
import io.ftgo.edge.stubs.identity.DevIdentityProvider;
import io.ftgo.edge.stubs.junit.EdgeTest;
import io.ftgo.edge.stubs.junit.OpenApiContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static io.ftgo.edge.stubs.junit.OpenApiContract.bearer;
import static io.ftgo.edge.stubs.junit.OpenApiContract.none;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bff-mobile's OpenAPI document against the real answers: every documented operation is
 * sent to the application (stub providers, dev identity provider) and each answer
 * (status, headers, body) is validated against the document served at
 * {@code /v3/api-docs}, problem+json errors and RateLimit headers included. One test
 * shows the check can fail.
 * <p>
 * Same configuration as {@link MobileBffStrictnessIntegrationTests}: one application
 * context for both.
 */
@EdgeTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "edge.rate-limit.tiers.default.limit=1000000")
@AutoConfigureWebTestClient(timeout = "20s")
class MobileBffOpenApiContractTests {

	static final EdgeTestEnvironment env = EdgeTestEnvironment.shared();

	static final DevIdentityProvider identity = env.identity();

	static final FtgoProviders providers = env.providers();

	/** "METHOD path status" of every validated answer. */
	static final Set<String> covered = new LinkedHashSet<>();

	@Autowired
	WebTestClient client;

	/** Sends one request and validates the real answer against the served document. */
	EntityExchangeResult<byte[]> validate(HttpMethod method, String path, String template,
			Consumer<HttpHeaders> headers, String body, int expectedStatus) {
		return new OpenApiContract(this.client, covered).validate(method, path, template, headers, body,
				expectedStatus);
	}

	@Test
	void orderStatus_okNotModifiedDegradedNotFoundUnauthorizedForbidden() {
		String alice = identity.passwordGrant("alice", "password");
		String partner = identity.clientCredentialsGrant("partner-ajanta", "ajanta-secret");
		String template = "/api/mobile/orders/{orderId}/status";
		EntityExchangeResult<byte[]> card = validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template,
				bearer(alice), null, 200);
		String etag = card.getResponseHeaders().getETag();
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template,
				bearer(alice).andThen((h) -> h.setIfNoneMatch(etag)), null, 304);
		validate(HttpMethod.GET, "/api/mobile/orders/7904/status", template, bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/mobile/orders/7002/status", template, bearer(alice), null, 404);
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template, none(), null, 401);
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", template, bearer(partner), null, 403);
	}

	@Test
	void orderStatus_orderProviderDown_badGateway() {
		env.grpcOrders().stop();
		validate(HttpMethod.GET, "/api/mobile/orders/7001/status", "/api/mobile/orders/{orderId}/status",
				bearer(identity.passwordGrant("alice", "password")), null, 502);
	}

	@Test
	void home_menu_createOrder() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.GET, "/api/mobile/home", "/api/mobile/home", bearer(alice), null, 200);
		validate(HttpMethod.GET, "/api/mobile/home", "/api/mobile/home", none(), null, 401);
		validate(HttpMethod.GET, "/api/mobile/restaurants/501/menu", "/api/mobile/restaurants/{id}/menu", bearer(alice),
				null, 200);
		validate(HttpMethod.GET, "/api/mobile/restaurants/501/menu", "/api/mobile/restaurants/{id}/menu", none(), null,
				401);
		validate(HttpMethod.POST, "/api/mobile/orders", "/api/mobile/orders", bearer(alice), "{\"restaurantId\":501}",
				200);
		validate(HttpMethod.POST, "/api/mobile/orders", "/api/mobile/orders", none(), "{}", 401);
	}

	@Test
	void graphql_postAndGet() {
		String alice = identity.passwordGrant("alice", "password");
		validate(HttpMethod.POST, "/graphql", "/graphql", bearer(alice),
				"{\"query\":\"{ order(orderId: 7001) { state orderTotal } }\"}", 200);
		validate(HttpMethod.GET, "/graphql?query={order(orderId:7001){state}}", "/graphql", bearer(alice), null, 200);
		validate(HttpMethod.POST, "/graphql", "/graphql", none(), "{\"query\":\"{ order(orderId: 7001) { state } }\"}",
				401);
	}

	@Test
	void aDocumentThatDisagreesWithTheCode_fails() throws IOException {
		// The served document with one field of the card renamed: the real card no longer
		// matches (unknown properties are refused).
		String document = new ClassPathResource("api/openapi.json").getContentAsString(StandardCharsets.UTF_8)
			.replace("\"restaurant\": {", "\"restaurantName\": {");
		EntityExchangeResult<byte[]> result = this.client.get()
			.uri("/api/mobile/orders/7001/status")
			.headers(bearer(identity.passwordGrant("alice", "password")))
			.exchange()
			.expectBody()
			.returnResult();

		assertThat(OpenApiContract.errors(document, "GET", "/api/mobile/orders/7001/status", result)).isNotEmpty();
	}

	@AfterAll
	static void everyDocumentedOperationWasExercised() {
		for (String operation : List.of("GET /api/mobile/orders/{orderId}/status", "GET /api/mobile/home",
				"GET /api/mobile/restaurants/{id}/menu", "POST /api/mobile/orders", "POST /graphql", "GET /graphql")) {
			assertThat(covered).anyMatch((c) -> c.equals(operation + " 200"));
		}
	}

}
